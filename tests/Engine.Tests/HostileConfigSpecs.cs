using System.Text;
using Sweeps.Engine.Config;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Tests;

/// <summary>
/// Configs written to hurt: each must end in a clear <see cref="InvalidConfigException"/> naming the line and key path
/// (or in a valid config), quickly and in bounded memory, never in a dead process or a hang.
/// </summary>
public sealed class HostileConfigSpecs
{
    static InvalidConfigException Refused(string yaml, out long allocated)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidConfigException>(() => YamlConfigReader.Read(yaml));
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return e;
    }

    static ConfigProblem Problem(string yaml) => Assert.Single(Refused(yaml, out _).Problems);

    static string Nested(string open, string close, int depth) =>
        string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth));

    // --- size ---

    [Fact]
    public void A_config_file_over_the_size_limit_is_refused_after_reading_no_more_than_the_limit()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sweeps-big-{Guid.NewGuid():N}.yaml");
        try
        {
            using (var f = File.Create(path))
            {
                f.Write("method: grid\n"u8);
                f.SetLength(50L << 20); // 50 MB, mostly NUL bytes
            }
            var before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<InvalidConfigException>(() => YamlConfigReader.ReadFile(path));
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4L * Limits.MaxConfigBytes, "read far more than the limit");
            Assert.Contains(path, e.Message);
            Assert.Contains(Limits.MaxConfigBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void An_endless_file_is_refused_at_the_limit()
    {
        if (!File.Exists("/dev/zero")) return; // Linux and macOS only
        var e = Assert.Throws<InvalidConfigException>(() => YamlConfigReader.ReadFile("/dev/zero"));
        Assert.Contains("/dev/zero", e.Message);
        Assert.Contains("larger than", e.Message);
    }

    [Fact]
    public void Text_over_the_size_limit_is_refused_and_text_at_it_is_read()
    {
        var head = "method: random\nparameters: {x: {value: 1}}\n#";
        var atLimit = head + new string('x', Limits.MaxConfigBytes - head.Length);
        Assert.Equal("random", YamlConfigReader.Read(atLimit).Root["method"]);
        var e = Assert.Throws<InvalidConfigException>(() => YamlConfigReader.Read(atLimit + "x", "big.yaml"));
        Assert.Contains("'big.yaml'", e.Message);
        Assert.Contains("larger than", Assert.Single(e.Problems).Message);
        // Counted in UTF-8 bytes, as a file is: half as many two-byte characters are as large.
        Assert.Throws<InvalidConfigException>(() => YamlConfigReader.Read(head + new string('é', Limits.MaxConfigBytes / 2)));
    }

    // --- depth ---

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{a: ", "}")]
    [InlineData("- ", "")]
    public void Nesting_a_hundred_thousand_deep_is_refused_with_the_line_and_the_limit(string open, string close)
    {
        var depth = open == "- " ? 1000 : 100_000; // a block list nests by one indent per level: 1000 fits in the size limit
        var yaml = "method: grid\nparameters:\n  x:\n    value: " + (open == "- " ? BlockList(depth) : Nested(open, close, depth)) + "\n";
        var problem = Problem(yaml);
        // The list or map that passes the limit (level 65: the value's own list is level 4) is where the error points.
        Assert.Equal(open == "- " ? 5 + Limits.MaxValueDepth - 3 : 4, problem.Line);
        Assert.Contains($"deeper than {Limits.MaxValueDepth} levels", problem.Message);
        Assert.StartsWith("parameters.x.value", problem.Path);
    }

    static string BlockList(int depth)
    {
        var sb = new StringBuilder("\n");
        for (var i = 0; i < depth; i++) sb.Append(' ', 6 + i).Append("-\n");
        return sb.Append(' ', 6 + depth).Append("1").ToString();
    }

    [Fact]
    public void A_value_may_nest_as_deep_as_the_limit_and_no_deeper_with_the_key_path_named()
    {
        // The root map is level 1, parameters 2, x 3, value 4: the list inside starts at 4.
        string Config(int depth) => "method: random\nparameters:\n  x:\n    value: " + Nested("[", "]", depth - 3) + "\n";
        var config = Configs.Parse(Config(Limits.MaxValueDepth));
        Assert.IsType<List<object?>>(config.Parameters.Leaves[0].Value);
        var problem = Problem(Config(Limits.MaxValueDepth + 1));
        Assert.Equal("parameters.x.value" + string.Concat(Enumerable.Repeat("[0]", Limits.MaxValueDepth - 3)), problem.Path);
        Assert.Equal(4, problem.Line);
    }

    [Fact]
    public void A_tree_too_deep_from_elsewhere_than_yaml_is_a_problem_too()
    {
        object value = 1L;
        for (var i = 0; i < 100; i++) value = new Dictionary<string, object?> { ["a"] = value };
        var root = new Dictionary<string, object?> { ["method"] = "random", ["parameters"] = new Dictionary<string, object?> { ["x"] = new Dictionary<string, object?> { ["value"] = value } } };
        var problem = Assert.Single(SweepConfigParser.Validate(new ConfigDocument(root)).Problems);
        Assert.StartsWith("parameters.x.value.a.a", problem.Path);
        Assert.Contains("deeper than", problem.Message);
    }

    // --- aliases ---

    [Fact]
    public void Anchors_and_aliases_work_as_in_pyyaml()
    {
        var config = Configs.Parse("""
            method: grid
            parameters:
              lr: &choices
                values: [0.1, 0.01]
              lr2: *choices
              name: {value: &n adam}
              again: {value: *n}
            """);
        Assert.Equal(config.Parameters.Leaves.Single(p => p.Name == "lr").Values, config.Parameters.Leaves.Single(p => p.Name == "lr2").Values);
        Assert.Equal("adam", config.Parameters.Leaves.Single(p => p.Name == "again").Value);
        // An alias of a plain value may be a key, as in PyYAML.
        Assert.Equal(1L, ((Dictionary<string, object?>)YamlConfigReader.Read("a: &k name\nb: {*k : 1}\n").Root["b"]!)["name"]);
    }

    [Theory]
    [InlineData("a: &x [1, *x]\n", "a[1]", 1)]
    [InlineData("a: &x {b: *x}\n", "a.b", 1)]
    [InlineData("a: &x\n  b: 1\n  c:\n    - *x\n", "a.c[0]", 4)]
    public void A_list_or_mapping_that_contains_itself_is_refused(string yaml, string path, int line)
    {
        var problem = Problem(yaml);
        Assert.Equal(path, problem.Path);
        Assert.Equal(line, problem.Line);
        Assert.Contains("*x is inside the value &x it names", problem.Message);
    }

    [Fact]
    public void A_billion_laughs_is_refused_at_the_value_limit_in_bounded_memory()
    {
        var yaml = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var c = 'b'; c <= 'i'; c++)
            yaml.Append(c).Append(": &").Append(c).Append(" [").AppendJoin(", ", Enumerable.Repeat($"*{(char)(c - 1)}", 9)).Append("]\n");
        var e = Refused(yaml.ToString(), out var allocated); // 9^9 = 387 million values once expanded
        var problem = Assert.Single(e.Problems);
        Assert.Contains($"more than {Limits.MaxConfigNodes} values once its aliases are expanded", problem.Message);
        Assert.NotNull(problem.Line);
        Assert.True(allocated < 100L << 20, $"allocated {allocated >> 20} MB");
    }

    [Fact]
    public void Long_keys_nested_deep_are_refused_before_their_paths_fill_memory()
    {
        // Each value's key path repeats every key above it: 30 keys of 16,000 characters over a list of 30,000 items
        // would be 14 GB of paths.
        var key = new string('k', 16_000);
        var yaml = new StringBuilder();
        for (var i = 0; i < 30; i++) yaml.Append('{').Append(key).Append(i).Append(": ");
        yaml.Append('[').AppendJoin(",", Enumerable.Repeat("1", 30_000)).Append(']').Append('}', 30);
        var e = Refused("a: " + yaml + "\n", out var allocated);
        Assert.Contains("key paths add up to more than", Assert.Single(e.Problems).Message);
        Assert.True(allocated < 200L << 20, $"allocated {allocated >> 20} MB");
    }

    [Theory]
    [InlineData("? [1, 2]\n: 3\n", "a list or mapping cannot be a key")]
    [InlineData("a: &k [1]\nb: {*k : 1}\n", "names a list or mapping, which cannot be a key")]
    [InlineData("a: &k {*k : 1}\n", "names a list or mapping, which cannot be a key")]
    [InlineData("a: *k\nb: &k 1\n", "comes before any anchor &k")]
    public void Keys_that_are_lists_or_mappings_and_aliases_before_their_anchor_are_refused(string yaml, string message)
    {
        var problem = Problem(yaml);
        Assert.Contains(message, problem.Message);
        Assert.NotNull(problem.Line);
    }

    // --- numbers ---

    [Fact]
    public void Hex_and_octal_integers_past_64_bits_become_floats_as_decimal_ones_do()
    {
        var root = YamlConfigReader.Read("a: 0o777777777777777777777777\nb: 0xFFFFFFFFFFFFFFFF\nc: 0x7FFFFFFFFFFFFFFF\nd: 99999999999999999999\ne: 0o17\n").Root;
        Assert.Equal(Math.Pow(8, 24) - 1, root["a"]);
        Assert.Equal(18446744073709551615.0, root["b"]); // not -1
        Assert.Equal(long.MaxValue, root["c"]);
        Assert.Equal(1e20, root["d"]);
        Assert.Equal(15L, root["e"]);
        Assert.Equal(double.PositiveInfinity, YamlConfigReader.Read("a: 0x" + new string('f', 500_000) + "\n").Root["a"]);
    }

    [Fact]
    public void An_integer_past_64_bits_where_an_integer_is_needed_is_a_problem_with_its_path_and_line()
    {
        var tagged = Problem("method: random\nparameters:\n  x: {value: !!int 0o777777777777777777777777}\n");
        Assert.Equal(("parameters.x.value", 3), (tagged.Path, tagged.Line));
        Assert.Contains("does not fit in a 64-bit integer", tagged.Message);
        var seed = Assert.Single(Configs.Problems("method: random\nseed: 0xFFFFFFFFFFFFFFFFFF\nparameters:\n  x: {value: 1}\n"));
        Assert.Equal(("seed", 2), (seed.Path, seed.Line));
        Assert.Contains("must be an integer", seed.Message);
    }

    // --- NUL and control characters ---

    [Fact]
    public void A_string_with_nul_anywhere_is_refused_with_its_key_path()
    {
        var problems = Configs.Problems("""
            method: grid
            command: ["python", "train.py\0", "${args}"]
            parameters:
              x: {value: "a\0b"}
              y: {values: [ok, "c\0"]}
              "k\0": {value: 1}
            """);
        var paths = problems.Where(p => p.Message.Contains("a command line cannot carry NUL")).Select(p => p.Path).ToList();
        Assert.Contains("command[1]", paths);
        Assert.Contains("parameters.x.value", paths);
        Assert.Contains("parameters.y.values[1]", paths);
        Assert.Contains("parameters.k\0", paths);
        Assert.Contains(problems, p => p.Path == "parameters.x.value" && p.Line == 4);
    }

    [Fact]
    public void A_sweep_name_with_a_control_character_is_refused_and_shown_escaped()
    {
        var problem = Assert.Single(Configs.Problems("method: random\nname: \"evil\\e]0;owned\\a\"\nparameters:\n  x: {value: 1}\n"));
        Assert.Equal(("name", 2), (problem.Path, problem.Line));
        Assert.Contains(@"evil\x1b]0;owned\x07", problem.Message);
        Assert.DoesNotContain('\x1b', problem.ToString());
        foreach (var bad in new[] { "a\tb", "a\nb", "a\x7f", "a\x9b" }) Assert.NotNull(Printable.NameProblem(bad));
        Assert.Null(Printable.NameProblem("résumé run ✓ 2"));
        Assert.Equal(@"a\x1b[31mred\x9b\x00", Printable.Text("a\x1b[31mred\x9b\0"));
        Assert.Equal("plain", Printable.Text("plain"));
    }

    [Fact]
    public void A_stored_config_from_before_the_input_rules_still_reads_back()
    {
        var tree = new Dictionary<string, object?>
        {
            ["method"] = "random", ["name"] = "old\x1bname",
            ["parameters"] = new Dictionary<string, object?> { ["x"] = new Dictionary<string, object?> { ["value"] = "a\0b" } },
        };
        Assert.Empty(SweepConfigParser.Validate(new ConfigDocument(tree)).Problems); // as the journal's replay reads it
        Assert.Equal(["name", "parameters.x.value"], SweepConfigParser.Validate(new ConfigDocument(tree, isInput: true)).Problems.Select(p => p.Path).Order());
    }

    [Fact]
    public void A_problem_prints_control_characters_from_the_config_visibly()
    {
        var problem = Configs.Problems("method: random\n\"x\\e[2J\": 1\nparameters:\n  x: {value: 1}\n").Single(p => p.Path.StartsWith('x'));
        Assert.Equal("line 2: x\\x1b[2J: unknown key; expected one of method, metric, parameters, early_terminate, command, program, run_cap, name, description, seed", problem.ToString());
    }

    [Fact]
    public void A_key_path_names_keys_with_dots_and_items_with_brackets()
    {
        var path = new KeyPath();
        path.Push("parameters");
        path.Push("x");
        path.Push("values");
        path.Push(2);
        Assert.Equal("parameters.x.values[2]", path.ToString());
        path.Pop();
        Assert.Equal(3, path.Depth);
        Assert.Equal("values[2][0]", KeyPath.Item(KeyPath.Item(KeyPath.Child("", "values"), 2), 0));
    }
}
