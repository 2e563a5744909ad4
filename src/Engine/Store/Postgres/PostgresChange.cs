using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Sweeps.Engine.Store.Postgres;

/// <summary>
/// An exclusive change of one sweep's journal: a transaction that holds the sweep's row lock
/// (<c>SELECT ... FOR NO KEY UPDATE</c>, which history and heartbeat writes do not wait for), reads what is new in the
/// same round trip, and appends the change's events at the next places in the sequence in a second one, with the
/// commit. The primary key (sweep, seq) takes each place once, so a writer that decided on an old journal cannot
/// count. When the connection breaks under a commit, whether it landed is unknown: the change locks again and looks,
/// and its events count if they are there byte for byte; it never writes them twice.
/// </summary>
internal sealed class PostgresChange : IExclusiveChange
{
    readonly PostgresSweep _sweep;
    readonly CancellationToken _cancel;
    NpgsqlConnection? _connection;
    List<(long Seq, byte[] Line)>? _read;
    bool _committed;

    public PostgresChange(PostgresSweep sweep, CancellationToken cancel)
    {
        _sweep = sweep;
        _cancel = cancel;
        Store.Tables.Ensure(Store.Server, Store.Where, Store.Options);
        var retry = Retry("take the sweep's lock");
        try { _read = Lock(retry); }
        catch
        {
            Drop();
            throw;
        }
    }

    PostgresStore Store => _sweep.Store;

    PostgresServer.Backoff Retry(string doing) => new(Store.Server, Store.Where, doing, Store.Options, _cancel);

    /// <summary>The journal rows appended since the sweep's handle last read, fetched with the lock (once).</summary>
    public List<(long Seq, byte[] Line)> TakeRead()
    {
        var read = _read ?? [];
        _read = null;
        return read;
    }

    // BEGIN, the lock (waiting at most what is left of the time-out), and the rows since the handle's position, in
    // one round trip; again on a fresh connection after a transient failure.
    List<(long Seq, byte[] Line)> Lock(PostgresServer.Backoff retry)
    {
        while (true)
        {
            try
            {
                _connection ??= Store.Server.Open(retry);
                var wait = retry.Remaining > TimeSpan.FromSeconds(1) ? retry.Remaining : TimeSpan.FromSeconds(1);
                using var batch = new NpgsqlBatch(_connection)
                {
                    BatchCommands =
                    {
                        new("BEGIN"),
                        // Whole seconds: the same text each time, so the batch is prepared once.
                        new($"SET LOCAL lock_timeout = '{((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture)}s'"),
                        new($"SELECT 1 FROM {Store.Tables.Sweeps} WHERE id = $1 FOR NO KEY UPDATE") { Parameters = { new() { Value = _sweep.SweepId } } },
                        new(_sweep.UnreadSql) { Parameters = { new() { Value = _sweep.SweepId }, new() { Value = _sweep.UnreadFrom } } },
                    },
                    Timeout = (int)Math.Ceiling(wait.TotalSeconds) + 30, // the server's lock_timeout ends the wait first
                };
                using var cancelling = _cancel.Register(batch.Cancel);
                using var reader = batch.ExecuteReader();
                var found = reader.Read();
                if (!found)
                    throw new SweepsException(SweepsErrorKind.SweepNotFound, $"Sweep '{_sweep.SweepId}' is no longer in the store '{Store.Location}' (it was removed).");
                reader.NextResult();
                return _sweep.Unread(PostgresSweep.ReadRows(reader));
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                throw new SweepsException(SweepsErrorKind.LockTimeout,
                    $"Sweep '{_sweep.SweepId}' in '{Store.Location}': waited {Store.Options.LockTimeout.TotalSeconds:0} s for its lock, which another agent's transaction holds; nothing was changed.", e);
            }
            catch (Exception e) when (_cancel.IsCancellationRequested && PostgresServer.IsFailure(e))
            {
                throw new OperationCanceledException(_cancel);
            }
            catch (Exception e) when (PostgresServer.IsFailure(e))
            {
                Drop();
                retry.After(e, opening: false);
            }
        }
    }

    public (bool Counted, List<(JournalEvent Event, int Line)> Others) Append(IReadOnlyList<JournalEvent> events)
    {
        var lines = _sweep.Sequence.Number(events);
        var retry = Retry("append to the journal");
        while (true)
        {
            try
            {
                if (_connection is null)
                {
                    // The last attempt's connection broke: it may have committed. Lock again and look.
                    var rows = Lock(retry);
                    if (rows.Count > 0)
                    {
                        var ours = rows.Count >= lines.Length && lines.Select((l, i) => rows[i].Line.AsSpan().SequenceEqual(l)).All(same => same);
                        if (!ours) return (false, []); // others came first: the caller reads afresh and decides again
                        return (true, _sweep.Accept(rows).Skip(lines.Length).ToList());
                    }
                    // Nothing landed and nothing came since: what was decided still stands on the whole journal.
                }
                using var batch = new NpgsqlBatch(_connection)
                {
                    BatchCommands =
                    {
                        new($"INSERT INTO {Store.Tables.Events} (sweep, seq, line) SELECT $1, $2 + t.i - 1, t.l FROM unnest($3::bytea[]) WITH ORDINALITY AS t(l, i)")
                        {
                            Parameters =
                            {
                                new() { Value = _sweep.SweepId }, new() { Value = _sweep.NextRow },
                                new() { Value = lines, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea },
                            },
                        },
                        new("COMMIT"),
                    },
                };
                batch.ExecuteNonQuery();
                _committed = true;
                _sweep.Appended(lines.Length);
                return (true, []);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return (false, []); // a writer that had read more came first
            }
            catch (Exception e) when (PostgresServer.IsFailure(e))
            {
                Drop();
                retry.After(e, opening: false);
            }
        }
    }

    void Drop()
    {
        _connection?.Dispose();
        _connection = null;
    }

    public void Dispose()
    {
        if (_connection is not null && !_committed)
        {
            try
            {
                using var rollback = new NpgsqlCommand("ROLLBACK", _connection);
                rollback.ExecuteNonQuery();
            }
            catch (Exception e) when (PostgresServer.IsFailure(e)) { } // a broken connection has no transaction left
        }
        Drop();
        _sweep.Ended(this);
    }
}
