using Sweeps.Engine.Runs;
using Sweeps.Engine.Search;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Store;

/// <summary>
/// One sweep's folder. Reading replays the journal; every change takes the lock, catches up on what other
/// agents appended, decides, and appends, so two agents can never claim the same grid point.
/// </summary>
public sealed class SweepHandle
{
    readonly List<JournalEvent> _batch = [];
    readonly object _gate = new();
    Journal _journal;
    SweepState _state = new();
    long _nextOrphanCheck; // Environment.TickCount64

    internal SweepHandle(string id, string directory, StoreOptions? options = null)
    {
        options ??= StoreOptions.Default;
        Id = id;
        Directory = directory;
        Clock = new StoreClock(options.Time);
        _journal = new Journal(JournalPath);
        Lock = new FileLock(Path.Combine(directory, "journal.lock"), Clock, options.LockTimeout, options.LockStaleAfter);
    }

    public string Id { get; }
    public string Directory { get; }
    public string JournalPath => Path.Combine(Directory, SweepStore.JournalFile);
    public FileLock Lock { get; }

    /// <summary>The store's clock as this process sees it: event times and liveness are measured on it.</summary>
    public StoreClock Clock { get; }

    /// <summary>Events ignored because their writer had lost the lock (diagnostics).</summary>
    public int RejectedEvents { get { lock (_gate) return _journal.Rejected; } }

    /// <summary>A run's folder; the id must be a plain name (ids read from the journal are checked there).</summary>
    public string RunDirectory(string runId) => StoreIds.IsValid(runId)
        ? Path.Combine(Directory, "runs", runId)
        : throw new SweepsException(SweepsErrorKind.RunNotFound, $"{StoreIds.Describe(runId)} is not a run id of sweep '{Id}'.");

    /// <summary>The state as last read or changed through this handle, without reading the journal.</summary>
    public SweepState State
    {
        get { lock (_gate) return _state.Config is null ? Refresh() : _state; }
    }

    /// <summary>Catches up on the journal and returns the config, state and a copy of the runs, safe to use on any thread.</summary>
    public SweepSnapshot Snapshot()
    {
        lock (_gate)
        {
            var state = Refresh();
            return new SweepSnapshot(state.Config, state.State, state.Runs.ToList());
        }
    }

    /// <summary>Catches up on the journal and returns the state (shared: read it on the calling thread only).</summary>
    public SweepState Refresh()
    {
        lock (_gate)
        {
            foreach (var (e, line) in _journal.ReadNew(holdingLock: false)) _state.Apply(e, line, JournalPath);
            return _state;
        }
    }

    /// <summary>
    /// Takes the next run: under the lock, marks crashed the running runs whose agents are gone, asks the search
    /// method for the next parameters (or retries a crashed run when asked) and records the claim. Null when the
    /// sweep is not running or has nothing left, in which case the sweep is marked finished with the reason.
    /// </summary>
    public RunClaim? Claim(ClaimRequest request, CancellationToken cancel = default) =>
        WithFolder(Change(cancel, () => ClaimLocked(request)));

    /// <summary>Claims for <paramref name="agent"/> with the default heartbeat timeout and no retries.</summary>
    public RunClaim? Claim(string agent, CancellationToken cancel = default) => Claim(ClaimRequest.For(agent), cancel);

    /// <summary>Records how a run ended; returns the run as recorded (unchanged if another agent already ended it).</summary>
    public RunRecord EndRun(RunEnding ending) => Change(default, () => EndLocked(ending));

    /// <summary>
    /// Records how a run ended and claims the agent's next run in the same lock and the same write: one lock and one
    /// flush to disk per run instead of two.
    /// </summary>
    public (RunRecord Ended, RunClaim? Next) EndRunAndClaim(RunEnding ending, ClaimRequest next, CancellationToken cancel = default)
    {
        var (ended, claim) = Change(cancel, () => (EndLocked(ending), ClaimLocked(next)));
        return (ended, WithFolder(claim));
    }

    // The run's folder is made after the lock is released: only its claimer uses it, and the lock is the bottleneck.
    RunClaim? WithFolder(RunClaim? claim)
    {
        try { if (claim is not null) System.IO.Directory.CreateDirectory(claim.Directory); }
        catch (Exception e) when (StoreErrors.IsStoreFailure(e)) { throw StoreErrors.From(e, "make the run's folder", claim!.Directory, Path.GetDirectoryName(Directory) ?? Directory); }
        return claim;
    }

    RunClaim? ClaimLocked(ClaimRequest request)
    {
        MarkOrphansCrashed(request.Agent, request.HeartbeatTimeout);
        if (_state.State != "running") return null;
        var config = _state.Config;
        if (config.RunCap is long cap && _state.Runs.Count >= cap)
        {
            Append(new SweepStateChanged(Clock.Now, "finished", $"run_cap of {cap} reached"));
            return null;
        }
        var retry = request.RetryCrashed ? _state.Runs.FirstOrDefault(r => r.State == RunState.Crashed && r.RetryOf is null && !_state.Runs.Any(x => x.RetryOf == r.Id)) : null;
        var parameters = retry?.Config ?? SearchMethods.For(config.Method).Next(config, _state.Seed, _state.Runs)?.Config;
        if (parameters is null)
        {
            Append(new SweepStateChanged(Clock.Now, "finished", $"all {GridSearch.Size(config)} grid points taken"));
            return null;
        }
        string runId;
        do runId = ShortId.New(); while (_state.TryGetRun(runId, out _));
        Append(new RunClaimed(Clock.Now, runId, _state.Runs.Count + 1, request.Agent, parameters, retry?.Id));
        _state.TryGetRun(runId, out var run);
        return new RunClaim(Id, run, RunDirectory(runId));
    }

