// Usage: Sweeps.SearchBench [--vectors function_vectors.json] [--seeds N] [--first-seed K] [--budget N] [--methods random,bayes] [--out DIR]
//        [--functions a,b] [--extra tpe.json] [--concurrency 1,4,8,16 [--extra-concurrent tpe-cl.json]] [--sequential no]
// Checks the objectives against the reference vectors bit for bit, runs each method sequentially on each objective
// for every seed, and reports the median and IQR of the simple regret at budgets 25/50/100, plus the time to suggest.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Search;
using Sweeps.SearchBench;

var opts = new Dictionary<string, string>();
for (var i = 0; i + 1 < args.Length; i += 2) opts[args[i].TrimStart('-')] = args[i + 1];
var seeds = int.Parse(opts.GetValueOrDefault("seeds", "10"), CultureInfo.InvariantCulture);
var firstSeed = int.Parse(opts.GetValueOrDefault("first-seed", "1"), CultureInfo.InvariantCulture);
var maxBudget = int.Parse(opts.GetValueOrDefault("budget", "100"), CultureInfo.InvariantCulture);
var methods = opts.GetValueOrDefault("methods", "random,bayes").Split(',');
var outDir = opts.GetValueOrDefault("out", "out/bench");
var only = opts.TryGetValue("functions", out var fs) ? fs.Split(',') : null;
Directory.CreateDirectory(outDir);
var report = new StringBuilder();

if (opts.TryGetValue("vectors", out var vectorsPath)) report.AppendLine(CheckVectors(vectorsPath));

int[] budgets = [.. new[] { 25, 50, 100 }.Where(b => b <= maxBudget)];
var results = new List<(string Function, string Method, int Budget, double Median, double Q1, double Q3)>();
var onBounds = new List<(string Function, string Method, double Share)>();
var sequential = opts.GetValueOrDefault("sequential", "yes") != "no"; // "no": only the concurrent measure
foreach (var objective in Objectives.All.Where(o => sequential && (only is null || only.Contains(o.Name))))
{
    foreach (var method in methods)
    {
        var config = Configs(objective, method);
        var regrets = budgets.ToDictionary(b => b, _ => new List<double>());
        int runsOnBound = 0, runCount = 0;
        for (var seed = firstSeed; seed < firstSeed + seeds; seed++)
        {
            var runs = Sweep(config, objective, seed, maxBudget);
            var trace = runs.Select(r => (double)r.Summary["loss"]!).ToList();
            foreach (var b in budgets) regrets[b].Add(trace.Take(b).Min() - objective.Minimum);
            runsOnBound += runs.Count(r => OnBound(config, r));
            runCount += runs.Count;
        }
        onBounds.Add((objective.Name, method, (double)runsOnBound / runCount));
        foreach (var b in budgets)
        {
            var sorted = regrets[b].Order().ToList();
            results.Add((objective.Name, method, b, Quantile(sorted, 0.5), Quantile(sorted, 0.25), Quantile(sorted, 0.75)));
        }
        Console.Error.WriteLine($"{objective.Name} {method}: " + string.Join(", ", budgets.Select(b => $"{b}: {results.Last(r => r.Budget == b && r.Function == objective.Name && r.Method == method).Median:G3}")));
    }
}

// Another engine's results for the same protocol (Optuna's TPE, bench/optuna_tpe.py), shown beside ours.
if (opts.TryGetValue("extra", out var extraPath) && File.Exists(extraPath))
{
    using var extra = JsonDocument.Parse(File.ReadAllText(extraPath));
    foreach (var r in extra.RootElement.EnumerateArray())
    {
        var (function, method) = (r.GetProperty("function").GetString()!, r.GetProperty("method").GetString()!);
        results.Add((function, method, r.GetProperty("budget").GetInt32(), r.GetProperty("median").GetDouble(), r.GetProperty("q1").GetDouble(), r.GetProperty("q3").GetDouble()));
        if (r.TryGetProperty("on_bound", out var share) && !onBounds.Any(b => b.Function == function && b.Method == method)) onBounds.Add((function, method, share.GetDouble()));
    }
    methods = [.. methods, .. results.Select(r => r.Method).Distinct().Where(m => !methods.Contains(m))];
}

if (sequential) report.AppendLine($"## Median simple regret ({seeds} seeds; IQR in brackets)\n");
foreach (var b in budgets.Where(_ => sequential))
{
    report.AppendLine($"Budget {b} runs:\n");
    report.AppendLine("| function | " + string.Join(" | ", methods) + " |");
    report.AppendLine("|---|" + string.Concat(methods.Select(_ => "---|")));
    foreach (var f in Objectives.All.Where(o => only is null || only.Contains(o.Name)))
        report.AppendLine($"| {f.Name} | " + string.Join(" | ", methods.Select(m => results.Single(r => r.Function == f.Name && r.Method == m && r.Budget == b)).Select(r => $"{r.Median:G3} [{r.Q1:G3}, {r.Q3:G3}]")) + " |");
    report.AppendLine();
}

