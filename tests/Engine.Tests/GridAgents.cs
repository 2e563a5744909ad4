using System.Diagnostics;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;

namespace Sweeps.Engine.Tests;

/// <summary>
/// Four agent processes (tests/StoreWorker) on one 500-point grid sweep of a store, as on machines that share no disk,
/// and the check every store must pass: each point run exactly once, ended by one agent, none lost.
/// </summary>
public static class GridAgents
{
    public const string Grid = "method: grid\nmetric: {name: loss}\nparameters:\n  a: {min: 1, max: 100}\n  b: {values: [p, q, r, s, t]}\n";
    public const int Points = 500;

    public static SweepHandle Create(string store) => new SweepStore(store).Create(Configs.Parse(Grid), Grid, seed: 1);

    public static List<Process> Start(string store, SweepHandle sweep) =>
        Enumerable.Range(0, 4).Select(_ => StoreWorker.Start(store, sweep.Id, "--sleep-ms", "5")).ToList();

    /// <summary>Waits for every worker, each of which must succeed; returns how many runs they said they ended.</summary>
    public static async Task<int> WaitAll(List<Process> workers)
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

    public static void AssertEveryPointExactlyOnce(string store, SweepHandle sweep, int endedByWorkers)
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
}