    /// <summary>Changes the sweep's state (pause, resume, stop, cancel); throws SweepNotRunning-kind errors W&amp;B's way.</summary>
    public SweepState Transition(SweepTransition transition, string? reason = null) => Change(default, () =>
    {
        if (transition.Refusal(_state.State) is { } refusal) throw new SweepsException(SweepsErrorKind.InvalidTransition, refusal);
        if (_state.State != transition.Target())
            Append(new SweepStateChanged(Clock.Now, transition.Target(), reason ?? $"{transition.ToString().ToLowerInvariant()} by the user"));
        return _state;
    });

    RunRecord EndLocked(RunEnding ending)
    {
        if (!ending.State.IsTerminal()) throw new ArgumentException($"{ending.State} is not a terminal state", nameof(ending));
        if (!_state.TryGetRun(ending.RunId, out var run))
            throw new SweepsException(SweepsErrorKind.RunNotFound, $"No run '{ending.RunId}' in sweep '{Id}'.");
        if (run.State.IsTerminal()) return run;
        Append(new RunEnded(Clock.Now, ending.RunId, ending.State, JournalCaps.Summary(ending.Summary), ending.Steps, JournalCaps.Error(ending.Error), ending.ExitCode) { MetricRange = ending.MetricRange });
        _state.TryGetRun(ending.RunId, out run);
        FinishIfTargetReached(run);
        return run;
    }

    // metric.target (W&B docs): once a run reaches it, the sweep creates no new runs; running runs finish.
    void FinishIfTargetReached(RunRecord run)
    {
        if (_state.State != "running" || _state.Config.Metric is not { Target: double target } metric || run.MetricRange is not var (lo, hi)) return;
        var best = metric.Goal == Config.MetricGoal.Maximize ? hi : lo;
        if (metric.Goal == Config.MetricGoal.Maximize ? best >= target : best <= target)
            Append(new SweepStateChanged(Clock.Now, "finished", $"metric.target {target} reached by run {run.Id} ({best})"));
    }

    // A run still 'running' whose agent stopped beating (or whose process is gone) will never be ended by it.
    // Looking costs a file read per agent, and heartbeats are seconds apart: look at most once a second.
    void MarkOrphansCrashed(string self, TimeSpan timeout)
    {
        if (Environment.TickCount64 < _nextOrphanCheck) return;
        _nextOrphanCheck = Environment.TickCount64 + 1000;
        var verdicts = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var run in _state.Runs.Where(r => r.State == RunState.Running && r.Agent != self).ToList())
        {
            if (!verdicts.TryGetValue(run.Agent, out var why))
                verdicts[run.Agent] = why = AgentLiveness.IsAlive(Directory, run.Agent, timeout, Clock, out var reason) ? null : reason;
            if (why is null) continue;
            ProgramLifetime.EndLeftovers(RunDirectory(run.Id)); // nothing of it may go on writing into a crashed run
            var history = RunRecorder.ReadHistory(RunDirectory(run.Id), tolerateDamage: true);
            var values = _state.Config.Metric is { } metric ? Termination.RunProgress.MetricValues(history, metric.Name) : [];
            Append(new RunEnded(Clock.Now, run.Id, RunState.Crashed, JournalCaps.Summary(RunRecorder.SummaryOf(history)), history.Count, why, null)
                { MetricRange = values.Count > 0 ? (values.Min(), values.Max()) : null });
        }
        foreach (var (agent, why) in verdicts)
            if (why is not null) AgentLiveness.Forget(Directory, agent);
    }

    /// <summary>
    /// One change: take the lock, catch up on the journal, decide (appending to a batch), then, if the lock is still
    /// this process's, write the batch in one append flushed to disk. A change whose lock was taken over while it
    /// decided (the process was paused past the stale time) writes nothing that counts (<see cref="Journal"/>): it is
    /// decided again on the fresh state. If the write fails, the in-memory state is dropped and replayed afresh.
    /// </summary>
    T Change<T>(CancellationToken cancel, Func<T> decide)
    {
        lock (_gate)
        {
            for (var attempt = 1; ; attempt++)
            {
                using var held = Lock.Acquire(cancel);
                try
                {
                    CatchUp();
                    var result = decide();
                    if (_batch.Count == 0) return result;
                    if (held.IsStillHeld())
                    {
                        var (counted, others) = _journal.Append(_batch);
                        if (counted)
                        {
                            foreach (var (e, line) in others) _state.Apply(e, line, JournalPath); // appended right after
                            return result;
                        }
                    }
                    Reset(); // decided on a state that may be old: decide again
                    if (attempt >= MaxAttempts)
                        throw new SweepsException(SweepsErrorKind.LockTimeout,
                            $"Lost the lock '{Lock.Path}' {attempt} times in a row while changing sweep '{Id}' (this process keeps being paused for longer than {Lock.StaleAfter.TotalSeconds:0} s); nothing was changed.");
                }
                catch
                {
                    if (_batch.Count > 0) Reset();
                    throw;
                }
                finally
                {
                    _batch.Clear();
                }
            }
        }
    }

    const int MaxAttempts = 5;

    void Reset()
    {
        _journal = new Journal(JournalPath);
        _state = new SweepState();
    }

    void CatchUp()
    {
        foreach (var (e, line) in _journal.ReadNew(holdingLock: true)) _state.Apply(e, line, JournalPath);
    }

    // Applied to the state at once (later decisions in the same change see it), written when the change ends.
    void Append(JournalEvent e)
    {
        _batch.Add(e);
        _state.Apply(e, -1, JournalPath);
    }
}