// Many agents at once: k runs outstanding at every ask (each agent asks while k-1 others still run), as 8 or 16
// agents on one sweep do. The regret at the full budget against the same method sequential.
int[] concurrency = [.. opts.GetValueOrDefault("concurrency", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture))];
var concurrent = new List<(string Function, string Method, int Agents, double Median, double Q1, double Q3)>();
foreach (var objective in Objectives.All.Where(o => concurrency.Length > 0 && (only is null || only.Contains(o.Name))))
    foreach (var method in methods.Where(m => m is "bayes" or "random"))
        foreach (var k in concurrency)
        {
            var regrets = Enumerable.Range(firstSeed, seeds).Select(seed => ConcurrentSweep(Configs(objective, method), objective, seed, maxBudget, k).Min() - objective.Minimum).Order().ToList();
            concurrent.Add((objective.Name, method, k, Quantile(regrets, 0.5), Quantile(regrets, 0.25), Quantile(regrets, 0.75)));
            Console.Error.WriteLine($"{objective.Name} {method} x{k}: {concurrent[^1].Median:G3}");
        }
if (opts.TryGetValue("extra-concurrent", out var extraConcurrent) && File.Exists(extraConcurrent))
{
    using var extra = JsonDocument.Parse(File.ReadAllText(extraConcurrent));
    foreach (var r in extra.RootElement.EnumerateArray())
        concurrent.Add((r.GetProperty("function").GetString()!, r.GetProperty("method").GetString()!, r.GetProperty("agents").GetInt32(),
            r.GetProperty("median").GetDouble(), r.GetProperty("q1").GetDouble(), r.GetProperty("q3").GetDouble()));
}
if (concurrent.Count > 0)
{
    var columns = concurrent.Select(c => (c.Method, c.Agents)).Distinct().ToList();
    report.AppendLine($"## Median simple regret at {maxBudget} runs with k agents asking at once ({seeds} seeds; in brackets: against the same method with one agent)\n");
    report.AppendLine("| function | " + string.Join(" | ", columns.Select(c => $"{c.Method} x{c.Agents}")) + " |");
    report.AppendLine("|---|" + string.Concat(columns.Select(_ => "---|")));
    foreach (var f in concurrent.Select(c => c.Function).Distinct())
        report.AppendLine($"| {f} | " + string.Join(" | ", columns.Select(c =>
        {
            var cell = concurrent.SingleOrDefault(r => r.Function == f && r.Method == c.Method && r.Agents == c.Agents);
            var one = concurrent.SingleOrDefault(r => r.Function == f && r.Method == c.Method && r.Agents == 1);
            return cell.Function is null ? "" : one.Function is null || one.Median == 0 ? $"{cell.Median:G3}" : $"{cell.Median:G3} ({cell.Median / one.Median:0.00}x)";
        })) + " |");
    report.AppendLine();
}

