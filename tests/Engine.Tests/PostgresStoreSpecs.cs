using System.Diagnostics;
using Npgsql;
using Sweeps.Engine.Store;
using Sweeps.Engine.Store.Postgres;

namespace Sweeps.Engine.Tests;

/// <summary>
/// What the PostgreSQL store does beyond the contract, against the real test server: one clear error for each thing
/// a user gets wrong (password, database, a server that does not answer, a store made by a newer Sweeps), answers lost
/// to a broken connection never making a change count twice, the server's clock, and history rows gathered.
/// </summary>
public sealed class PostgresStoreSpecs : IDisposable
{
    const string Grid = "method: grid\nmetric: {name: loss}\nparameters:\n  a: {min: 1, max: 20}\n";

    readonly PostgresTestSchema _schema = new();

    public void Dispose() => _schema.Dispose();

    static NpgsqlConnectionStringBuilder Server => new(PostgresTestServer.ConnectionString);

    static StoreOptions Quick => new() { LockTimeout = TimeSpan.FromSeconds(2) };

    static SweepsException Fails(string location) =>
        Assert.Throws<SweepsException>(() => new SweepStore(new PostgresStore(location, Quick)).List());

    [PostgresFact]
    public void A_wrong_password_is_one_clear_error_that_never_shows_it()
    {
        var b = Server;
        b.Password = "not-the-password-42";
        var e = Fails(b.ConnectionString + $";Search Path={_schema.Name}");
        Assert.Equal(SweepsErrorKind.StoreUnavailable, e.Kind);
        Assert.Contains("refused the login", e.Message);
        Assert.Contains($"postgres://{b.Username}@{b.Host}:{b.Port}/{b.Database}?search_path={_schema.Name}", e.Message);
        Assert.Contains("PGPASSWORD", e.Message);
        Assert.DoesNotContain("not-the-password-42", e.ToString());
    }

    [PostgresFact]
    public void A_missing_password_and_the_password_from_PGPASSWORD()
    {
        var b = Server;
        var password = b.Password!;
        b.Password = null;
        var url = $"postgres://{b.Username}@{b.Host}:{b.Port}/{b.Database}?search_path={_schema.Name}";
        var saved = Environment.GetEnvironmentVariable("PGPASSWORD");
        var noPasswords = Path.GetTempFileName(); // an empty ~/.pgpass
        try
        {
            Environment.SetEnvironmentVariable("PGPASSWORD", null);
            Environment.SetEnvironmentVariable("PGPASSFILE", noPasswords);
            Assert.Contains("asks a password", Fails(url + "&application_name=no-password").Message);
            Environment.SetEnvironmentVariable("PGPASSWORD", password);
            var store = new SweepStore(url);
            Assert.Equal(url, store.Location);
            Assert.Equal(store.Create(Configs.Parse(Grid)).Id, store.List().Single().Id);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PGPASSWORD", saved);
            Environment.SetEnvironmentVariable("PGPASSFILE", null);
            File.Delete(noPasswords);
        }
    }

    [PostgresFact]
    public void A_database_that_does_not_exist_is_named()
    {
        var b = Server;
        b.Database = "no_such_db";
        var e = Fails(b.ConnectionString);
        Assert.Equal(SweepsErrorKind.StoreUnavailable, e.Kind);
        Assert.Contains("The database 'no_such_db' does not exist", e.Message);
        Assert.DoesNotContain(b.Password!, e.ToString());
    }

    [PostgresFact]
    public void A_server_that_refuses_connections_is_retried_for_the_time_out_then_named_unavailable()
    {
        var port = Ports.Free(); // nothing listens there now
        var clock = Stopwatch.StartNew();
        var e = Fails($"postgres://sweeps:hunter2@127.0.0.1:{port}/db");
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.Equal(SweepsErrorKind.StoreUnavailable, e.Kind);
        Assert.StartsWith($"The PostgreSQL store 'postgres://sweeps@127.0.0.1:{port}/db' is unavailable", e.Message);
        Assert.Contains("connection refused", e.Message);
        Assert.DoesNotContain("hunter2", e.ToString());
    }

