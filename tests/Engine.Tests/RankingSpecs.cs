using Sweeps.Engine.Results;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;

namespace Sweeps.Engine.Tests;

/// <summary>One rule for "best" in every view: finished runs only, by the metric's summary value and goal, ties in run order.</summary>
public sealed class RankingSpecs : IDisposable
{
    readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    SweepState Ended(string goal, params (RunState State, double? Loss)[] runs)
    {
        var sweep = _temp.Create($"method: grid\nmetric: {{name: loss, goal: {goal}}}\nparameters:\n  a: {{min: 1, max: 20}}\n");
        foreach (var (state, loss) in runs)
        {
            var claim = sweep.Claim("agent-1")!;
            var summary = loss is double l ? new Dictionary<string, object?> { ["loss"] = l } : [];
            sweep.EndRun(new RunEnding(claim.Run.Id, state, summary, 1));
        }
        return sweep.Refresh();
    }

    [Fact]
    public void Killed_failed_and_crashed_runs_are_never_best_however_good_their_partial_value()
    {
        var state = Ended("minimize", (RunState.Killed, 0.01), (RunState.Finished, 0.5), (RunState.Failed, 0.02), (RunState.Crashed, 0.03), (RunState.Finished, 0.4));
        Assert.Equal([5, 2], Ranking.Best(state.Config, state.Runs, 10).Select(r => r.Number));
        Assert.Equal(5, Ranking.BestOrNull(state.Config, state.Runs)!.Number);
    }

    [Fact]
    public void The_goal_orders_and_ties_keep_run_order()
    {
        var state = Ended("maximize", (RunState.Finished, 0.5), (RunState.Finished, 0.9), (RunState.Finished, 0.9), (RunState.Finished, null));
        Assert.Equal([2, 3, 1], Ranking.Best(state.Config, state.Runs, 10).Select(r => r.Number));
    }

    [Fact]
    public void The_pipeline_summary_lists_finished_runs_only()
    {
        var state = Ended("minimize", (RunState.Failed, 0.01), (RunState.Finished, 0.5));
        var summary = PipelineReporter.Summary(state.Id, state.Name, state.State, state.Config, state.Runs);
        Assert.Contains($"| 2 ({state.Runs[1].Id}) |", summary);
        Assert.DoesNotContain(state.Runs[0].Id, summary);
    }
}