// Runs that sit on a bound of a continuous parameter waste the run when the optimum is inside: random search almost
// never places one there, and a search should not place more.
if (sequential)
{
    report.AppendLine($"## Runs with a continuous parameter on a bound (within 1e-9 of min or max; {seeds} seeds x {maxBudget} runs)\n");
    var boundMethods = onBounds.Select(r => r.Method).Distinct().ToList();
    report.AppendLine("| function | " + string.Join(" | ", boundMethods) + " |");
    report.AppendLine("|---|" + string.Concat(boundMethods.Select(_ => "---|")));
    foreach (var f in onBounds.Select(r => r.Function).Distinct())
        report.AppendLine($"| {f} | " + string.Join(" | ", boundMethods.Select(m => onBounds.SingleOrDefault(r => r.Function == f && r.Method == m)).Select(r => r.Function is null ? "" : $"{r.Share:P1}")) + " |");
    report.AppendLine();

    // Time to suggest on the hartmann6 space with n finished runs in the history, in a warm process (an agent suggests
    // run after run): the first sweep of a 40-run history lets the JIT optimise the code, whatever ran before.
    report.AppendLine("## Time to suggest (hartmann6 space, bayes, median of 11 in a warm process)\n\n| finished runs | ms |\n|---|---|");
    var hartmann = Objectives.All.Single(o => o.Name == "hartmann6");
    Sweep(Configs(hartmann, "bayes"), hartmann, 1, 40); // warm-up
    foreach (var n in new[] { 25, 100, 400, 2000 })
    {
        var config = Configs(hartmann, "bayes");
        var history = new List<RunRecord>();
        var random = new RandomSearch();
        for (var i = 0; i < n; i++) history.Add(Finished(i, random.Next(config, 99, history)!.Config, hartmann));
        var times = new List<double>();
        for (var k = 0; k < 11; k++)
        {
            var sw = Stopwatch.StartNew();
            new BayesSearch().Next(config, 1, history);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        report.AppendLine($"| {n} | {times.Order().ElementAt(5):0.0} |");
    }
}

File.WriteAllText(Path.Combine(outDir, "search.md"), report.ToString());
File.WriteAllText(Path.Combine(outDir, "search.json"), JsonSerializer.Serialize(results.Select(r => new { r.Function, r.Method, r.Budget, r.Median, r.Q1, r.Q3 })));
Console.WriteLine(report);
return 0;

static SweepConfig Configs(Objectives.Objective objective, string method) =>
    SweepConfigParser.Parse(YamlConfigReader.Read($"method: {method}\nmetric: {{name: loss, goal: minimize}}\nparameters:\n{objective.ParametersYaml}"), out _);

static RunRecord Finished(int i, Dictionary<string, object?> config, Objectives.Objective objective)
{
    var f = objective.F(config);
    return new RunRecord
    {
        Id = $"r{i}", Number = i + 1, State = RunState.Finished, Config = config, Agent = "bench", Created = DateTimeOffset.UnixEpoch,
        Summary = new Dictionary<string, object?> { ["loss"] = f }, MetricRange = (f, f),
    };
}

static List<RunRecord> Sweep(SweepConfig config, Objectives.Objective objective, int seed, int budget)
{
    var method = SearchMethods.For(config.Method);
    var runs = new List<RunRecord>();
    for (var i = 0; i < budget; i++) runs.Add(Finished(i, method.Next(config, seed, runs)!.Config, objective));
    return runs;
}

// The values of `budget` runs when k are always outstanding: the oldest outstanding run ends, then its agent asks
// again while the other k-1 still run (seen by the method as running runs).
static List<double> ConcurrentSweep(SweepConfig config, Objectives.Objective objective, int seed, int budget, int k)
{
    var method = SearchMethods.For(config.Method);
    var runs = new List<RunRecord>();
    var outstanding = new Queue<int>();
    var values = new List<double>();
    while (values.Count < budget)
    {
        while (outstanding.Count < k && runs.Count < budget)
        {
            var next = method.Next(config, seed, runs)!.Config;
            runs.Add(Finished(runs.Count, next, objective) with { State = RunState.Running, Summary = new Dictionary<string, object?>(), MetricRange = null });
            outstanding.Enqueue(runs.Count - 1);
        }
        var done = outstanding.Dequeue();
        runs[done] = Finished(done, runs[done].Config, objective);
        values.Add((double)runs[done].Summary["loss"]!);
    }
    return values;
}

// A continuous (uniform) parameter of the run within 1e-9 of its min or max.
static bool OnBound(SweepConfig config, RunRecord run) =>
    config.Parameters.Searchable.Any(p => p.Kind == Sweeps.Engine.Space.DistributionKind.Uniform
        && Convert.ToDouble(run.Config[p.Name], CultureInfo.InvariantCulture) is var v
        && (Math.Abs(v - p.Min) <= 1e-9 || Math.Abs(v - p.Max) <= 1e-9));

static double Quantile(List<double> sorted, double q)
{
    var pos = q * (sorted.Count - 1);
    var lo = (int)Math.Floor(pos);
    var hi = Math.Min(lo + 1, sorted.Count - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

static string CheckVectors(string path)
{
    using var doc = JsonDocument.Parse(File.ReadAllText(path));
    int checkedCount = 0, exact = 0;
    var failures = new List<string>();
    var inexact = new SortedSet<string>(); // within a few ulp: summation order of the reference code
    foreach (var f in doc.RootElement.GetProperty("functions").EnumerateObject())
    {
        var objective = Objectives.All.Single(o => o.Name == f.Name);
        foreach (var v in f.Value.GetProperty("vectors").EnumerateArray())
        {
            var config = v.GetProperty("x").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? (object?)p.Value.GetString() : p.Value.GetDouble());
            var got = objective.F(config);
            var expected = v.GetProperty("f").GetDouble();
            checkedCount++;
            if (BitConverter.DoubleToInt64Bits(got) == BitConverter.DoubleToInt64Bits(expected)) exact++;
            else if (Math.Abs(got - expected) > 1e-12 * Math.Max(1, Math.Abs(expected))) failures.Add($"{f.Name} {v.GetProperty("x")}: {got:R} != {expected:R}");
            else inexact.Add(f.Name);
        }
    }
    if (failures.Count > 0) throw new InvalidOperationException("objectives differ from the reference:\n" + string.Join('\n', failures.Take(10)));
    return $"Objectives checked against the reference vectors: {exact} of {checkedCount} bit for bit, the rest within 1e-12 (in {string.Join(", ", inexact)}).\n";
}
