using System.Diagnostics;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;
using Xunit.Abstractions;

namespace Sweeps.Engine.Tests;

/// <summary>Tests that stop the PostgreSQL test server, or load it hard: they run alone, after the others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresServerAlone
{
    public const string Name = "PostgreSQL server alone";
}

/// <summary>
/// Agent processes (tests/StoreWorker) on one PostgreSQL store, as on machines that share no disk: a 500-point grid
/// is run with every point exactly once, also when the server restarts under them (every connection ended, nothing
/// accepted for a few seconds): the agents wait, go on, and nothing is lost or done twice.
/// </summary>
[Collection(PostgresServerAlone.Name)]
public sealed class PostgresAgentSpecs(ITestOutputHelper output) : IDisposable
{
    readonly PostgresTestSchema _schema = new();

    public void Dispose() => _schema.Dispose();

    [PostgresFact(Timeout = 300_000)]
    public async Task Four_agent_processes_run_every_grid_point_exactly_once()
    {
        await Task.Yield();
        var sweep = GridAgents.Create(_schema.ConnectionString);
        var clock = Stopwatch.StartNew();
        var ended = await GridAgents.WaitAll(GridAgents.Start(_schema.ConnectionString, sweep));
        output.WriteLine($"{GridAgents.Points} runs by 4 processes in {clock.Elapsed.TotalSeconds:0.0} s");
        GridAgents.AssertEveryPointExactlyOnce(_schema.ConnectionString, sweep, ended);
    }

    [PostgresFact(Timeout = 300_000)]
    public async Task The_server_restarting_under_four_agent_processes_loses_nothing_and_doubles_nothing()
    {
        await Task.Yield();
        var sweep = GridAgents.Create(_schema.ConnectionString);
        var watcher = new SweepStore(_schema.ConnectionString).Open(sweep.Id);
        var workers = GridAgents.Start(_schema.ConnectionString, sweep);
        while (watcher.Refresh().Runs.Count < GridAgents.Points / 5 && workers.Any(w => !w.HasExited)) await Task.Delay(20);
        var before = watcher.Refresh().Runs.Count;
        PostgresTestServer.Restart(TimeSpan.FromSeconds(3));
        var after = watcher.Refresh().Runs.Count;
        output.WriteLine($"server restarted (down 3 s) at {before} runs, {after} when it was back");
        Assert.True(before < GridAgents.Points - 50, $"the agents had nearly finished ({before} runs) before the restart");
        var ended = await GridAgents.WaitAll(workers);
        GridAgents.AssertEveryPointExactlyOnce(_schema.ConnectionString, sweep, ended);
    }
}
