using System.Text;
using Sweeps.Engine.Config;
using Xunit.Abstractions;

namespace Sweeps.Engine.Tests;

/// <summary>
/// A fixed corpus of broken and hostile configs: random mutations of valid ones (byte flips, truncations, lines
/// duplicated or deleted, YAML syntax inserted, very long scalars, deep nesting) and every hostile case Sweeps refuses
/// on purpose. Each must end in a valid config or an <see cref="InvalidConfigException"/>, never another exception,
/// and allocate a bounded amount. The corpus is the same on every run (seeded), so a failure names a case to replay.
/// </summary>
public sealed class ConfigFuzzSpecs(ITestOutputHelper output)
{
    const int MutationsPerSeed = 400;
    const long MaxAllocatedPerCase = 200L << 20;

    static readonly string[] Seeds =
    [
        File.ReadAllText(Path.Combine(RepoRoot(), "demo", "sweep.yaml")),
        File.ReadAllText(Path.Combine(RepoRoot(), "docs", "pipelines", "sweep.yaml")),
        """
        method: grid
        metric: {name: loss, goal: minimize}
        parameters:
          optimizer:
            parameters:
              name: {values: [adam, sgd]}
              lr: {values: [0.1, 0.01, 0.001]}
          layers: {distribution: int_uniform, min: 1, max: 3}
          q: {distribution: q_uniform, min: 0, max: 1, q: 0.25}
        """,
        """
        method: bayes
        metric:
          name: val_acc
          goal: maximize
          target: 0.99
        early_terminate: {type: hyperband, min_iter: 3, eta: 2}
        run_cap: 30
        parameters:
          dropout: {distribution: uniform, min: 0.0, max: 0.5}
          width: {distribution: q_log_uniform_values, min: 16, max: 512, q: 8}
          act: {values: [relu, gelu], probabilities: [0.7, 0.3]}
          mu: {distribution: normal, mu: 0, sigma: 1}
        """,
        """
        program: train.py
        method: random
        command: [${env}, python, ${program}, --fixed, "1", ${args}]
        name: with-command
        description: |
          A multi-line description
          with a second line.
        parameters:
          epochs: {value: 10}
          batch: &batch {values: [16, 32, 64]}
          eval_batch: *batch
          beta: {distribution: beta, a: 2, b: 5}
        """,
        """{"method": "random", "metric": {"name": "loss"}, "parameters": {"lr": {"min": 0.0001, "max": 0.1}, "n": {"values": [1, 2, 3]}}}""",
    ];

    static readonly string[] Syntax =
    [
        "&a ", "*a", " *a ", "[", "{", "]", "}", ": ", "- ", "? ", "!!int ", "!!float ", "!!str ", "!!bool ", "!!null ", "!!binary ",
        "!!set ", "!!omap ", "!!python/object:os.system ", "!custom ", "<<: ", "--- ", "...\n", "%YAML 1.2\n---\n", "%TAG ! tag:x,2000:\n",
        "|\n", ">-\n", "\"\\0\"", "\"\\e[31m\"", "'", "\"", "\t", "\r", "\uFEFF", "\0", "0x", "0o7", "1e999", ".nan", "~", "#", ",", "@", "`",
        "&a [*a]", "&b {k: *b}", "\u202E", "\uD800",
    ];

    static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Sweeps.slnx"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }

