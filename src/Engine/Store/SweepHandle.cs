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
    /// Takes the next run for <paramref name="agent"/>: under the lock, asks the search method for the next
    /// parameters and records the claim. Null when the sweep is not running or has nothing left, in which case
    /// the sweep is marked finished with the reason.
    /// </summary>
    public RunClaim? Claim(string agent, CancellationToken cancel = default)
    {
        lock (_gate)
        {
            using var held = Lock.Acquire(cancel);
            CatchUp();
            if (_state.State != "running") return null;
            var config = _state.Config;
            if (config.RunCap is long cap && _state.Runs.Count >= cap)
            {
                Append(new SweepStateChanged(DateTimeOffset.UtcNow, "finished", $"run_cap of {cap} reached"));
                return null;
            }
            var suggestion = SearchMethods.For(config.Method).Next(config, _state.Seed, _state.Runs);
            if (suggestion is null)
            {
                Append(new SweepStateChanged(DateTimeOffset.UtcNow, "finished", $"all {GridSearch.Size(config)} grid points taken"));
                return null;
            }
            string runId;
            do runId = ShortId.New(); while (_state.TryGetRun(runId, out _));
            var claimed = new RunClaimed(DateTimeOffset.UtcNow, runId, _state.Runs.Count + 1, agent, suggestion.Config);
            Append(claimed);
            _state.TryGetRun(runId, out var run);
            var dir = RunDirectory(runId);
            System.IO.Directory.CreateDirectory(dir);
            return new RunClaim(Id, run, dir);
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
