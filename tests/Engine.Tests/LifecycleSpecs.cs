using Sweeps.Engine.Results;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;
using Sweeps.Engine.Store.Folder;

namespace Sweeps.Engine.Tests;

public sealed class LifecycleSpecs : IDisposable
{
    readonly TempStore _temp = new();
    const string Random = "method: random\nmetric: {name: loss, target: 0.2}\nparameters:\n  x: {min: 0.0, max: 1.0}\n";

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(SweepTransition.Pause, "running", null)]
    [InlineData(SweepTransition.Pause, "paused", null)]
    [InlineData(SweepTransition.Pause, "finished", "Cannot pause finished sweep.")]
    [InlineData(SweepTransition.Pause, "canceled", "Cannot pause canceled sweep.")]
    [InlineData(SweepTransition.Resume, "finished", null)]
    [InlineData(SweepTransition.Resume, "canceled", null)]
    [InlineData(SweepTransition.Stop, "paused", null)]
    [InlineData(SweepTransition.Stop, "finished", "Sweep already finished.")]
    [InlineData(SweepTransition.Cancel, "canceled", "Sweep already canceled.")]
    [InlineData(SweepTransition.Cancel, "running", null)]
    public void Transitions_follow_wandb(SweepTransition transition, string from, string? refusal) =>
        Assert.Equal(refusal, transition.Refusal(from));

    [Fact]
    public void A_paused_sweep_gives_no_runs_until_it_is_resumed()
    {
        var sweep = _temp.Create(Random);
        sweep.Transition(SweepTransition.Pause);
        Assert.Null(sweep.Claim("a"));
        Assert.Equal("paused", _temp.Store.Open(sweep.Id).Refresh().State);
        sweep.Transition(SweepTransition.Resume);
        Assert.NotNull(sweep.Claim("a"));
        var e = Assert.Throws<SweepsException>(() => { sweep.Transition(SweepTransition.Stop); sweep.Transition(SweepTransition.Pause); });
        Assert.Equal(SweepsErrorKind.InvalidTransition, e.Kind);
    }

    [Fact]
    public void Reaching_metric_target_finishes_the_sweep()
    {
        var sweep = _temp.Create(Random);
        var first = sweep.Claim("a")!;
        sweep.EndRun(new RunEnding(first.Run.Id, RunState.Finished, new Dictionary<string, object?> { ["loss"] = 0.5 }, 1) { MetricRange = (0.5, 0.9) });
        Assert.Equal("running", sweep.Refresh().State);
        var second = sweep.Claim("a")!;
        sweep.EndRun(new RunEnding(second.Run.Id, RunState.Finished, new Dictionary<string, object?> { ["loss"] = 0.3 }, 2) { MetricRange = (0.15, 0.6) });
        var state = _temp.Store.Open(sweep.Id).Refresh();
        Assert.Equal("finished", state.State);
        Assert.Equal($"metric.target 0.2 reached by run {second.Run.Id} (0.15)", state.StateReason);
        Assert.Null(sweep.Claim("a"));
    }

    [Fact]
    public void Ranking_orders_by_the_metric_and_goal_and_leaves_out_runs_without_it()
    {
        var config = Configs.Parse("method: random\nmetric: {name: acc, goal: maximize}\nparameters:\n  x: {value: 1}\n");
        RunRecord Run(string id, object? acc) => new()
        {
            Id = id, Number = 1, State = RunState.Finished, Config = new() { ["x"] = 1L }, Agent = "t", Created = default,
            Summary = acc is null ? new Dictionary<string, object?>() : new Dictionary<string, object?> { ["acc"] = acc },
        };
        var ranked = Ranking.Best(config, [Run("a", 0.5), Run("b", null), Run("c", 0.9), Run("d", "n/a"), Run("e", 0.7)], 2);
        Assert.Equal(new[] { "c", "e" }, ranked.Select(r => r.Id));
    }

    [Fact]
    public void A_sweep_with_an_agent_alive_on_it_is_not_removed_unless_forced()
    {
        var sweep = _temp.Create(Random);
        using (new Agents.Heartbeat(sweep.Backend, "me-1-abcd", TimeSpan.FromSeconds(5)))
        {
            sweep.Claim("me-1-abcd");
            Assert.Equal(SweepsErrorKind.SweepInUse, Assert.Throws<SweepsException>(() => _temp.Store.Remove(sweep)).Kind);
            _temp.Store.Remove(sweep, force: true);
        }
        Assert.False(Directory.Exists(sweep.Folder().Directory));
    }
}
