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
    const string Grid = "method: grid\nmetric: {name: loss}\nparameters:\n  a: {min: 1, max: 100}\n  b: {values: [p, q, r, s, t]}\n";
    const int Points = 500;

    readonly PostgresTestSchema _schema = new();

    public void Dispose() => _schema.Dispose();

    SweepHandle Create() => new SweepStore(_schema.ConnectionString).Create(Configs.Parse(Grid), Grid, seed: 1);

    List<Process> StartWorkers(SweepHandle sweep) =>
        Enumerable.Range(0, 4).Select(_ => StoreWorker.Start(_schema.ConnectionString, sweep.Id, "--sleep-ms", "5")).ToList();

    async Task<int> WaitAll(List<Process> workers)
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

    void AssertEveryPointExactlyOnce(SweepHandle sweep, int endedByWorkers)
    {
        var state = new SweepStore(_schema.ConnectionString).Open(sweep.Id).Refresh();
        var runs = state.Runs;
        Assert.Equal(Points, runs.Count);
        Assert.Equal(Points, runs.Select(r => $"{r.Config["a"]}/{r.Config["b"]}").Distinct().Count());
        Assert.Equal(Enumerable.Range(1, Points), runs.Select(r => r.Number).Order());
        Assert.All(runs, r => Assert.Equal(RunState.Finished, r.State));
        Assert.Equal(Points, endedByWorkers); // each run ended by exactly one agent, which said so once
        Assert.Equal(("finished", $"all {Points} grid points taken"), (state.State, state.StateReason));
    }

    [PostgresFact(Timeout = 300_000)]
    public async Task Four_agent_processes_run_every_grid_point_exactly_once()
    {
        await Task.Yield();
        var sweep = Create();
        var clock = Stopwatch.StartNew();
        var ended = await WaitAll(StartWorkers(sweep));
        output.WriteLine($"{Points} runs by 4 processes in {clock.Elapsed.TotalSeconds:0.0} s");
        AssertEveryPointExactlyOnce(sweep, ended);
    }

    [PostgresFact(Timeout = 300_000)]
    public async Task The_server_restarting_under_four_agent_processes_loses_nothing_and_doubles_nothing()
    {
        await Task.Yield();
        var sweep = Create();
        var watcher = new SweepStore(_schema.ConnectionString).Open(sweep.Id);
        var workers = StartWorkers(sweep);
        while (watcher.Refresh().Runs.Count < Points / 5 && workers.Any(w => !w.HasExited)) await Task.Delay(20);
        var before = watcher.Refresh().Runs.Count;
        PostgresTestServer.Restart(TimeSpan.FromSeconds(3));
        var after = watcher.Refresh().Runs.Count;
        output.WriteLine($"server restarted (down 3 s) at {before} runs, {after} when it was back");
        Assert.True(before < Points - 50, $"the agents had nearly finished ({before} runs) before the restart");
        var ended = await WaitAll(workers);
        AssertEveryPointExactlyOnce(sweep, ended);
    }
}
