using Sweeps.Engine.Runs;
using Sweeps.Engine.Search;

namespace Sweeps.Engine.Store;

/// <summary>
/// A sweep's decisions, as pure functions of its state and what is asked: the events a claim, a run's ending, a
/// transition or a dead agent's runs add to the journal. No store, no clock and no randomness of their own (the
/// caller passes the time, fresh run ids and what it knows of agents and histories), so every backend decides the
/// same way and every rule is testable with no disk.
/// </summary>
internal static class ClaimPolicy
{
    /// <summary>
    /// The next run for <paramref name="request"/>: a crashed run to retry (when asked), else the search method's next
    /// suggestion. Null when the sweep is not running or has nothing left; the events then say why it finished.
    /// </summary>
    public static (List<JournalEvent> Events, RunClaimed? Claim) Claim(SweepState state, ClaimRequest request, DateTimeOffset now, Func<string> newRunId)
    {
        if (state.State != "running") return ([], null);
        var config = state.Config;
        if (config.RunCap is long cap && state.Runs.Count >= cap)
            return ([new SweepStateChanged(now, "finished", $"run_cap of {cap} reached")], null);
        var retry = request.RetryCrashed ? RetryCandidate(state) : null;
        var parameters = retry?.Config ?? SearchMethods.For(config.Method).Next(config, state.Seed, state.Runs)?.Config;
        if (parameters is null)
            return ([new SweepStateChanged(now, "finished", $"all {GridSearch.Size(config)} grid points taken")], null);
        string runId;
        do runId = newRunId(); while (state.TryGetRun(runId, out _));
        var claim = new RunClaimed(now, runId, state.Runs.Count + 1, request.Agent, parameters, retry?.Id);
        return ([claim], claim);
    }

    // Each crashed run is retried once, oldest first.
    static RunRecord? RetryCandidate(SweepState state)
    {
        var retried = state.Runs.Where(r => r.RetryOf is not null).Select(r => r.RetryOf!).ToHashSet(StringComparer.Ordinal);
        return state.Runs.FirstOrDefault(r => r.State == RunState.Crashed && r.RetryOf is null && !retried.Contains(r.Id));
    }

    /// <summary>
    /// How a run ended, as its agent reports it: nothing when another agent already ended it (the first ending
    /// stands), else its ending, and the sweep finished when the run reached <c>metric.target</c>.
    /// </summary>
    public static List<JournalEvent> End(SweepState state, RunEnding ending, DateTimeOffset now)
    {
        if (!ending.State.IsTerminal()) throw new ArgumentException($"{ending.State} is not a terminal state", nameof(ending));
        if (!state.TryGetRun(ending.RunId, out var run))
            throw new SweepsException(SweepsErrorKind.RunNotFound, $"No run '{ending.RunId}' in sweep '{state.Id}'.");
        if (run.State.IsTerminal()) return [];
        var ended = new RunEnded(now, ending.RunId, ending.State, JournalCaps.Summary(ending.Summary), ending.Steps, JournalCaps.Error(ending.Error), ending.ExitCode)
            { MetricRange = ending.MetricRange };
        return TargetReached(state, run.Id, ending.MetricRange, now) is { } finished ? [ended, finished] : [ended];
    }

    // metric.target (W&B docs): once a run reaches it, the sweep creates no new runs; running runs finish.
    static SweepStateChanged? TargetReached(SweepState state, string runId, (double Min, double Max)? range, DateTimeOffset now)
    {
        if (state.State != "running" || state.Config.Metric is not { Target: double target } metric || range is not var (lo, hi)) return null;
        var best = metric.Goal == Config.MetricGoal.Maximize ? hi : lo;
        var reached = metric.Goal == Config.MetricGoal.Maximize ? best >= target : best <= target;
        return reached ? new SweepStateChanged(now, "finished", $"metric.target {target} reached by run {runId} ({best})") : null;
    }

    /// <summary>The agents whose running runs must be judged: every agent but <paramref name="self"/> with a running run.</summary>
    public static IReadOnlyList<string> AgentsToJudge(SweepState state, string self) =>
        state.Runs.Where(r => r.State == RunState.Running && r.Agent != self).Select(r => r.Agent).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Why an agent is dead, or null while it may live: its process is certainly gone (same machine only), it never
    /// beat, or its last beat is older than the timeout on the store's clock.
    /// </summary>
    public static string? Death(string agentId, AgentBeat? beat, TimeSpan timeout)
    {
        if (beat is null) return $"agent {agentId} has no heartbeat";
        if (beat.Process is { IsKnownDead: true } p) return $"agent {agentId} (process {p.Pid} on {p.Host}) is gone";
        return beat.Silence > timeout ? $"agent {agentId} sent no heartbeat for {beat.Silence.TotalSeconds:0} s" : null;
    }

    /// <summary>
    /// The running runs of dead agents, ended as crashed with the reason and the summary of what they logged
    /// (<paramref name="historyOf"/>); <paramref name="deaths"/> maps each judged agent to why it is dead (null: alive).
    /// </summary>
    public static List<JournalEvent> Orphans(SweepState state, IReadOnlyDictionary<string, string?> deaths,
        Func<string, IReadOnlyList<Dictionary<string, object?>>> historyOf, DateTimeOffset now)
    {
        var events = new List<JournalEvent>();
        foreach (var run in state.Runs.Where(r => r.State == RunState.Running))
        {
            if (!deaths.TryGetValue(run.Agent, out var why) || why is null) continue;
            var history = historyOf(run.Id);
            var values = state.Config.Metric is { } metric ? Termination.RunProgress.MetricValues(history, metric.Name) : [];
            events.Add(new RunEnded(now, run.Id, RunState.Crashed, JournalCaps.Summary(RunRecorder.SummaryOf(history)), history.Count, why, null)
                { MetricRange = values.Count > 0 ? (values.Min(), values.Max()) : null });
        }
        return events;
    }

    /// <summary>A lifecycle change asked for by a user, with W&amp;B's refusals (InvalidTransition).</summary>
    public static List<JournalEvent> Transition(SweepState state, SweepTransition transition, string? reason, DateTimeOffset now)
    {
        if (transition.Refusal(state.State) is { } refusal) throw new SweepsException(SweepsErrorKind.InvalidTransition, refusal);
        return state.State == transition.Target() ? []
            : [new SweepStateChanged(now, transition.Target(), reason ?? $"{transition.ToString().ToLowerInvariant()} by the user")];
    }
}
