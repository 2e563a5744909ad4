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
    const string Grid = "method: grid\nmetric: {name: loss}\nparameters:\n  a: {min: 1, max: 100}\n  b: {values: [p, q, r, s, t]}\n";
    const int Points = 500;

    static List<Process> StartWorkers(string store, SweepHandle sweep) =>
        Enumerable.Range(0, 4).Select(_ => StoreWorker.Start(store, sweep.Id, "--sleep-ms", "5")).ToList();

    static async Task<int> WaitAll(List<Process> workers)
    {
        var ended = 0;
        foreach (var w in workers)
        {
            var lines = w.StandardOutput.ReadToEndAsync();
            var err = await w.StandardError.ReadToEndAsync();
            await w.WaitForExitAsync();
            Assert.True(w.ExitCode == 0, err[^Math.Min(err.Length, 3000)..]);
            ended += (await lines).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        }
        return ended;
    }

    static void AssertEveryPointExactlyOnce(string store, SweepHandle sweep, int endedByWorkers)
    {
        var state = new SweepStore(store).Open(sweep.Id).Refresh();
        var runs = state.Runs;
        Assert.Equal(Points, runs.Count);
        Assert.Equal(Points, runs.Select(r => $"{r.Config["a"]}/{r.Config["b"]}").Distinct().Count());
        Assert.Equal(Enumerable.Range(1, Points), runs.Select(r => r.Number).Order());
        Assert.All(runs, r => Assert.Equal(RunState.Finished, r.State));
        Assert.Equal(Points, endedByWorkers); // each run ended by exactly one agent, which said so once
        Assert.Equal(("finished", $"all {Points} grid points taken"), (state.State, state.StateReason));
    }

    [StoreFact(Timeout = 300_000)]
    public async Task Four_agent_processes_run_every_grid_point_exactly_once()
    {
        BlobTestServer.SignIn();
        var store = BlobTestServer.NewContainer();
        try
        {
            var sweep = new SweepStore(store).Create(Configs.Parse(Grid), Grid, seed: 1);
            var clock = Stopwatch.StartNew();
            var ended = await WaitAll(StartWorkers(store, sweep));
            output.WriteLine($"{Points} runs by 4 processes in {clock.Elapsed.TotalSeconds:0.0} s");
            AssertEveryPointExactlyOnce(store, sweep, ended);
        }
        finally { BlobTestServer.Drop(store); }
    }

    [StoreFact(Timeout = 300_000)]
    public async Task The_service_restarting_under_four_agent_processes_loses_nothing_and_doubles_nothing()
    {
        BlobTestServer.SignIn();
        using var azurite = new OwnAzurite();
        var store = $"{azurite.Account}/restart";
        var sweep = new SweepStore(store).Create(Configs.Parse(Grid), Grid, seed: 1);
        var watcher = new SweepStore(store).Open(sweep.Id);
        var workers = StartWorkers(store, sweep);
        while (watcher.Refresh().Runs.Count < Points / 5 && workers.Any(w => !w.HasExited)) await Task.Delay(20);
        var before = watcher.Refresh().Runs.Count;
        azurite.Stop();
        await Task.Delay(TimeSpan.FromSeconds(3));
        azurite.Start();
        var after = watcher.Refresh().Runs.Count;
        output.WriteLine($"Azurite restarted (down 3 s) at {before} runs, {after} when it was back");
        Assert.True(before < Points - 50, $"the agents had nearly finished ({before} runs) before the restart");
        var ended = await WaitAll(workers);
        AssertEveryPointExactlyOnce(store, sweep, ended);
    }
}
