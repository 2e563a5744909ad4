using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Store.Folder;

/// <summary>
/// One sweep as a folder (docs/store.md): <c>journal.jsonl</c> appended under <c>journal.lock</c>, heartbeats in
/// <c>agents/</c>, each run's history, logs and files in <c>runs/&lt;run id&gt;/</c>, which is also where the run works.
/// </summary>
internal sealed class FolderSweep : ISweepBackend
{
    public const string JournalFile = "journal.jsonl";
    public const string HistoryFile = "history.jsonl";

    readonly FolderHeartbeats _heartbeats;
    Journal _journal;

    internal FolderSweep(string id, string directory, StoreOptions options)
    {
        SweepId = id;
        Directory = directory;
        Clock = new StoreClock(options.Time);
        _journal = new Journal(JournalPath);
        Lock = new FileLock(Path.Combine(directory, "journal.lock"), Clock, options.LockTimeout, options.LockStaleAfter);
        _heartbeats = new FolderHeartbeats(directory, Clock);
    }

    public string SweepId { get; }
    public string Directory { get; }
    public string Location => Directory;
    public string JournalPath => Path.Combine(Directory, JournalFile);
    public FileLock Lock { get; }

    /// <summary>The store's clock as this process sees it: event times and liveness are measured on it.</summary>
    public StoreClock Clock { get; }

    public DateTimeOffset Now => Clock.Now;

    /// <summary>Events ignored because their writer had lost the lock (diagnostics).</summary>
    public int RejectedEvents => _journal.Rejected;

    string Store => Path.GetDirectoryName(Directory) ?? Directory;

    public string RunDirectory(string runId) => StoreIds.IsValid(runId)
        ? Path.Combine(Directory, "runs", runId)
        : throw new SweepsException(SweepsErrorKind.RunNotFound, $"{StoreIds.Describe(runId)} is not a run id of sweep '{SweepId}'.");

    public List<(JournalEvent Event, int Line)> ReadEvents(bool exclusive) => _journal.ReadNew(holdingLock: exclusive);

    public void Rewind() => _journal = new Journal(JournalPath);

    public IExclusiveChange BeginChange(CancellationToken cancel) => new Change(this, Lock.Acquire(cancel));

    // The lock, checked right before the write; the journal's sequence numbers catch a loss after the check.
    sealed class Change(FolderSweep sweep, HeldLock held) : IExclusiveChange
    {
        public (bool Counted, List<(JournalEvent Event, int Line)> Others) Append(IReadOnlyList<JournalEvent> events) =>
            held.IsStillHeld() ? sweep._journal.Append(events) : (false, []);

        public void Dispose() => held.Dispose();
    }

    public IHistoryWriter WriteHistory(string runId) => new HistoryWriter(Path.Combine(RunDirectory(runId), HistoryFile), Store);

    public IHistoryReader ReadHistory(string runId) => new HistoryReader(Path.Combine(RunDirectory(runId), HistoryFile));

    public void Beat(string agentId, ProcessIdentity process) => _heartbeats.Beat(agentId, process);

    public AgentBeat? LastBeat(string agentId) => _heartbeats.Last(agentId);

    public void Forget(string agentId) => _heartbeats.Forget(agentId);

    public string WorkingDirectory(string runId) => RunDirectory(runId);

    public void KeepFiles(string runId) { } // they are in the store already

    public string FilesLocation(string runId) => RunDirectory(runId);

    public string? ReadFile(string runId, string name, int maxBytes) => RunFiles.ReadTail(Path.Combine(RunDirectory(runId), name), maxBytes);

    // One open file per run, one unbuffered write per row: a failed write (a full disk) leaves nothing to fail again.
    sealed class HistoryWriter(string path, string store) : IHistoryWriter
    {
        FileStream? _file;

        public void Append(ReadOnlySpan<byte> row)
        {
            try
            {
                _file ??= new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
                _file.Write([.. row, (byte)'\n']);
            }
            catch (Exception e) when (StoreErrors.IsStoreFailure(e)) { throw StoreErrors.From(e, "write the run's history", path, store); }
        }

        public void Dispose() => _file?.Dispose();
    }

    sealed class HistoryReader(string path) : IHistoryReader
    {
        readonly JsonLinesTail _tail = new(path);

        public bool Seen => _tail.Seen;
        public int Damaged { get; private set; }

        public List<Dictionary<string, object?>> ReadNew()
        {
            var rows = new List<Dictionary<string, object?>>();
            foreach (var (_, line) in _tail.ReadNew())
            {
                if (line.Span.Trim((byte)' ').Trim((byte)'\r').IsEmpty) continue;
                if (!HistoryRow.TryAdd(rows, line.Span)) Damaged++;
            }
            return rows;
        }
    }
}
