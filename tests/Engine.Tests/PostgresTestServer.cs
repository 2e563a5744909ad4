using System.Diagnostics;
using Npgsql;

namespace Sweeps.Engine.Tests;

/// <summary>
/// The PostgreSQL test server that build/services/postgres.ps1 starts: a fresh schema per test (so tests never see
/// each other's sweeps), statements run as its superuser, and a restart of the server through pg_ctl.
/// </summary>
public static class PostgresTestServer
{
    public static string ConnectionString => Services.Postgres ?? throw new InvalidOperationException("no PostgreSQL test server");

    public static void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>Stops the server (fast: every connection is ended), waits <paramref name="down"/>, and starts it again.</summary>
    public static void Restart(TimeSpan down)
    {
        PgCtl("-m", "fast", "-w", "stop");
        Thread.Sleep(down);
        PgCtl("-w", "-t", "60", "start");
    }

    static void PgCtl(params string[] args)
    {
        var pgCtl = Environment.GetEnvironmentVariable("SWEEPS_TEST_POSTGRES_PGCTL") ?? throw new InvalidOperationException("SWEEPS_TEST_POSTGRES_PGCTL is not set");
        var data = Environment.GetEnvironmentVariable("SWEEPS_TEST_POSTGRES_DATA") ?? throw new InvalidOperationException("SWEEPS_TEST_POSTGRES_DATA is not set");
        var osUser = Environment.GetEnvironmentVariable("SWEEPS_TEST_POSTGRES_OSUSER");
        var psi = new ProcessStartInfo(string.IsNullOrEmpty(osUser) ? pgCtl : "runuser") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!string.IsNullOrEmpty(osUser)) foreach (var a in new[] { "-u", osUser, "--", pgCtl }) psi.ArgumentList.Add(a);
        foreach (var a in new[] { "-D", data, "-l", Path.Combine(Path.GetDirectoryName(data)!, "postgres.log") }.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"pg_ctl {string.Join(' ', args)} failed ({p.ExitCode}): {output.Result}{error}");
    }
}

/// <summary>A schema of its own on the test server, dropped with everything in it afterwards.</summary>
public sealed class PostgresTestSchema : IDisposable
{
    public string Name { get; } = "t_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A connection string whose store lives in this schema.</summary>
    public string ConnectionString => $"{PostgresTestServer.ConnectionString};Search Path={Name}";

    public void Dispose()
    {
        try { PostgresTestServer.Execute($"DROP SCHEMA IF EXISTS {Name} CASCADE"); }
        catch (NpgsqlException) { } // the server is gone: nothing left to clean
    }
}
