using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Store;

/// <summary>
/// One sweep, on any backend: reading replays its journal into a <see cref="SweepState"/>; every change enters the
/// backend's exclusive change, catches up on what other agents appended, decides (<see cref="ClaimPolicy"/>) and
/// appends once, so two agents can never claim the same grid point. A change that did not count (another writer
/// came first, or this process lost the lock while paused) is decided again on the fresh state.
/// </summary>
public sealed class SweepHandle
{
    readonly List<JournalEvent> _batch = [];
    readonly object _gate = new();
    SweepState _state = new();
    long _nextOrphanCheck; // Environment.TickCount64

    internal SweepHandle(ISweepBackend backend) => Backend = backend;

    /// <summary>Where the sweep's data moves: its journal, histories, heartbeats and run files.</summary>
    internal ISweepBackend Backend { get; }

    /// <summary>The sweep's id.</summary>
    public string Id => Backend.SweepId;

    /// <summary>Where the sweep is, for people.</summary>
    public string Location => Backend.Location;

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
            CatchUp(exclusive: false);
            return _state;
        }
    }

    /// <summary>
    /// Catches up and returns the sweep as every view shows it: a run still `running` whose agent is dead, by the rule
    /// a claim applies (<see cref="ClaimPolicy.Death"/>: its process gone, or no heartbeat for
    /// <paramref name="heartbeatTimeout"/>, 60 s by default), is shown `crashed` with the reason, as the next claim
    /// will record it. Nothing is written: a view needs no lock and works on a read-only store. A copy when anything
    /// differs, so read it on any thread.
    /// </summary>
    public SweepState Observe(TimeSpan? heartbeatTimeout = null)
    {
        lock (_gate)
        {
            var state = Refresh();
            var timeout = heartbeatTimeout ?? ClaimRequest.For("").HeartbeatTimeout;
            var deaths = ClaimPolicy.AgentsToJudge(state, self: "").ToDictionary(a => a, a => ClaimPolicy.Death(a, Backend.LastBeat(a), timeout), StringComparer.Ordinal);
            if (deaths.Values.All(why => why is null)) return state;
            var shown = state.Copy();
            foreach (var e in ClaimPolicy.Orphans(state, deaths, History, Backend.Now)) shown.Apply(e, -1, Location);
            return shown;
        }
    }

    /// <summary>Where a run's files are kept, for people (a folder, or a URL).</summary>
    public string FilesLocation(string runId) => Backend.FilesLocation(runId);

    /// <summary>The text of one of a run's kept files (stdout.log, stderr.log), or null when there is none.</summary>
    public string? ReadFile(string runId, string name, int maxBytes) => Backend.ReadFile(runId, name, maxBytes);

    /// <summary>A run's whole history (rows a dying run left half written are left out).</summary>
    public List<Dictionary<string, object?>> History(string runId) => Backend.ReadHistory(runId).ReadNew();

    /// <summary>
    /// Takes the next run: marks crashed the running runs whose agents are dead, then asks the policy for the next
    /// parameters (or a crashed run to retry) and records the claim. Null when the sweep is not running or has
    /// nothing left, in which case the sweep is marked finished with the reason.
    /// </summary>
    internal RunClaim? Claim(ClaimRequest request, CancellationToken cancel = default) =>
        WithFolder(Change(cancel, () => ClaimLocked(request)));

    /// <summary>Claims for <paramref name="agent"/> with the default heartbeat timeout and no retries.</summary>
    internal RunClaim? Claim(string agent, CancellationToken cancel = default) => Claim(ClaimRequest.For(agent), cancel);

    /// <summary>Records how a run ended; returns the run as recorded (unchanged if another agent already ended it).</summary>
    internal RunRecord EndRun(RunEnding ending) => Change(default, () => EndLocked(ending));

    /// <summary>
    /// Records how a run ended and claims the agent's next run in the same change: one lock and one write to the
    /// store per run instead of two.
    /// </summary>
    internal (RunRecord Ended, RunClaim? Next) EndRunAndClaim(RunEnding ending, ClaimRequest next, CancellationToken cancel = default)
    {
        var (ended, claim) = Change(cancel, () => (EndLocked(ending), ClaimLocked(next)));
        return (ended, WithFolder(claim));
    }

    /// <summary>Changes the sweep's state (pause, resume, stop, cancel); throws InvalidTransition W&amp;B's way.</summary>
    public SweepState Transition(SweepTransition transition, string? reason = null) => Change(default, () =>
    {
        AppendAll(ClaimPolicy.Transition(_state, transition, reason, Backend.Now));
        return _state;
    });

    // The run's working folder is made after the change: only its claimer uses it, and the change is the bottleneck.
    RunClaim? WithFolder(RunClaim? claim)
    {
        if (claim is null) return null;
        try { Directory.CreateDirectory(claim.Directory); }
        catch (Exception e) when (StoreErrors.IsStoreFailure(e)) { throw StoreErrors.From(e, "make the run's folder", claim.Directory, Location); }
        return claim;
    }

    RunClaim? ClaimLocked(ClaimRequest request)
    {
        MarkOrphansCrashed(request.Agent, request.HeartbeatTimeout);
        var (events, claimed) = ClaimPolicy.Claim(_state, request, Backend.Now, ShortId.New);
        AppendAll(events);
        if (claimed is null) return null;
        _state.TryGetRun(claimed.RunId, out var run);
        return new RunClaim(Id, run, Backend.WorkingDirectory(claimed.RunId));
    }

    RunRecord EndLocked(RunEnding ending)
    {
        AppendAll(ClaimPolicy.End(_state, ending, Backend.Now));
        _state.TryGetRun(ending.RunId, out var run);
        return run;
    }

    // A run still 'running' whose agent stopped beating (or whose process is gone) will never be ended by it.
    // Looking costs a read per agent, and heartbeats are seconds apart: look at most once a second.
    void MarkOrphansCrashed(string self, TimeSpan timeout)
    {
        if (Environment.TickCount64 < _nextOrphanCheck) return;
        _nextOrphanCheck = Environment.TickCount64 + 1000;
        var deaths = ClaimPolicy.AgentsToJudge(_state, self).ToDictionary(a => a, a => ClaimPolicy.Death(a, Backend.LastBeat(a), timeout), StringComparer.Ordinal);
        var crashed = ClaimPolicy.Orphans(_state, deaths, History, Backend.Now);
        // Nothing of a dead agent's program may go on writing into a crashed run (only reachable on its machine).
        foreach (var run in crashed.OfType<RunEnded>()) ProgramLifetime.EndLeftovers(Backend.WorkingDirectory(run.RunId));
        AppendAll(crashed);
        foreach (var (agent, why) in deaths)
            if (why is not null) Backend.Forget(agent);
    }

    /// <summary>
    /// One change: enter the backend's exclusive change, catch up on the journal, decide (appending to a batch), then
    /// append the batch once. A change that did not count is decided again on the fresh state; a failed write drops
    /// the in-memory state, to be replayed afresh next time.
    /// </summary>
    T Change<T>(CancellationToken cancel, Func<T> decide)
    {
        lock (_gate)
        {
            for (var attempt = 1; ; attempt++)
            {
                using var change = Backend.BeginChange(cancel);
                try
                {
                    CatchUp(exclusive: true);
                    var result = decide();
                    if (_batch.Count == 0) return result;
                    var (counted, others) = change.Append(_batch);
                    if (counted)
                    {
                        foreach (var (e, line) in others) _state.Apply(e, line, Location); // appended right after
                        return result;
                    }
                    Reset(); // decided on a state that may be old: decide again
                    if (attempt >= MaxAttempts)
                        throw new SweepsException(SweepsErrorKind.LockTimeout,
                            $"Sweep '{Id}' in '{Location}': {attempt} changes in a row did not count (other writers kept coming first, or this process keeps being paused past the lock's stale time); nothing was changed.");
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
        Backend.Rewind();
        _state = new SweepState();
    }

    void CatchUp(bool exclusive)
    {
        List<(JournalEvent Event, int Line)> events;
        try { events = Backend.ReadEvents(exclusive); }
        catch
        {
            Reset(); // a read cut short (a damaged line) may have passed events it never returned: replay afresh next time
            throw;
        }
        foreach (var (e, line) in events) _state.Apply(e, line, Location);
    }

    // Applied to the state at once (later decisions in the same change see them), written when the change ends.
    void AppendAll(IEnumerable<JournalEvent> events)
    {
        foreach (var e in events)
        {
            _batch.Add(e);
            _state.Apply(e, -1, Location);
        }
    }
}
