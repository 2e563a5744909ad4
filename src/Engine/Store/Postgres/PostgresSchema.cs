using System.Collections.Concurrent;
using Npgsql;

namespace Sweeps.Engine.Store.Postgres;

/// <summary>
/// The store's tables in one schema, created and migrated by the store itself and versioned by the one row of
/// <c>sweeps_schema</c>: a store made by a newer Sweeps is refused with one error asking to update, never changed.
/// Migrations run once per process and schema, under an advisory lock, so agents starting together do not race.
/// Layout: docs/store.md, "PostgreSQL".
/// </summary>
internal sealed class PostgresSchema
{
    /// <summary>The schema version this Sweeps writes and reads.</summary>
    public const int Version = 1;

    static readonly ConcurrentDictionary<(string Server, string Schema), bool> Ready = new();

    public PostgresSchema(string schema)
    {
        Name = schema;
        var q = "\"" + schema.Replace("\"", "\"\"") + "\"";
        Quoted = q;
        Sweeps = $"{q}.sweeps";
        Events = $"{q}.events";
        History = $"{q}.history";
        Heartbeats = $"{q}.heartbeats";
        Files = $"{q}.files";
        VersionTable = $"{q}.sweeps_schema";
    }

    public string Name { get; }
    public string Quoted { get; }
    public string Sweeps { get; }
    public string Events { get; }
    public string History { get; }
    public string Heartbeats { get; }
    public string Files { get; }
    public string VersionTable { get; }

    // Each version's statements, applied in order from the one found. A sweep's journal lines and history rows are
    // kept as the exact bytes of their JSON (bytea): what a reader compares and parses is what the writer wrote.
    string[][] Steps =>
    [
        [
            $"""
            CREATE TABLE {Sweeps} (
                id text PRIMARY KEY,
                created timestamptz NOT NULL DEFAULT clock_timestamp(),
                name text NOT NULL,
                config text NOT NULL)
            """,
            $"""
            CREATE TABLE {Events} (
                sweep text NOT NULL REFERENCES {Sweeps} (id) ON DELETE CASCADE,
                seq bigint NOT NULL,
                line bytea NOT NULL,
                PRIMARY KEY (sweep, seq))
            """,
            $"""
            CREATE TABLE {History} (
                sweep text NOT NULL REFERENCES {Sweeps} (id) ON DELETE CASCADE,
                run text NOT NULL,
                serial bigint NOT NULL,
                line bytea NOT NULL,
                PRIMARY KEY (sweep, run, serial))
            """,
            $"""
            CREATE TABLE {Heartbeats} (
                sweep text NOT NULL REFERENCES {Sweeps} (id) ON DELETE CASCADE,
                agent text NOT NULL,
                process jsonb,
                beat timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (sweep, agent))
            """,
            $"""
            CREATE TABLE {Files} (
                sweep text NOT NULL REFERENCES {Sweeps} (id) ON DELETE CASCADE,
                run text NOT NULL,
                name text NOT NULL,
                content bytea NOT NULL,
                PRIMARY KEY (sweep, run, name))
            """,
        ],
    ];

    /// <summary>Makes sure the tables exist at <see cref="Version"/>; throws when a newer Sweeps made them.</summary>
    public void Ensure(PostgresServer server, PostgresLocation where, StoreOptions options)
    {
        if (Ready.ContainsKey((where.ConnectionString, Name))) return;
        server.Run(where, "open the store", options, connection =>
        {
            // Most starts find the tables as they should be: one read, no lock, nothing a read-only user cannot do.
            if (Found(connection, where) == Version) return true;
            using var tx = connection.BeginTransaction();
            Execute(connection, $"SELECT pg_advisory_xact_lock(hashtext('sweeps_schema'), hashtext({Literal(Name)}))");
            if (!Exists(connection, "SELECT 1 FROM pg_namespace WHERE nspname = $1", Name)) Execute(connection, $"CREATE SCHEMA {Quoted}");
            Execute(connection, $"CREATE TABLE IF NOT EXISTS {VersionTable} (version int NOT NULL)");
            var found = Found(connection, where) ?? 0;
            for (var v = found; v < Version; v++)
                foreach (var statement in Steps[v]) Execute(connection, statement);
            if (found < Version)
            {
                Execute(connection, $"DELETE FROM {VersionTable}");
                Execute(connection, $"INSERT INTO {VersionTable} (version) VALUES ({Version})");
            }
            tx.Commit();
            return true;
        });
        Ready[(where.ConnectionString, Name)] = true;
    }

    // The version the tables are at (null: none yet); a newer one than this Sweeps knows is an error.
    int? Found(NpgsqlConnection connection, PostgresLocation where)
    {
        if (!Exists(connection, "SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'sweeps_schema'", Name)) return null;
        using var read = new NpgsqlCommand($"SELECT max(version) FROM {VersionTable}", connection);
        var version = read.ExecuteScalar() is int v ? v : (int?)null;
        if (version > Version)
            throw new SweepsException(SweepsErrorKind.StoreUnavailable,
                $"The store '{where.Display}' was made by a newer Sweeps (its tables are at version {version}; this Sweeps knows up to {Version}). Update Sweeps to use it.");
        return version;
    }

    static bool Exists(NpgsqlConnection connection, string sql, string value)
    {
        using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = value } } };
        return command.ExecuteScalar() is not null;
    }

    static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    static string Literal(string s) => "'" + s.Replace("'", "''") + "'";
}
