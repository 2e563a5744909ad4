using Sweeps.Engine.Runs;
using Sweeps.Engine.Termination;

namespace Sweeps.Engine.Tests;

public sealed class MedianStoppingSpecs
{
    static RunProgress Run(string id, RunState state, params double[] values) => new(id, state, values);

    static readonly Config.SweepConfig Median = Configs.Parse("method: random\nmetric: {name: loss}\nearly_terminate: {type: median, min_iter: 2, min_runs: 3}\nparameters:\n  x: {value: 1}\n");

    [Fact]
    public void A_run_whose_best_is_worse_than_the_median_of_finished_runs_at_the_same_iteration_stops()
    {
        var stops = new MedianStopping().Evaluate(Median,
        [
            Run("a", RunState.Finished, 5, 3, 1), Run("b", RunState.Finished, 6, 4, 2), Run("c", RunState.Finished, 7, 5, 3),
            Run("slow", RunState.Running, 9, 6),     // best 6 > median at iteration 2 (of 3, 4, 5, 99: 4.5): stop
            Run("fine", RunState.Running, 9, 4),     // best 4 <= 4.5: survives
            Run("early", RunState.Running, 99),      // one value < min_iter 2: too early
            Run("done", RunState.Finished, 99, 99),  // not running
        ]);
        var stop = Assert.Single(stops);
        Assert.Equal(("slow", 2, 6.0, 4.5), (stop.RunId, stop.Iteration, stop.Value, stop.Threshold));
    }

    [Fact]
    public void Nothing_stops_before_enough_runs_have_finished_and_maximize_flips_the_comparison()
    {
        Assert.Empty(new MedianStopping().Evaluate(Median, [Run("a", RunState.Finished, 1, 1), Run("b", RunState.Running, 9, 9)]));
        var maximize = Configs.Parse("method: random\nmetric: {name: acc, goal: maximize}\nearly_terminate: {type: median, min_runs: 3}\nparameters:\n  x: {value: 1}\n");
        var stops = new MedianStopping().Evaluate(maximize,
            [Run("a", RunState.Finished, 0.5), Run("b", RunState.Finished, 0.6), Run("c", RunState.Finished, 0.7), Run("low", RunState.Running, 0.55), Run("high", RunState.Running, 0.65)]);
        Assert.Equal("low", Assert.Single(stops).RunId);
    }

    [Fact]
    public void The_config_accepts_median_with_its_own_keys_only()
    {
        Assert.Equal("median", Median.EarlyTerminate!.Type);
        Assert.Equal((2L, 3L), (Median.EarlyTerminate.MinIter!.Value, Median.EarlyTerminate.MinRuns!.Value));
        Assert.Contains(Configs.Problems("method: random\nmetric: {name: loss}\nearly_terminate: {type: median, eta: 3}\nparameters:\n  x: {value: 1}\n"),
            p => p.Path == "early_terminate.eta");
    }
}
