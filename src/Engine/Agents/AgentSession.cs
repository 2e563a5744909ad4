using System.Diagnostics;
using Sweeps.Engine.Results;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Search;
using Sweeps.Engine.Store;

namespace Sweeps.Engine.Agents;

/// <summary>
/// One agent's session as whoever runs it sees it: the agent's events, a progress report a few times a second, the
/// lines a CI pipeline reads (Azure DevOps, GitHub Actions), and how it ended. The cmdlet and the `sweeps` host only
/// turn these into writes, so both decide alike: the cadence, the totals, what a pipeline is told, and when an end
/// is an error, a warning or neither.
/// </summary>
public sealed class AgentSession(SweepHandle sweep, IRunLauncher launcher, AgentOptions options, PipelineReporter? pipeline)
{
    static readonly TimeSpan ProgressCadence = TimeSpan.FromMilliseconds(250); // progress is for people: a few updates a second

    /// <summary>The runs this session has ended.</summary>
    public int Done { get; private set; }

    /// <summary>Runs the agent and reports what happens, until it ends or <paramref name="cancel"/> fires.</summary>
    public IEnumerable<SessionEvent> Run(CancellationToken cancel)
    {
        var agent = new SweepAgent(sweep, launcher, options);
        var name = Printable.Text(sweep.State.Name); // shown in a progress bar and a CI log, where a control character would act
        var numbers = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        foreach (var e in agent.Run(cancel))
        {
            switch (e)
            {
                case RunStarted s:
                    numbers[s.Claim.Run.Id] = s.Claim.Run.Number;
                    yield return new SessionRunStarted(s.Claim.Run);
                    break;
                case RunOutput o:
                    // With several runs at once, each line says whose it is.
                    yield return new SessionOutput(options.ThrottleLimit > 1 && numbers.TryGetValue(o.RunId, out var n) ? $"[{n}] {o.Line}" : o.Line);
                    break;
                case RunCompleted r:
                    Done++;
                    yield return new SessionRunEnded(r.Run, r.Warning);
                    if (pipeline is not null && r.Run.State is RunState.Failed or RunState.Crashed) yield return new PipelineLines(pipeline.Failed(r.Run).ToList());
                    if (clock.Elapsed >= ProgressCadence)
                    {
                        var snapshot = sweep.Snapshot();
                        yield return new SessionProgress(snapshot, Done, options.Count);
                        if (pipeline is not null) yield return new PipelineLines(pipeline.Progress(name, snapshot.Runs.Count, Total(snapshot, null)).ToList());
                        clock.Restart();
                    }
                    break;
            }
        }
        if (pipeline is not null)
        {
            var end = sweep.Snapshot();
            var markdown = PipelineReporter.Summary(sweep.Id, name, end.State, end.Config, end.Runs);
            var path = Path.Combine(Path.GetTempPath(), $"sweeps-summary-{sweep.Id}-{DateTime.UtcNow:yyyyMMddTHHmmss}-{Environment.ProcessId}.md");
            yield return new PipelineLines(pipeline.Finished(markdown, path).ToList());
        }
        var outcome = agent.StoppedForFailures ? SessionOutcome.StoppedOnFailures
            : Done == 0 && !cancel.IsCancellationRequested ? SessionOutcome.NothingToRun
            : SessionOutcome.Ended;
        yield return new SessionEnded(Done, agent.StopReason ?? "done", outcome);
    }

    /// <summary>How many runs the session is working towards: the count asked, else the run cap or the grid's size.</summary>
    public static long? Total(SweepSnapshot sweep, int? count) =>
        count ?? sweep.Config.RunCap ?? (sweep.Config.Method == "grid" ? GridSearch.Size(sweep.Config) : null);
}

/// <summary>What an <see cref="AgentSession"/> reports, in order, on the thread that enumerates it.</summary>
public abstract record SessionEvent;

/// <summary>A run was claimed and started.
/// <param name="Run">The run as claimed.</param></summary>
public sealed record SessionRunStarted(RunRecord Run) : SessionEvent;

/// <summary>A line a run printed, prefixed with its number when several run at once.</summary>
public sealed record SessionOutput(string Line) : SessionEvent;

/// <summary>A run ended; <paramref name="Warning"/> says what looks wrong with it though it finished.</summary>
public sealed record SessionRunEnded(RunRecord Run, string? Warning) : SessionEvent;

/// <summary>Where the sweep stands, a few times a second at most.</summary>
public sealed record SessionProgress(SweepSnapshot Sweep, int Done, int? Count) : SessionEvent;

/// <summary>Lines for the CI pipeline's log (logging commands, the summary).</summary>
public sealed record PipelineLines(IReadOnlyList<string> Lines) : SessionEvent;

/// <summary>The session is over: the last event it reports.
/// <param name="Done">The runs it ended.</param>
/// <param name="Reason">Why it stopped, for people.</param>
/// <param name="Outcome">Whether the end is an error, a warning or neither.</param></summary>
public sealed record SessionEnded(int Done, string Reason, SessionOutcome Outcome) : SessionEvent;

/// <summary>How an agent session ended, as its caller reports it.</summary>
public enum SessionOutcome
{
    /// <summary>The agent ran what it was asked, or was stopped.</summary>
    Ended,
    /// <summary>Runs kept failing: an error, as W&amp;B's agent exits with one.</summary>
    StoppedOnFailures,
    /// <summary>The sweep had no run to give: a warning.</summary>
    NothingToRun,
}
