using System.Diagnostics;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;
using Xunit.Abstractions;

namespace Sweeps.Engine.Tests;

/// <summary>
/// Agent processes (tests/StoreWorker) on one Azure Blob store, as on hosted pipeline agents that share no disk: a
/// 500-point grid is run with every point exactly once, also when the service restarts under them (every connection
/// ended, nothing accepted for a few seconds): the agents wait, go on, and nothing is lost or done twice.
/// </summary>
[NeedsService("azurite")]
[Collection(PostgresServerAlone.Name)] // loads the machine: alone, after the others
public sealed class BlobAgentSpecs(ITestOutputHelper output)
{
    [StoreFact(Timeout = 300_000)]
    public async Task Four_agent_processes_run_every_grid_point_exactly_once()
    {
        BlobTestServer.SignIn();
        var store = BlobTestServer.NewContainer();
        try
        {
            var sweep = GridAgents.Create(store);
            var clock = Stopwatch.StartNew();
            var ended = await GridAgents.WaitAll(GridAgents.Start(store, sweep));
            output.WriteLine($"{GridAgents.Points} runs by 4 processes in {clock.Elapsed.TotalSeconds:0.0} s");
            GridAgents.AssertEveryPointExactlyOnce(store, sweep, ended);
        }
        finally { BlobTestServer.Drop(store); }
    }

    [StoreFact(Timeout = 300_000)]
    public async Task The_service_restarting_under_four_agent_processes_loses_nothing_and_doubles_nothing()
    {
        BlobTestServer.SignIn();
        using var azurite = new OwnAzurite();
        var store = $"{azurite.Account}/restart";
        var sweep = GridAgents.Create(store);
        var watcher = new SweepStore(store).Open(sweep.Id);
        var workers = GridAgents.Start(store, sweep);
        while (watcher.Refresh().Runs.Count < GridAgents.Points / 5 && workers.Any(w => !w.HasExited)) await Task.Delay(20);
        var before = watcher.Refresh().Runs.Count;
        azurite.Stop();
        await Task.Delay(TimeSpan.FromSeconds(3));
        azurite.Start();
        var after = watcher.Refresh().Runs.Count;
        output.WriteLine($"Azurite restarted (down 3 s) at {before} runs, {after} when it was back");
        Assert.True(before < GridAgents.Points - 50, $"the agents had nearly finished ({before} runs) before the restart");
        var ended = await GridAgents.WaitAll(workers);
        GridAgents.AssertEveryPointExactlyOnce(store, sweep, ended);
    }
}