    [Fact(Timeout = 300_000)]
    public async Task Every_mutated_or_hostile_config_ends_in_a_config_or_a_clear_refusal()
    {
        await Task.Yield(); // the corpus runs on one pool thread, whose allocations each case measures
        int cases = 0, valid = 0, refused = 0;
        var failures = new List<string>();
        foreach (var (name, text) in Corpus())
        {
            cases++;
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                SweepConfigParser.Parse(YamlConfigReader.Read(text, name), out _);
                valid++;
            }
            catch (InvalidConfigException e)
            {
                refused++;
                if (e.Problems.Count == 0) failures.Add($"{name}: refused without a problem");
            }
            catch (Exception e)
            {
                failures.Add($"{name}: {e.GetType().Name}: {e.Message} | text starts {Escape(text)}");
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > MaxAllocatedPerCase) failures.Add($"{name}: allocated {allocated >> 20} MB");
        }
        output.WriteLine($"config fuzz corpus: {cases} cases, {valid} valid, {refused} refused");
        Assert.Empty(failures);
        Assert.Equal(cases, valid + refused);
        Assert.True(valid > 0 && refused > 0, "the corpus should hold both valid and refused configs");
    }

    static string Escape(string text) => Printable.Text(text.Length > 120 ? text[..120] : text);

    static IEnumerable<(string Name, string Text)> Corpus()
    {
        foreach (var hostile in Hostile()) yield return hostile;
        for (var s = 0; s < Seeds.Length; s++)
        {
            yield return ($"seed {s}", Seeds[s]);
            var random = new Random(1000 + s);
            for (var m = 0; m < MutationsPerSeed; m++)
            {
                var text = Seeds[s];
                var steps = new List<string>();
                for (var k = random.Next(1, 4); k > 0; k--)
                {
                    var (step, mutated) = Mutate(text, random);
                    steps.Add(step);
                    if (mutated.Length <= 2 * Limits.MaxConfigBytes) text = mutated;
                }
                yield return ($"seed {s} mutation {m} ({string.Join(", ", steps)})", text);
            }
        }
    }

    static (string Step, string Text) Mutate(string text, Random random)
    {
        var at = random.Next(text.Length + 1);
        var lines = text.Split('\n').ToList();
        var line = random.Next(lines.Count);
        switch (random.Next(8))
        {
            case 0:
                var c = random.Next(4) == 0 ? Syntax[random.Next(Syntax.Length)][0] : (char)random.Next(0, 0x250);
                return ($"flip {at}", at < text.Length ? text[..at] + c + text[(at + 1)..] : text + c);
            case 1:
                return ($"truncate {at}", text[..at]);
            case 2:
                lines.Insert(line, lines[line]);
                return ($"duplicate line {line + 1}", string.Join('\n', lines));
            case 3:
                lines.RemoveAt(line);
                return ($"delete line {line + 1}", string.Join('\n', lines));
            case 4:
            case 5:
                var token = Syntax[random.Next(Syntax.Length)];
                return ($"insert {Printable.Text(token)} at {at}", text.Insert(at, token));
            case 6:
                var length = random.Next(1, 300_000);
                var scalar = random.Next(3) switch { 0 => new string('x', length), 1 => "9" + new string('9', length), _ => "0x" + new string('f', length) };
                return ($"long scalar of {length} at {at}", text.Insert(at, scalar));
            default:
                var depth = random.Next(10, 200_000);
                var open = random.Next(3) switch { 0 => "[", 1 => "{a: ", _ => "- " };
                var nest = string.Concat(Enumerable.Repeat(open, depth));
                if (random.Next(2) == 0) nest += open switch { "[" => new string(']', depth), "{a: " => "1" + new string('}', depth), _ => "" };
                return ($"nest {Printable.Text(open)} x{depth} at {at}", text.Insert(at, nest));
        }
    }

    static IEnumerable<(string, string)> Hostile()
    {
        const string head = "method: grid\nparameters:\n  x:\n    value: ";
        yield return ("flow lists 100,000 deep", head + new string('[', 100_000) + new string(']', 100_000) + "\n");
        yield return ("flow maps 100,000 deep", head + string.Concat(Enumerable.Repeat("{a: ", 100_000)) + "1" + new string('}', 100_000) + "\n");
        yield return ("unclosed lists 500,000 deep", head + new string('[', 500_000));
        yield return ("block lists 1,000 deep", head + "\n" + string.Concat(Enumerable.Range(0, 1000).Select(i => new string(' ', 6 + i) + "-\n")) + new string(' ', 1006) + "1\n");
        yield return ("one level past the limit", head + new string('[', Limits.MaxValueDepth - 3) + new string(']', Limits.MaxValueDepth - 3) + "\n");
        yield return ("list containing itself", "a: &x [1, *x]\n");
        yield return ("map containing itself", "a: &x\n  b: 1\n  c: *x\n");
        yield return ("map keyed by itself", "a: &x {*x : 1}\n");
        yield return ("list as a key", "? [1, 2]\n: 3\n");
        yield return ("alias before its anchor", "a: *k\nb: &k 1\n");
        var laughs = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var c = 'b'; c <= 'i'; c++) laughs.Append(c).Append(": &").Append(c).Append(" [").AppendJoin(", ", Enumerable.Repeat($"*{(char)(c - 1)}", 9)).Append("]\n");
        yield return ("billion laughs", laughs.ToString());
        yield return ("billion laughs of maps", "l0: &a0 {k: v, l: v, m: v}\n" + string.Concat(Enumerable.Range(1, 20).Select(i => $"l{i}: &a{i} {{x: *a{i - 1}, y: *a{i - 1}, z: *a{i - 1}}}\n")));
        var key = new string('k', 16_000);
        yield return ("long keys nested deep", "a: " + string.Concat(Enumerable.Range(0, 30).Select(i => $"{{{key}{i}: ")) + "[" + string.Join(",", Enumerable.Repeat("1", 30_000)) + "]" + new string('}', 30) + "\n");
        yield return ("octal past 64 bits", "method: random\nparameters:\n  x: {value: 0o777777777777777777777777}\n");
        yield return ("tagged octal past 64 bits", "method: random\nparameters:\n  x: {value: !!int 0o777777777777777777777777}\n");
        yield return ("hex past 64 bits as seed", "method: random\nseed: 0xFFFFFFFFFFFFFFFFFF\nparameters:\n  x: {value: 1}\n");
        yield return ("a megabyte of hex digits", "method: random\nparameters:\n  x: {value: 0x" + new string('f', Limits.MaxConfigBytes - 60) + "}\n");
        yield return ("NUL in a value", "method: random\nparameters:\n  x: {value: \"a\\0b\"}\n");
        yield return ("escape sequence in the name", "method: random\nname: \"\\e]0;owned\\a\\e[2J\"\nparameters:\n  x: {value: 1}\n");
        yield return ("over the size limit", "method: random\nparameters:\n  x: {value: 1}\n#" + new string('x', Limits.MaxConfigBytes));
        yield return ("empty", "");
        yield return ("only a comment", "# nothing\n");
        yield return ("two documents", "method: random\n---\nmethod: grid\n");
        yield return ("a scalar root", "just text");
    }
}
