using System.Text.Json;
using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Space;
using Sweeps.Engine.Termination;

namespace Sweeps.Engine.Tests;

public sealed class HyperbandSpecs
{
    static readonly JsonDocument Case = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "hyperband_case.json")));

    static SweepConfig Config(string yaml) => Configs.Parse(yaml);

    [Theory]
    [InlineData("max_iter: 81, s: 3, eta: 3", new[] { 3, 9, 27 })]
    [InlineData("max_iter: 18, s: 2, eta: 3", new[] { 2, 6 })]
    [InlineData("max_iter: 5, s: 2, eta: 2", new[] { 1, 2 })]
    [InlineData("max_iter: 9, s: 2, eta: 3", new[] { 1, 3 })]
    [InlineData("max_iter: 10, s: 2, eta: 3", new[] { 1, 3 })]
    public void Bands_from_max_iter_follow_wandb(string keys, int[] expected) =>
        Assert.Equal(expected, HyperbandStopping.Bands(Config($"method: random\nmetric: {{name: loss}}\nearly_terminate: {{type: hyperband, {keys}}}\nparameters:\n  x: {{value: 1}}\n").EarlyTerminate!));

    [Fact]
    public void Bands_from_min_iter_are_min_iter_times_powers_of_eta()
    {
        var bands = HyperbandStopping.Bands(Config("method: random\nmetric: {name: loss}\nearly_terminate: {type: hyperband, min_iter: 30, eta: 1.5}\nparameters:\n  x: {value: 1}\n").EarlyTerminate!);
        Assert.Equal(new[] { 30, 45, 67, 101, 151, 227 }, bands.Take(6));
        var none = new Config.EarlyTerminateSpec("hyperband", null, 2, 3, 3, true); // a config refuses it (ConfigSpecs)
        Assert.Contains("Bands must be an array of length at least 1", Assert.Throws<ArgumentException>(() => HyperbandStopping.Bands(none)).Message);
    }

    [Fact]
    public void The_readme_example_stops_only_the_run_worse_than_the_band_threshold()
    {
        var config = Config("method: random\nmetric: {name: loss}\nearly_terminate: {type: hyperband, max_iter: 5, s: 2, eta: 2}\nparameters:\n  x: {value: 1}\n");
        RunProgress Run(string id, RunState state, params double[] values) => new(id, state, values);
        var stops = new HyperbandStopping().Evaluate(config,
        [
            Run("a", RunState.Finished, 10, 9), Run("b", RunState.Running, 10, 10), Run("c", RunState.Running, 10, 8, 8),
            Run("d", RunState.Running, 10, 7, 7), Run("e", RunState.Finished, 10, 6, 6),
        ]);
        var stop = Assert.Single(stops);
        Assert.Equal(("b", 2, 10.0, 8.0), (stop.RunId, stop.Iteration, stop.Value, stop.Threshold));
    }

    /// <summary>
    /// Replays the 30 learning curves of hyperband_case.json by its protocol and checks every call against what
    /// W&amp;B's own hyperband code decided: the runs stopped and every band's threshold.
    /// </summary>
    [Theory]
    [InlineData("min_iter3_eta3_default")]
    [InlineData("min_iter3_eta3_nonstrict")]
    [InlineData("min_iter3_eta3_maximize")]
    [InlineData("max_iter27_s2_eta3_default")]
    public void Every_decision_of_wandbs_hyperband_is_reproduced(string variant)
    {
        var c = Case.RootElement.GetProperty("cases").GetProperty(variant);
        var config = SweepConfigParser.Parse(new ConfigDocument(TreeJson.ReadObject(c.GetProperty("sweep_config"))), out _);
        var metric = config.Metric!.Name;
        var curves = Case.RootElement.GetProperty("curves").EnumerateObject()
            .Select(p => (Id: p.Name, Rows: p.Value.EnumerateArray().Select(r => Row(TreeJson.ReadObject(r), metric)).ToList()))
            .OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
        var states = new Dictionary<string, RunState>();
        var logged = new Dictionary<string, int>();
        var rule = new HyperbandStopping();
        var calls = c.GetProperty("calls").EnumerateArray().ToList();
        Assert.NotEmpty(calls);
        foreach (var call in calls)
        {
            var tick = call.GetProperty("tick").GetInt32();
            if (tick - 1 < curves.Count) { states[curves[tick - 1].Id] = RunState.Running; logged[curves[tick - 1].Id] = 0; }
            foreach (var (id, rows) in curves.Where(x => states.TryGetValue(x.Id, out var s) && s == RunState.Running))
            {
                logged[id]++;
                if (logged[id] == rows.Count) states[id] = RunState.Finished;
            }
            var started = curves.Where(x => states.ContainsKey(x.Id)).ToList();
            Assert.Equal(call.GetProperty("running_before_call").EnumerateArray().Select(e => e.GetString()), started.Where(x => states[x.Id] == RunState.Running).Select(x => x.Id));
            var progress = started.Select(x => new RunProgress(x.Id, states[x.Id], RunProgress.MetricValues(x.Rows.Take(logged[x.Id]), metric))).ToList();

            var stops = rule.Evaluate(config, progress);
            Assert.Equal(call.GetProperty("stop").EnumerateArray().Select(e => e.GetString()), stops.Select(s => s.RunId));
            foreach (var s in stops) states[s.RunId] = RunState.Killed;

            if (call.GetProperty("bands_thresholds").ValueKind == JsonValueKind.Null) continue;
            var sign = config.Metric.Goal == MetricGoal.Maximize ? -1.0 : 1.0;
            var bands = HyperbandStopping.Bands(config.EarlyTerminate!);
            var thresholds = HyperbandStopping.Thresholds(bands, progress.Where(p => p.Values.Count > 0).Select(p => p.Values.Select(v => sign * v).ToList()).ToList(), config.EarlyTerminate!.Eta);
            foreach (var expected in call.GetProperty("bands_thresholds").EnumerateArray())
            {
                var i = bands.ToList().IndexOf(expected.GetProperty("band").GetInt32());
                var t = expected.GetProperty("threshold");
                if (t.ValueKind == JsonValueKind.Null) Assert.Equal(double.PositiveInfinity, thresholds[i]);
                else Assert.Equal(t.GetDouble(), thresholds[i], 9);
            }
        }
    }

    // The maximize variant reads acc = round(1 - loss, 6) from the same curves.
    static IReadOnlyDictionary<string, object?> Row(Dictionary<string, object?> row, string metric)
    {
        if (metric == "loss" || !row.TryGetValue("loss", out var loss)) return row;
        return new Dictionary<string, object?> { [metric] = loss is double d ? Math.Round(1 - d, 6) : loss };
    }
}
