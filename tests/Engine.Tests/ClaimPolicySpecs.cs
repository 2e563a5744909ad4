using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;

namespace Sweeps.Engine.Tests;

/// <summary>The sweep's decisions as pure functions: a state and a request in, events out, no store anywhere.</summary>
public sealed class ClaimPolicySpecs
{
    static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    static int _ids;

    static string NewId() => $"run-{Interlocked.Increment(ref _ids)}";

    // A state built by applying events, as a replay does.
    static SweepState State(string yaml, params JournalEvent[] events)
    {
        var state = new SweepState();
        var config = Configs.Parse(yaml);
        state.Apply(new SweepCreated(Now, "s1", "s1", 3, config.Tree), 1, "memory");
        foreach (var e in events) state.Apply(e, -1, "memory");
        return state;
    }

    static RunClaimed Claimed(string id, int number, string agent = "a", long x = 1) =>
        new(Now, id, number, agent, new Dictionary<string, object?> { ["x"] = x });

    const string Grid = "method: grid\nmetric: {name: loss, goal: minimize, target: 0.1}\nparameters:\n  x: {values: [1, 2, 3]}\n";

    [Fact]
    public void A_claim_takes_the_next_grid_point_and_numbers_the_run()
    {
        var (events, claim) = ClaimPolicy.Claim(State(Grid, Claimed("r1", 1)), ClaimRequest.For("b"), Now, NewId);
        Assert.Equal((2, "b", 2L), (claim!.Number, claim.Agent, (long)claim.Config["x"]!));
        Assert.Equal([claim], events);
    }

    [Fact]
    public void An_exhausted_grid_a_run_cap_and_a_paused_sweep_give_no_run_each_with_its_reason()
    {
        var full = ClaimPolicy.Claim(State(Grid, Claimed("r1", 1, x: 1), Claimed("r2", 2, x: 2), Claimed("r3", 3, x: 3)), ClaimRequest.For("a"), Now, NewId);
        Assert.Null(full.Claim);
        Assert.Equal("all 3 grid points taken", Assert.IsType<SweepStateChanged>(Assert.Single(full.Events)).Reason);

        var capped = ClaimPolicy.Claim(State(Grid.Replace("method: grid", "method: grid\nrun_cap: 1"), Claimed("r1", 1)), ClaimRequest.For("a"), Now, NewId);
        Assert.Equal("run_cap of 1 reached", Assert.IsType<SweepStateChanged>(Assert.Single(capped.Events)).Reason);

        var paused = ClaimPolicy.Claim(State(Grid, new SweepStateChanged(Now, "paused", null)), ClaimRequest.For("a"), Now, NewId);
        Assert.Equal((0, (RunClaimed?)null), (paused.Events.Count, paused.Claim));
    }

    [Fact]
    public void A_crashed_run_is_retried_once_when_asked()
    {
        var crashed = new RunEnded(Now, "r1", RunState.Crashed, [], 0, "gone", null);
        var state = State(Grid, Claimed("r1", 1, x: 2), crashed);
        var (_, retry) = ClaimPolicy.Claim(state, new ClaimRequest("b", TimeSpan.FromSeconds(60), RetryCrashed: true), Now, NewId);
        Assert.Equal(("r1", 2L), (retry!.RetryOf, (long)retry.Config["x"]!));
        state.Apply(retry, -1, "memory");
        var (_, next) = ClaimPolicy.Claim(state, new ClaimRequest("b", TimeSpan.FromSeconds(60), RetryCrashed: true), Now, NewId);
        Assert.Null(next!.RetryOf); // retried once only: the search goes on
    }

    [Fact]
    public void Reaching_the_metric_target_finishes_the_sweep_and_a_second_ending_adds_nothing()
    {
        var state = State(Grid, Claimed("r1", 1));
        var ending = new RunEnding("r1", RunState.Finished, new Dictionary<string, object?> { ["loss"] = 0.05 }, 1) { MetricRange = (0.05, 0.5) };
        var events = ClaimPolicy.End(state, ending, Now);
        Assert.Equal("metric.target 0.1 reached by run r1 (0.05)", Assert.IsType<SweepStateChanged>(events[1]).Reason);
        foreach (var e in events) state.Apply(e, -1, "memory");
        Assert.Empty(ClaimPolicy.End(state, ending with { State = RunState.Crashed }, Now));
        Assert.Equal(SweepsErrorKind.RunNotFound, Assert.Throws<SweepsException>(() => ClaimPolicy.End(state, ending with { RunId = "nope" }, Now)).Kind);
    }

    [Fact]
    public void An_agent_is_dead_without_a_beat_when_its_process_here_is_gone_or_when_silent_too_long()
    {
        var timeout = TimeSpan.FromSeconds(60);
        Assert.Contains("has no heartbeat", ClaimPolicy.Death("a", null, timeout));
        Assert.Contains("is gone", ClaimPolicy.Death("a", new AgentBeat(ProcessIdentity.Current with { Pid = 999_999, ProcessStart = 1 }, TimeSpan.Zero), timeout));
        Assert.Contains("no heartbeat for 61 s", ClaimPolicy.Death("a", new AgentBeat(null, TimeSpan.FromSeconds(61)), timeout));
        Assert.Null(ClaimPolicy.Death("a", new AgentBeat(ProcessIdentity.Current, TimeSpan.FromSeconds(59)), timeout));
        // Another machine's pid means nothing here: only the beat's age counts.
        Assert.Null(ClaimPolicy.Death("a", new AgentBeat(new ProcessIdentity("elsewhere", "elsewhere|x|y", 999_999, 1), TimeSpan.FromSeconds(5)), timeout));
    }

    [Fact]
    public void A_dead_agents_runs_crash_with_what_they_logged_and_other_runs_are_left_alone()
    {
        var state = State(Grid, Claimed("r1", 1, "dead"), Claimed("r2", 2, "alive"));
        var deaths = new Dictionary<string, string?> { ["dead"] = "agent dead is gone", ["alive"] = null };
        var events = ClaimPolicy.Orphans(state, deaths, run => run == "r1" ? [new() { ["loss"] = 0.7, ["_step"] = 0L }, new() { ["loss"] = 0.4, ["_step"] = 1L }] : [], Now);
        var crashed = Assert.IsType<RunEnded>(Assert.Single(events));
        Assert.Equal(("r1", RunState.Crashed, "agent dead is gone", 0.4, 2L), (crashed.RunId, crashed.State, crashed.Error, (double)crashed.Summary["loss"]!, crashed.Steps));
        Assert.Equal((0.4, 0.7), crashed.MetricRange);
        Assert.Equal(["dead", "alive"], ClaimPolicy.AgentsToJudge(state, "someone"));
        Assert.Equal(["alive"], ClaimPolicy.AgentsToJudge(state, "dead"));
    }
}