    [PostgresFact]
    public void A_store_made_by_a_newer_sweeps_is_refused_and_left_as_it_is()
    {
        PostgresTestServer.Execute($"CREATE SCHEMA {_schema.Name}; CREATE TABLE {_schema.Name}.sweeps_schema (version int NOT NULL); INSERT INTO {_schema.Name}.sweeps_schema VALUES (99)");
        var e = Fails(_schema.ConnectionString);
        Assert.Equal(SweepsErrorKind.StoreUnavailable, e.Kind);
        Assert.Contains("was made by a newer Sweeps (its tables are at version 99; this Sweeps knows up to 1). Update Sweeps", e.Message);
    }

    [PostgresFact]
    public void The_store_makes_its_tables_at_the_current_version()
    {
        var store = new SweepStore(_schema.ConnectionString);
        store.Create(Configs.Parse(Grid));
        using var connection = new NpgsqlConnection(PostgresTestServer.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"SELECT version FROM {_schema.Name}.sweeps_schema", connection);
        Assert.Equal(PostgresSchema.Version, command.ExecuteScalar());
    }

    // The store through a proxy that can lose an answer on purpose.
    (TcpCutProxy Proxy, SweepStore Store) ThroughProxy()
    {
        var b = Server;
        var proxy = new TcpCutProxy(b.Host!, b.Port);
        b.Port = proxy.Port;
        b.SearchPath = _schema.Name;
        return (proxy, new SweepStore(b.ConnectionString));
    }

    [PostgresFact(Timeout = 60_000)]
    public async Task An_append_whose_commit_answer_was_lost_counts_once()
    {
        await Task.Yield();
        var (proxy, store) = ThroughProxy();
        using var _ = proxy;
        var sweep = store.Create(Configs.Parse(Grid));
        var first = sweep.Claim("agent-1")!;
        proxy.CutAfter("COMMIT");
        var second = sweep.Claim("agent-1")!; // its commit lands, its answer does not
        Assert.Equal(1, proxy.Cuts);
        var state = new SweepStore(_schema.ConnectionString).Open(sweep.Id).Refresh();
        Assert.Equal([first.Run.Id, second.Run.Id], state.Runs.Select(r => r.Id));
        Assert.Equal([1, 2], state.Runs.Select(r => r.Number));
        Assert.NotNull(sweep.Claim("agent-1")); // and the handle goes on where it is
        Assert.Equal(3, new SweepStore(_schema.ConnectionString).Open(sweep.Id).Refresh().Runs.Count);
    }

    [PostgresFact(Timeout = 60_000)]
    public async Task A_sweep_created_while_the_answer_was_lost_is_created_once()
    {
        await Task.Yield();
        var (proxy, store) = ThroughProxy();
        using var _ = proxy;
        store.List(); // the tables, made before the cut
        proxy.CutAfter("(id, name, config)");
        var sweep = store.Create(Configs.Parse(Grid));
        Assert.Equal(1, proxy.Cuts);
        Assert.Equal([sweep.Id], new SweepStore(_schema.ConnectionString).List().Select(s => s.Id));
    }

    [PostgresFact(Timeout = 60_000)]
    public async Task History_rows_whose_insert_answer_was_lost_are_kept_once()
    {
        await Task.Yield();
        var (proxy, store) = ThroughProxy();
        using var _ = proxy;
        var sweep = store.Create(Configs.Parse(Grid));
        var run = sweep.Claim("agent-1")!.Run.Id;
        proxy.CutAfter("ON CONFLICT DO NOTHING");
        using (var writer = sweep.Backend.WriteHistory(run))
            for (var i = 0; i < 3; i++) writer.Append(System.Text.Encoding.UTF8.GetBytes($"{{\"loss\":{i},\"_step\":{i}}}"));
        Assert.Equal(1, proxy.Cuts);
        Assert.Equal([0L, 1L, 2L], new SweepStore(_schema.ConnectionString).Open(sweep.Id).History(run).Select(r => r["loss"]));
    }

