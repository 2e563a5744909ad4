using Npgsql;
using NpgsqlTypes;

namespace Sweeps.Engine.Store.Postgres;

/// <summary>
/// A run's history writer: rows are gathered and inserted together (<see cref="GatheredHistoryWriter"/>). Each row's place (serial) is fixed before its insert and a row already there is left
/// as it is, so an insert retried after a broken connection never writes a row twice.
/// </summary>
internal sealed class PostgresHistoryWriter(PostgresStore store, string sweep, string run) : GatheredHistoryWriter
{
    readonly PostgresStore _store = store;
    readonly string _sweep = sweep, _run = run;
    long? _next; // the serial of the next row; found on the first insert (a run's history may have been begun before)

    /// <summary>How many inserts reached the server (the gathering at work, for tests).</summary>
    internal int Inserts { get; private set; }

    protected override void Write(List<byte[]> rows)
    {
        _store.Run("write the run's history", connection =>
        {
            if (_next is null)
            {
                using var last = new NpgsqlCommand($"SELECT coalesce(max(serial) + 1, 0) FROM {_store.Tables.History} WHERE sweep = $1 AND run = $2", connection)
                    { Parameters = { new() { Value = _sweep }, new() { Value = _run } } };
                _next = (long)last.ExecuteScalar()!;
            }
            using var insert = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new("BEGIN"),
                    new("SET LOCAL synchronous_commit = off"),
                    new($"""
                        INSERT INTO {_store.Tables.History} (sweep, run, serial, line) SELECT $1, $2, $3 + t.i - 1, t.l FROM unnest($4::bytea[]) WITH ORDINALITY AS t(l, i)
                        ON CONFLICT DO NOTHING
                        """)
                    {
                        Parameters =
                        {
                            new() { Value = _sweep }, new() { Value = _run }, new() { Value = _next.Value },
                            new() { Value = rows.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea },
                        },
                    },
                    new("COMMIT"),
                },
            };
            return insert.ExecuteNonQuery();
        });
        _next += rows.Count;
        Inserts++;
    }
}

/// <summary>Reads a run's history rows as they are inserted, by serial.</summary>
internal sealed class PostgresHistoryReader(PostgresStore store, string sweep, string run) : IHistoryReader
{
    long _next;

    public bool Seen { get; private set; }
    public int Damaged { get; private set; }

    public List<Dictionary<string, object?>> ReadNew()
    {
        var lines = store.Run("read the run's history", connection =>
        {
            using var command = new NpgsqlCommand($"SELECT serial, line FROM {store.Tables.History} WHERE sweep = $1 AND run = $2 AND serial >= $3 ORDER BY serial", connection)
                { Parameters = { new() { Value = sweep }, new() { Value = run }, new() { Value = _next } } };
            using var reader = command.ExecuteReader();
            return PostgresSweep.ReadRows(reader);
        });
        var rows = new List<Dictionary<string, object?>>(lines.Count);
        foreach (var (serial, line) in lines)
        {
            _next = serial + 1;
            Seen = true;
            if (!HistoryRow.TryAdd(rows, line)) Damaged++;
        }
        return rows;
    }
}
