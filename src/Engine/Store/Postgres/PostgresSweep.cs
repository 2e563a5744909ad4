using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Store.Postgres;

/// <summary>
/// One sweep in a PostgreSQL store: its journal rows read incrementally by <c>seq</c> and appended inside a
/// transaction that holds the sweep's row lock (<see cref="PostgresChange"/>), its runs' history
/// (<see cref="PostgresHistoryWriter"/>), heartbeats whose age the server computes on its own clock, and the files its
/// runs leave, taken in when a run ends (they work in a local folder meanwhile).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The change is the caller's to dispose (using); the field only lets reads inside it see it.")]
internal sealed class PostgresSweep(PostgresStore store, string id) : ISweepBackend
{
    long _nextRow;      // the seq of the next journal row to read
    JournalSequence _sequence = new();
    PostgresChange? _change;

    public string SweepId => id;
    public string Location => $"{store.Location}#{id}";
    public DateTimeOffset Now => store.Now;

    internal PostgresStore Store => store;
    internal long NextRow => _nextRow;
    internal JournalSequence Sequence => _sequence;

    public List<(JournalEvent Event, int Line)> ReadEvents(bool exclusive)
    {
        // Inside a change the rows came with the lock, in the same round trip; while it is held nobody else appends.
        if (exclusive && _change is { } change) return Accept(change.TakeRead());
        return Accept(store.Run("read the journal", connection =>
        {
            using var command = new NpgsqlCommand(UnreadSql, connection) { Parameters = { new() { Value = id }, new() { Value = UnreadFrom } } };
            using var reader = command.ExecuteReader();
            return Unread(ReadRows(reader));
        }));
    }

    /// <summary>
    /// The query of the journal rows this reader has not read ($1: the sweep, $2: <see cref="UnreadFrom"/>), with the last
    /// one it has, so a journal that lost rows it read is noticed (<see cref="Unread"/>) instead of being written past.
    /// </summary>
    internal string UnreadSql => $"SELECT seq, line FROM {store.Tables.Events} WHERE sweep = $1 AND seq >= $2 ORDER BY seq";

    internal long UnreadFrom => Math.Max(_nextRow - 1, 0);

    /// <summary>The rows of <see cref="UnreadSql"/> without the one already read; throws when that one is gone.</summary>
    internal List<(long Seq, byte[] Line)> Unread(List<(long Seq, byte[] Line)> rows)
    {
        if (_nextRow == 0) return rows;
        if (rows.Count == 0 || rows[0].Seq != _nextRow - 1)
            throw new SweepsException(SweepsErrorKind.StoreCorrupt,
                $"{Location}: the journal holds fewer events than this agent already read ({_nextRow}): rows were deleted, or the server lost transactions it had committed (a crash with fsync or synchronous_commit off). Nothing was changed; an agent started again reads it afresh.");
        rows.RemoveAt(0);
        return rows;
    }

