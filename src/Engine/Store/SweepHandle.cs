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
    readonly Journal _journal;
    readonly SweepState _state = new();
    readonly object _gate = new();

    internal SweepHandle(string id, string directory)
    {
        Id = id;
        Directory = directory;
        _journal = new Journal(JournalPath);
        Lock = new FileLock(Path.Combine(directory, "journal.lock"));
    }

    public string Id { get; }
    public string Directory { get; }
    public string JournalPath => Path.Combine(Directory, SweepStore.JournalFile);
    public FileLock Lock { get; }

    public string RunDirectory(string runId) => Path.Combine(Directory, "runs", runId);

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
    /// Takes the next run for <paramref name="agent"/>: under the lock, marks crashed the running runs whose agents
    /// are gone, asks the search method for the next parameters (or retries a crashed run when asked) and records the
    /// claim. Null when the sweep is not running or has nothing left, in which case the sweep is marked finished with
    /// the reason.
    /// </summary>
    public RunClaim? Claim(string agent, CancellationToken cancel = default, TimeSpan? heartbeatTimeout = null, bool retryCrashed = false)
    {
        lock (_gate)
        {
            using var held = Lock.Acquire(cancel);
            CatchUp();
            MarkOrphansCrashed(agent, heartbeatTimeout ?? TimeSpan.FromSeconds(60));
            if (_state.State != "running") return null;
            var config = _state.Config;
            if (config.RunCap is long cap && _state.Runs.Count >= cap)
            {
                Append(new SweepStateChanged(DateTimeOffset.UtcNow, "finished", $"run_cap of {cap} reached"));
                return null;
            }
            var retry = retryCrashed ? _state.Runs.FirstOrDefault(r => r.State == RunState.Crashed && r.RetryOf is null && !_state.Runs.Any(x => x.RetryOf == r.Id)) : null;
            var parameters = retry?.Config ?? SearchMethods.For(config.Method).Next(config, _state.Seed, _state.Runs)?.Config;
            if (parameters is null)
            {
                Append(new SweepStateChanged(DateTimeOffset.UtcNow, "finished", $"all {GridSearch.Size(config)} grid points taken"));
                return null;
            }
            string runId;
            do runId = ShortId.New(); while (_state.TryGetRun(runId, out _));
            Append(new RunClaimed(DateTimeOffset.UtcNow, runId, _state.Runs.Count + 1, agent, parameters, retry?.Id));
            _state.TryGetRun(runId, out var run);
            var dir = RunDirectory(runId);
            System.IO.Directory.CreateDirectory(dir);
            return new RunClaim(Id, run, dir);
        }
    }

    // A run still 'running' whose agent stopped beating (or whose process is gone) will never be ended by it.
    void MarkOrphansCrashed(string self, TimeSpan timeout)
    {
        var verdicts = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var run in _state.Runs.Where(r => r.State == RunState.Running && r.Agent != self).ToList())
        {
            if (!verdicts.TryGetValue(run.Agent, out var why))
                verdicts[run.Agent] = why = Agents.Heartbeat.IsAlive(Directory, run.Agent, timeout, out var reason) ? null : reason;
            if (why is null) continue;
            var history = RunRecorder.ReadHistory(RunDirectory(run.Id), tolerateDamage: true);
            Append(new RunEnded(DateTimeOffset.UtcNow, run.Id, RunState.Crashed, RunRecorder.SummaryOf(history), history.Count, why, null));
        }
    }

    /// <summary>Records how a run ended.</summary>
    public RunRecord EndRun(string runId, RunState state, IReadOnlyDictionary<string, object?> summary, long steps, string? error = null, int? exitCode = null)
    {
        if (!state.IsTerminal()) throw new ArgumentException($"{state} is not a terminal state", nameof(state));
        lock (_gate)
        {
            using var held = Lock.Acquire();
            CatchUp();
            if (!_state.TryGetRun(runId, out var run))
                throw new SweepsException(SweepsErrorKind.RunNotFound, $"No run '{runId}' in sweep '{Id}'.");
            if (run.State.IsTerminal()) return run;
            Append(new RunEnded(DateTimeOffset.UtcNow, runId, state, summary.ToDictionary(kv => kv.Key, kv => TreeValue.Clone(kv.Value), StringComparer.Ordinal), steps, error, exitCode));
            _state.TryGetRun(runId, out run);
            return run;
        }
    }

    void CatchUp()
    {
        foreach (var (e, line) in _journal.ReadNew(holdingLock: true)) _state.Apply(e, line, JournalPath);
    }

    void Append(JournalEvent e)
    {
        _journal.Append(e);
        _state.Apply(e, -1, JournalPath);
    }
}