    [PostgresFact]
    public void History_rows_are_gathered_into_few_inserts_and_reach_readers_within_a_second()
    {
        var store = new SweepStore(_schema.ConnectionString);
        var sweep = store.Create(Configs.Parse(Grid));
        var run = sweep.Claim("agent-1")!.Run.Id;
        var reader = store.Open(sweep.Id).Backend.ReadHistory(run);
        var writer = (PostgresHistoryWriter)sweep.Backend.WriteHistory(run);
        writer.Append("{\"loss\":-1}"u8);
        Thread.Sleep(1500); // no dispose: the gathered row goes by itself
        Assert.Equal([-1L], reader.ReadNew().Select(r => r["loss"]));
        for (var i = 0; i < 5000; i++) writer.Append(System.Text.Encoding.UTF8.GetBytes($"{{\"loss\":{i}}}"));
        writer.Dispose();
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => (object)(long)i), reader.ReadNew().Select(r => r["loss"]));
        Assert.InRange(writer.Inserts, 2, 4); // not 5001
    }

    [PostgresFact]
    public void Event_times_and_heartbeat_ages_are_on_the_servers_clock_whatever_the_local_clock_says()
    {
        var store = new SweepStore(new PostgresStore(_schema.ConnectionString, new StoreOptions { Time = new SkewedTime(TimeSpan.FromMinutes(-7)) }));
        var sweep = store.Create(Configs.Parse(Grid));
        Assert.InRange(sweep.Backend.Now - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(-5), TimeSpan.FromSeconds(5));
        var claim = sweep.Claim("agent-1")!;
        Assert.InRange(claim.Run.Created - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(-5), TimeSpan.FromSeconds(5));
        sweep.Backend.Beat("agent-1", ProcessIdentity.Current);
        Assert.InRange(sweep.Backend.LastBeat("agent-1")!.Silence, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [PostgresFact]
    public void Removing_a_sweep_removes_its_rows_everywhere()
    {
        var store = new SweepStore(_schema.ConnectionString);
        var sweep = store.Create(Configs.Parse(Grid));
        var claim = sweep.Claim("agent-1")!;
        sweep.Backend.Beat("agent-1", ProcessIdentity.Current);
        using (var w = sweep.Backend.WriteHistory(claim.Run.Id)) w.Append("{\"loss\":1}"u8);
        File.WriteAllText(Path.Combine(claim.Directory, "stdout.log"), "hi");
        sweep.Backend.KeepFiles(claim.Run.Id);
        Assert.False(Directory.Exists(claim.Directory)); // taken in, and the local folder removed
        store.Remove(sweep, force: true);
        using var connection = new NpgsqlConnection(PostgresTestServer.ConnectionString);
        connection.Open();
        foreach (var table in new[] { "sweeps", "events", "history", "heartbeats", "files" })
        {
            using var count = new NpgsqlCommand($"SELECT count(*) FROM {_schema.Name}.{table}", connection);
            Assert.Equal(0L, count.ExecuteScalar());
        }
        var e = Assert.Throws<SweepsException>(() => sweep.Backend.Beat("agent-1", ProcessIdentity.Current));
        Assert.Equal(SweepsErrorKind.SweepNotFound, e.Kind);
    }

    [PostgresFact]
    public void A_journal_that_lost_rows_an_agent_read_is_an_error_not_written_past()
    {
        var store = new SweepStore(_schema.ConnectionString);
        var sweep = store.Create(Configs.Parse(Grid));
        sweep.Claim("agent-1");
        sweep.Claim("agent-1");
        PostgresTestServer.Execute($"DELETE FROM {_schema.Name}.events WHERE seq = 2"); // as a crash with synchronous_commit off could
        var e = Assert.Throws<SweepsException>(() => sweep.Claim("agent-1"));
        Assert.Equal(SweepsErrorKind.StoreCorrupt, e.Kind);
        Assert.Contains("holds fewer events than this agent already read (3)", e.Message);
        Assert.Single(store.Open(sweep.Id).Refresh().Runs); // read afresh, it is whole again
        Assert.Equal(2, store.Open(sweep.Id).Claim("agent-2")!.Run.Number);
    }

    [PostgresFact(Timeout = 60_000)]
    public async Task A_change_waits_for_the_lock_only_as_long_as_the_time_out()
    {
        await Task.Yield();
        var store = new SweepStore(new PostgresStore(_schema.ConnectionString, Quick));
        var sweep = store.Create(Configs.Parse(Grid));
        using var held = sweep.Backend.BeginChange(default);
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<SweepsException>(() => store.Open(sweep.Id).Claim("agent-2"));
        Assert.Equal(SweepsErrorKind.LockTimeout, e.Kind);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        Assert.ThrowsAny<OperationCanceledException>(() => store.Open(sweep.Id).Claim("agent-2", cancel.Token));
    }
}