    internal static List<(long Seq, byte[] Line)> ReadRows(NpgsqlDataReader reader)
    {
        var rows = new List<(long, byte[])>();
        while (reader.Read()) rows.Add((reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
        return rows;
    }

    /// <summary>
    /// Takes in rows read from the journal, in order, by the sequence rule every store applies
    /// (<see cref="JournalEvent.Seq"/>); returns the events that count, each with its 1-based place.
    /// </summary>
    internal List<(JournalEvent Event, int Line)> Accept(List<(long Seq, byte[] Line)> rows)
    {
        var events = new List<(JournalEvent, int)>(rows.Count);
        foreach (var (seq, line) in rows)
        {
            if (seq != _nextRow)
                throw Corrupt(_nextRow, $"the journal has no event {_nextRow} but has {seq} (rows were removed by hand)");
            JournalEvent e;
            try { e = JournalEvent.Parse(line); }
            catch (FormatException problem) { throw Corrupt(seq, problem.Message); }
            _nextRow++;
            if (e is TornLine) continue; // never written here; a journal moved from a folder may hold one
            if (_sequence.Accept(e)) events.Add((e, (int)seq + 1));
        }
        return events;
    }

    /// <summary>The caller's own <paramref name="count"/> events were committed right after what it had read.</summary>
    internal void Appended(int count)
    {
        _nextRow += count;
        _sequence.Appended(count);
    }

    SweepsException Corrupt(long seq, string what) =>
        new(SweepsErrorKind.StoreCorrupt, $"{Location}, event {seq}: {what}. The journal is damaged; nothing was changed. Repair that row of {store.Tables.Events} by hand (every other row is intact).");

    public void Rewind() => (_nextRow, _sequence) = (0, new JournalSequence());

    public IExclusiveChange BeginChange(CancellationToken cancel) => _change = new PostgresChange(this, cancel);

    internal void Ended(PostgresChange change)
    {
        if (_change == change) _change = null;
    }

    public IHistoryWriter WriteHistory(string runId) => new PostgresHistoryWriter(store, id, RunId(runId));

    public IHistoryReader ReadHistory(string runId) => new PostgresHistoryReader(store, id, RunId(runId));

    // ---- liveness: the server stamps each beat and measures its age, so no two machines' clocks are compared ----

    public void Beat(string agentId, ProcessIdentity process) => store.Run("write the agent's heartbeat", connection =>
    {
        using var command = new NpgsqlCommand($"""
            INSERT INTO {store.Tables.Heartbeats} (sweep, agent, process, beat) VALUES ($1, $2, $3, now())
            ON CONFLICT (sweep, agent) DO UPDATE SET process = excluded.process, beat = now()
            """, connection)
        {
            Parameters =
            {
                new() { Value = id }, new() { Value = agentId },
                new() { Value = JsonSerializer.Serialize(process, StoreJson.Default.ProcessIdentity), NpgsqlDbType = NpgsqlDbType.Jsonb },
            },
        };
        return command.ExecuteNonQuery();
    });

    public AgentBeat? LastBeat(string agentId) => store.Run("read an agent's heartbeat", connection =>
    {
        using var command = new NpgsqlCommand($"SELECT process::text, EXTRACT(EPOCH FROM now() - beat)::float8 FROM {store.Tables.Heartbeats} WHERE sweep = $1 AND agent = $2", connection)
            { Parameters = { new() { Value = id }, new() { Value = agentId } } };
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        return new AgentBeat(reader.IsDBNull(0) ? null : Process(reader.GetString(0)), TimeSpan.FromSeconds(reader.GetDouble(1)));
    });

    // Written by another version: judged by its age alone.
    static ProcessIdentity? Process(string json)
    {
        try { return JsonSerializer.Deserialize(json, StoreJson.Default.ProcessIdentity); }
        catch (JsonException) { return null; }
    }

    public void Forget(string agentId) => store.Run("remove an agent's heartbeat", connection =>
    {
        using var command = new NpgsqlCommand($"DELETE FROM {store.Tables.Heartbeats} WHERE sweep = $1 AND agent = $2", connection)
            { Parameters = { new() { Value = id }, new() { Value = agentId } } };
        return command.ExecuteNonQuery();
    });

    // ---- a run's files ----

    public string WorkingDirectory(string runId) => Path.Combine(Path.GetTempPath(), "sweeps-postgres", id, RunId(runId));

    // Takes in what RunArtifacts keeps of the run's folder (logs first, within the size limits), then removes the
    // folder; where the store cannot take them, the folder stays.
    public void KeepFiles(string runId)
    {
        var dir = WorkingDirectory(runId);
        var files = RunArtifacts.Collect(dir);
        if (files.Count > 0)
        {
            store.Run("keep the run's files", connection =>
            {
                using var command = new NpgsqlCommand($"""
                    INSERT INTO {store.Tables.Files} (sweep, run, name, content) SELECT $1, $2, n, c FROM unnest($3::text[], $4::bytea[]) AS t(n, c)
                    ON CONFLICT (sweep, run, name) DO UPDATE SET content = excluded.content
                    """, connection)
                {
                    Parameters =
                    {
                        new() { Value = id }, new() { Value = runId },
                        new() { Value = files.Select(f => f.Name).ToArray() }, new() { Value = files.Select(f => f.Content).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea },
                    },
                };
                return command.ExecuteNonQuery();
            });
        }
        try { Directory.Delete(dir, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    public string FilesLocation(string runId) => $"{Location}/runs/{runId}";

    public string? ReadFile(string runId, string name, int maxBytes) => store.Run("read a run's file", connection =>
    {
        using var command = new NpgsqlCommand($"SELECT substring(content FROM greatest(octet_length(content) - $4 + 1, 1)) FROM {store.Tables.Files} WHERE sweep = $1 AND run = $2 AND name = $3", connection)
            { Parameters = { new() { Value = id }, new() { Value = runId }, new() { Value = name }, new() { Value = maxBytes } } };
        return command.ExecuteScalar() is byte[] tail ? System.Text.Encoding.UTF8.GetString(tail) : null;
    });

    string RunId(string runId) => StoreIds.IsValid(runId)
        ? runId
        : throw new SweepsException(SweepsErrorKind.RunNotFound, $"{StoreIds.Describe(runId)} is not a run id of sweep '{id}'.");
}
