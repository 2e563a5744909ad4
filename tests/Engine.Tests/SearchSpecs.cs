using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Search;

namespace Sweeps.Engine.Tests;

public sealed class SearchSpecs
{
    /// <summary>Calls the method until it has nothing left, as W&amp;B's test kernel does.</summary>
    static List<Dictionary<string, object?>> Drain(SweepConfig config, ISearchMethod method, int max = 10_000)
    {
        var runs = new List<RunRecord>();
        while (runs.Count < max && method.Next(config, 1, runs) is { } s)
            runs.Add(new RunRecord { Id = $"r{runs.Count}", Number = runs.Count + 1, State = RunState.Finished, Config = s.Config, Agent = "t", Created = DateTimeOffset.UnixEpoch });
        return runs.Select(r => r.Config).ToList();
    }

    [Fact]
    public void Grid_order_is_names_sorted_last_fastest_values_as_written_duplicates_once()
    {
        var c = Configs.Parse("method: grid\nparameters:\n  v2: {values: [1, 2, 3]}\n  v1: {values: [a, b, c, a]}\n");
        var points = Drain(c, new GridSearch()).Select(p => $"{p["v1"]}{p["v2"]}");
        Assert.Equal(new[] { "a1", "a2", "a3", "b1", "b2", "b3", "c1", "c2", "c3" }, points);
    }

    [Fact]
    public void Grid_int_uniform_includes_both_ends_and_q_uniform_excludes_max()
    {
        Assert.Equal(63, Drain(Configs.Parse("method: grid\nparameters:\n  x: {min: -52, max: 10}\n"), new GridSearch()).Count);
        Assert.Equal(new object?[] { 0.0, 0.25, 0.5, 0.75 },
            Drain(Configs.Parse("method: grid\nparameters:\n  x: {distribution: q_uniform, min: 0, max: 1, q: 0.25}\n"), new GridSearch()).Select(p => p["x"]));
        Assert.Equal(14, Drain(Configs.Parse("method: grid\nparameters:\n  x: {distribution: q_uniform, min: -9.211, max: 23.23, q: 2.341}\n"), new GridSearch()).Count);
        Assert.Equal(new object?[] { 0L, 3L, 6L, 9L },
            Drain(Configs.Parse("method: grid\nparameters:\n  x: {distribution: q_uniform, min: 0, max: 10, q: 3}\n"), new GridSearch()).Select(p => p["x"]));
    }

    [Fact]
    public void Grid_identity_tells_bool_from_int_and_folds_integral_floats()
    {
        var points = Drain(Configs.Parse("method: grid\nparameters:\n  x: {values: [true, 1, 1.0, '1', null]}\n"), new GridSearch()).Select(p => p["x"]).ToList();
        Assert.Equal(new object?[] { true, 1L, "1", null }, points);
    }

    [Fact]
    public void Grid_skips_the_points_runs_have_whatever_grid_asked_before_about_the_same_runs()
    {
        // The same run objects under two grids: what one grid remembered of a run must not leak into the other.
        var small = Configs.Parse("method: grid\nparameters:\n  x: {values: [1, 2, 3]}\n");
        var wide = Configs.Parse("method: grid\nparameters:\n  x: {values: [3, 2, 1, 0]}\n  y: {value: 7}\n");
        RunRecord Run(int i, long x) => new() { Id = $"r{i}", Number = i + 1, State = RunState.Finished, Config = new() { ["x"] = x }, Agent = "t", Created = DateTimeOffset.UnixEpoch };
        var runs = new List<RunRecord> { Run(0, 1), Run(1, 3) };
        Assert.Equal(2L, new GridSearch().Next(small, 1, runs)!.Config["x"]);
        Assert.Equal(3L, new GridSearch().Next(wide, 1, runs)!.Config["x"]); // y is missing from these runs: no point taken
        runs.Add(Run(2, 2));
        Assert.Null(new GridSearch().Next(small, 1, runs));
    }

    [Fact]
    public void A_grid_of_more_than_2_to_the_63_points_still_gives_its_points_in_order()
    {
        var yaml = "method: grid\nparameters:\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"  p{i:00}: {{values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}}\n"));
        var config = Configs.Parse(yaml);
        Assert.Equal(long.MaxValue, GridSearch.Size(config));
        var points = Drain(config, new GridSearch(), max: 3);
        Assert.Equal([0L, 1L, 2L], points.Select(p => (long)p["p19"]!));
        Assert.All(points, p => Assert.Equal(0L, p["p00"]));
    }

