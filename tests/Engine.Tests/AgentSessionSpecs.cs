using Sweeps.Engine.Agents;
using Sweeps.Engine.Results;
using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Tests;

/// <summary>The session the cmdlet and the `sweeps` host show: what it reports and how it says it ended.</summary>
public sealed class AgentSessionSpecs : IDisposable
{
    readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    sealed class Launcher(Func<RunContext, RunOutcome> run) : IRunLauncher
    {
        public RunOutcome Launch(RunContext context, CancellationToken cancel) => run(context);
    }

    static readonly PipelineReporter Azure = PipelineReporter.Detect(name => name == "TF_BUILD" ? "True" : null)!;

    [Fact(Timeout = 60_000)]
    public async Task Runs_that_keep_failing_end_the_session_as_stopped_on_failures_with_each_failure_told_to_the_pipeline()
    {
        await Task.Yield();
        var sweep = _temp.Create("method: grid\nparameters:\n  x: {values: [1, 2, 3, 4, 5, 6, 7, 8]}\n");
        var session = new AgentSession(sweep, new Launcher(r => new RunOutcome(RunState.Failed, $"run {r.Number} diverged")), new AgentOptions { MaxConsecutiveFailures = 3, FlappingFailures = 0 }, Azure);
        var events = session.Run(default).ToList();
        Assert.Equal(3, events.OfType<SessionRunEnded>().Count());
        var lines = events.OfType<PipelineLines>().SelectMany(l => l.Lines).ToList();
        Assert.Equal(3, lines.Count(l => l.StartsWith("##vso[task.logissue type=warning]Run ")));
        Assert.Contains(lines, l => l.StartsWith("##vso[task.uploadsummary]")); // the summary, once, at the end
        var end = Assert.IsType<SessionEnded>(events[^1]);
        Assert.Equal(SessionOutcome.StoppedOnFailures, end.Outcome);
        Assert.Equal(3, end.Done);
        Assert.Contains("3 runs in a row failed", end.Reason);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_sweep_with_nothing_left_ends_the_session_as_nothing_to_run_and_a_stopped_one_does_not()
    {
        await Task.Yield();
        var sweep = _temp.Create("method: grid\nparameters:\n  x: {values: [1]}\n");
        var ok = new Launcher(_ => RunOutcome.Finished);
        var first = new AgentSession(sweep, ok, new AgentOptions(), pipeline: null).Run(default).ToList();
        Assert.Equal(SessionOutcome.Ended, Assert.IsType<SessionEnded>(first[^1]).Outcome);
        Assert.DoesNotContain(first, e => e is PipelineLines); // no pipeline, no pipeline lines
        var again = new AgentSession(sweep, ok, new AgentOptions(), pipeline: null).Run(default).ToList();
        Assert.Equal(SessionOutcome.NothingToRun, Assert.IsType<SessionEnded>(Assert.Single(again)).Outcome);
        using var stopped = new CancellationTokenSource();
        stopped.Cancel();
        var canceled = new AgentSession(_temp.Create("method: grid\nparameters:\n  x: {values: [1]}\n"), ok, new AgentOptions(), pipeline: null).Run(stopped.Token).ToList();
        Assert.Equal(SessionOutcome.Ended, Assert.IsType<SessionEnded>(Assert.Single(canceled)).Outcome);
    }

    [Fact(Timeout = 60_000)]
    public async Task With_several_runs_at_once_each_output_line_names_its_run()
    {
        await Task.Yield();
        var sweep = _temp.Create("method: grid\nparameters:\n  x: {values: [1, 2, 3, 4]}\n");
        var launcher = new Launcher(r => { r.Output($"hello from {r.Config["x"]}"); return RunOutcome.Finished; });
        var events = new AgentSession(sweep, launcher, new AgentOptions { ThrottleLimit = 2 }, pipeline: null).Run(default).ToList();
        var numbers = events.OfType<SessionRunEnded>().ToDictionary(e => e.Run.Config["x"]!, e => e.Run.Number);
        Assert.Equal(4, events.OfType<SessionOutput>().Count());
        Assert.All(events.OfType<SessionOutput>(), o => Assert.Matches(@"^\[\d\] hello from \d$", o.Line));
        foreach (var o in events.OfType<SessionOutput>())
            Assert.Equal($"[{numbers[long.Parse(o.Line[^1..])]}]", o.Line[..3]);
    }
}
