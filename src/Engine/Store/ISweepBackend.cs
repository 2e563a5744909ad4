namespace Sweeps.Engine.Store;

/// <summary>
/// One sweep's data in a store: its journal (read incrementally, appended to inside an exclusive change), its runs'
/// history rows, its agents' heartbeats and its runs' files. It moves data and decides nothing.
/// </summary>
internal interface ISweepBackend
{
    string SweepId { get; }

    /// <summary>Where the sweep is, for people (a folder, or the store's URL and the sweep id).</summary>
    string Location { get; }

    /// <summary>Now on the store's clock (event times; one clock for every machine, whatever their own clocks say).</summary>
    DateTimeOffset Now { get; }

    // ---- the journal ----

    /// <summary>
    /// The events appended since the last call on this instance, each with its 1-based position, in order, by the
    /// sequence rule (<see cref="JournalEvent.Seq"/>): an event of a writer that lost its turn is never returned.
    /// </summary>
    /// <param name="exclusive">True inside a change: a write cut short may be repaired.</param>
    List<(JournalEvent Event, int Line)> ReadEvents(bool exclusive);

    /// <summary>
    /// Starts an exclusive change (a lock, a transaction, or nothing where appends are conditional); the caller then
    /// reads what is new, decides, and appends once. Throws LockTimeout after the store's time-out.
    /// </summary>
    IExclusiveChange BeginChange(CancellationToken cancel);

    /// <summary>Forgets what was read: the next <see cref="ReadEvents"/> starts from the first event.</summary>
    void Rewind();

    // ---- history rows ----

    /// <summary>
    /// The writer of a run's history (one per run, its agent's). Rows reach readers within about a second: a backend
    /// that pays a round trip per write may gather them.
    /// </summary>
    IHistoryWriter WriteHistory(string runId);

    /// <summary>A reader of a run's history from its start, returning what is new at each call.</summary>
    IHistoryReader ReadHistory(string runId);

    // ---- liveness ----

    /// <summary>Records that an agent lives; its process lets an agent on the same machine tell at once when it dies.</summary>
    void Beat(string agentId, ProcessIdentity process);

    /// <summary>An agent's last beat, with how long ago it was on the store's own clock; null when it has none.</summary>
    AgentBeat? LastBeat(string agentId);

    /// <summary>Removes an agent's heartbeat (it stopped, or it was found dead).</summary>
    void Forget(string agentId);

    // ---- a run's files ----

    /// <summary>
    /// The local folder a run works in ($SWEEPS_RUN_DIR: its logs and whatever its program leaves there). For a folder
    /// store it is the run's folder in the store; elsewhere a local folder whose files <see cref="KeepFiles"/> saves.
    /// </summary>
    string WorkingDirectory(string runId);

    /// <summary>Saves a run's files once it has ended (a folder store keeps them where they are).</summary>
    void KeepFiles(string runId);

    /// <summary>Where a run's files are kept, for people (a folder, or a URL).</summary>
    string FilesLocation(string runId);

    /// <summary>The text of one of a run's kept files (stdout.log, stderr.log), or null when there is none.</summary>
    string? ReadFile(string runId, string name, int maxBytes);
}

/// <summary>An exclusive change of one sweep's journal: read what is new, decide, append once, dispose.</summary>
internal interface IExclusiveChange : IDisposable
{
    /// <summary>
    /// Appends the events of the change, decided on everything read. Counted is false when the change did not count
    /// (another writer came first, or the lock was lost while deciding): the caller reads afresh and decides again.
    /// Others are events that counted besides the change (written by others meanwhile), in order.
    /// </summary>
    (bool Counted, List<(JournalEvent Event, int Line)> Others) Append(IReadOnlyList<JournalEvent> events);
}

/// <summary>Appends a run's history rows; disposing it makes every row appended so far readable.</summary>
internal interface IHistoryWriter : IDisposable
{
    /// <summary>Appends one row: a JSON object on one line, without the newline.</summary>
    void Append(ReadOnlySpan<byte> row);
}

/// <summary>Reads a run's history rows as they are appended.</summary>
internal interface IHistoryReader
{
    /// <summary>The complete rows appended since the last call; a damaged row (a run that died writing it) is left out.</summary>
    List<Dictionary<string, object?>> ReadNew();

    /// <summary>Whether the history has been found at all (a run that logged nothing yet may have none).</summary>
    bool Seen { get; }

    /// <summary>How many rows were left out as damaged so far.</summary>
    int Damaged { get; }
}

/// <summary>An agent's last heartbeat: its process (when it said) and how long ago, on the store's clock.</summary>
internal sealed record AgentBeat(ProcessIdentity? Process, TimeSpan Silence);