    [Fact]
    public void A_claim_costs_the_same_on_a_grid_of_ten_points_and_of_a_billion()
    {
        // The axes are ranges: nothing is listed, so the work (and memory) per claim follows the runs, not the grid.
        static long AllocatedByTwentyRuns(string yaml)
        {
            var config = Configs.Parse(yaml);
            Drain(config, new GridSearch(), max: 1); // builds the config's axes once, as the first claim of a sweep does
            var before = GC.GetAllocatedBytesForCurrentThread();
            Assert.Equal(20, Drain(config, new GridSearch(), max: 20).Select(p => $"{p["x"]}{p["y"]}").Distinct().Count());
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        var small = AllocatedByTwentyRuns("method: grid\nparameters:\n  x: {min: 0, max: 9}\n  y: {values: [a, b]}\n");
        var huge = AllocatedByTwentyRuns("method: grid\nparameters:\n  x: {min: 0, max: 999999999}\n  y: {values: [a, b]}\n");
        Assert.True(huge < 2 * small + 64_000, $"{huge} bytes for the billion-point grid against {small} for ten points");
    }

    [Fact]
    public void A_q_uniform_step_below_the_values_resolution_is_a_clear_error()
    {
        var c = Configs.Parse("method: grid\nparameters:\n  x: {distribution: q_uniform, min: 1.0e16, max: 1.00000000001e16, q: 0.5}\n");
        var e = Assert.Throws<SweepsException>(() => new GridSearch().Next(c, 1, []));
        Assert.Contains("q = 0.5 is too small", e.Message);
    }

    [Fact]
    public void Grid_of_constants_only_is_one_run()
    {
        Assert.Single(Drain(Configs.Parse("method: grid\nparameters:\n  x: {value: 5}\n  y: {value: b}\n"), new GridSearch()));
    }

    [Fact]
    public void Grid_skips_points_runs_already_have_in_any_state()
    {
        var c = Configs.Parse("method: grid\nparameters:\n  x: {values: [1, 2, 3]}\n");
        var runs = new List<RunRecord>
        {
            new() { Id = "a", Number = 1, State = RunState.Failed, Config = new() { ["x"] = 2L }, Agent = "t", Created = default },
            new() { Id = "b", Number = 2, State = RunState.Running, Config = new() { ["x"] = 1L }, Agent = "t", Created = default },
        };
        Assert.Equal(3L, new GridSearch().Next(c, 1, runs)!.Config["x"]);
    }

    [Fact]
    public void Grid_over_nested_parameters_builds_nested_configs()
    {
        var points = Drain(Configs.Parse("method: grid\nparameters:\n  opt:\n    parameters:\n      lr: {values: [0.1, 0.2]}\n      name: {value: adam}\n"), new GridSearch());
        Assert.Equal(2, points.Count);
        var opt = Assert.IsType<Dictionary<string, object?>>(points[1]["opt"]);
        Assert.Equal((0.2, "adam"), ((double)opt["lr"]!, (string)opt["name"]!));
    }

    [Fact]
    public void Random_is_the_same_for_the_same_seed_and_history_and_differs_with_the_seed()
    {
        var c = Configs.Parse("method: random\nparameters:\n  lr: {distribution: log_uniform_values, min: 1e-5, max: 1}\n  n: {values: [1, 2, 3]}\n");
        var random = new RandomSearch();
        var first = random.Next(c, 7, [])!.Config;
        Assert.Equal(first["lr"], random.Next(c, 7, [])!.Config["lr"]);
        Assert.NotEqual(first["lr"], random.Next(c, 8, [])!.Config["lr"]);
        var history = new List<RunRecord> { new() { Id = "a", Number = 1, State = RunState.Finished, Config = first, Agent = "t", Created = default } };
        Assert.NotEqual(first["lr"], random.Next(c, 7, history)!.Config["lr"]);
    }

    [Fact]
    public void Random_draws_cover_the_space_uniformly_in_quantile()
    {
        var c = Configs.Parse("method: random\nparameters:\n  x: {min: 0.0, max: 1.0}\n");
        var xs = Drain(c, new RandomSearch(), max: 4000).Select(p => (double)p["x"]!).ToList();
        Assert.InRange(xs.Average(), 0.47, 0.53);
        Assert.InRange(xs.Count(x => x < 0.1), 320, 480);
    }
}
