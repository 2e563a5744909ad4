using Npgsql;
using NpgsqlTypes;

namespace Sweeps.Engine.Store.Postgres;

/// <summary>
/// A store in a PostgreSQL database, for agents on machines that share no disk: a row per sweep, its journal as rows
/// of (sweep, seq, line) whose primary key lets each place in the sequence be taken once, its runs' history rows,
/// heartbeats aged on the server's clock, and the files its runs leave. Tables and versions: <see cref="PostgresSchema"/>;
/// layout and guarantees: docs/store.md, "PostgreSQL".
/// </summary>
internal sealed class PostgresStore : IStoreBackend
{
    readonly object _clockGate = new();
    TimeSpan _clockOffset;
    long? _clockSampled; // Environment.TickCount64 of the last sample

    public PostgresStore(string location, StoreOptions? options = null)
    {
        Where = PostgresLocation.Parse(location);
        Options = options ?? StoreOptions.Default;
        Server = PostgresServer.For(Where);
        Tables = new PostgresSchema(Where.Schema);
    }

    public string Location => Where.Display;

    internal PostgresLocation Where { get; }
    internal StoreOptions Options { get; }
    internal PostgresServer Server { get; }
    internal PostgresSchema Tables { get; }

    /// <summary>
    /// Runs work against the store's tables (made or migrated first, once per process), retrying transient failures
    /// for at most the store's time-out.
    /// </summary>
    internal T Run<T>(string doing, Func<NpgsqlConnection, T> work, CancellationToken cancel = default)
    {
        Tables.Ensure(Server, Where, Options);
        return Server.Run(Where, doing, Options, work, cancel);
    }

    /// <summary>
    /// Now on the server's clock: the local clock plus the offset learnt from the server's <c>now()</c>, sampled again
    /// every few minutes (local clocks drift and get corrected), so every machine stamps events on one clock.
    /// </summary>
    internal DateTimeOffset Now
    {
        get
        {
            lock (_clockGate)
            {
                if (_clockSampled is not long sampled || Environment.TickCount64 - sampled > 5 * 60_000)
                {
                    _clockOffset = Run("read the server's clock", connection =>
                    {
                        using var command = new NpgsqlCommand("SELECT now()", connection);
                        var before = Options.Time.GetUtcNow();
                        var server = (DateTime)command.ExecuteScalar()!;
                        var after = Options.Time.GetUtcNow();
                        return new DateTimeOffset(server, TimeSpan.Zero) - (before + (after - before) / 2);
                    });
                    _clockSampled = Environment.TickCount64;
                }
                return Options.Time.GetUtcNow() + _clockOffset;
            }
        }
    }

    public bool TryCreate(SweepCreated first, string? configText)
    {
        var line = (first with { Seq = 0 }).ToUtf8();
        return Run("create a sweep", connection =>
        {
            using var create = new NpgsqlCommand($"""
                WITH s AS (INSERT INTO {Tables.Sweeps} (id, name, config) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id)
                INSERT INTO {Tables.Events} (sweep, seq, line) SELECT id, 0, $4 FROM s
                """, connection)
            {
                Parameters =
                {
                    new() { Value = first.SweepId }, new() { Value = first.SweepName },
                    new() { Value = configText ?? Space.TreeJson.Serialize(first.Config) }, new() { Value = line, NpgsqlDbType = NpgsqlDbType.Bytea },
                },
            };
            if (create.ExecuteNonQuery() == 1) return true;
            // Taken: by another sweep, or by this very create when its answer was lost to a broken connection.
            using var mine = new NpgsqlCommand($"SELECT line FROM {Tables.Events} WHERE sweep = $1 AND seq = 0", connection) { Parameters = { new() { Value = first.SweepId } } };
            return mine.ExecuteScalar() is byte[] stored && stored.AsSpan().SequenceEqual(line);
        });
    }

    public IReadOnlyList<string> List() => Run("list the sweeps", connection =>
    {
        using var command = new NpgsqlCommand($"SELECT id FROM {Tables.Sweeps} ORDER BY created, id", connection);
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
            if (reader.GetString(0) is var id && StoreIds.IsValid(id)) ids.Add(id);
        return ids;
    });

    public bool Exists(string sweepId) => StoreIds.IsValid(sweepId) && Run("look for a sweep", connection =>
    {
        using var command = new NpgsqlCommand($"SELECT 1 FROM {Tables.Sweeps} WHERE id = $1", connection) { Parameters = { new() { Value = sweepId } } };
        return command.ExecuteScalar() is not null;
    });

    public ISweepBackend Open(string sweepId) => Exists(sweepId)
        ? new PostgresSweep(this, sweepId)
        : throw new SweepsException(SweepsErrorKind.SweepNotFound, $"No sweep with id {StoreIds.Describe(sweepId)} in the store '{Location}'.");

    // Its journal, history, heartbeats and files go with it (ON DELETE CASCADE), in one transaction.
    public void Remove(string sweepId) => Run("remove the sweep", connection =>
    {
        using var command = new NpgsqlCommand($"DELETE FROM {Tables.Sweeps} WHERE id = $1", connection) { Parameters = { new() { Value = sweepId } } };
        return command.ExecuteNonQuery();
    });
}
