using System.Diagnostics;
using System.Text.Json;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;
using Sweeps.Engine.Store.Folder;
using Xunit.Abstractions;

namespace Sweeps.Engine.Tests;

/// <summary>
/// Agent processes attacked as a user's machine attacks them: the lock holder frozen past the stale time and
/// resumed (SIGSTOP/SIGCONT, as a laptop sleep or a debugger does), agents killed at random while others claim, the
/// disk filled. Whatever happens, every grid point runs exactly once and the journal replays.
/// </summary>
public sealed class ChaosSpecs(ITestOutputHelper output) : IDisposable
{
    readonly TempStore _temp = new();
    const string Grid = "method: grid\nmetric: {name: loss}\nparameters:\n  a: {min: 1, max: 60}\n  b: {values: [p, q, r, s, t]}\n";
    const int Points = 300;

    // Short times, so a test can outlast them: a lock not renewed for 1.5 s is stale; an agent silent for 3 s is dead.
    static readonly string[] Fast = ["--sleep-ms", "20", "--lock-stale-ms", "1500", "--heartbeat-interval-ms", "300", "--heartbeat-timeout-ms", "3000"];

    public void Dispose() => _temp.Dispose();

    static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString()]);
        kill.WaitForExit();
    }

    static int? LockHolder(string lockPath)
    {
        try { return JsonSerializer.Deserialize<FileLock.Owner>(File.ReadAllBytes(lockPath))?.Process.Pid; }
        catch (Exception e) when (e is IOException or JsonException) { return null; }
    }

    // Freezes whichever worker holds the lock right now, past the stale time, then resumes it. False if none was caught.
    static bool PauseTheHolder(string lockPath, IReadOnlyCollection<Process> workers)
    {
        for (var look = 0; look < 400; look++)
        {
            if (LockHolder(lockPath) is int pid && workers.FirstOrDefault(w => !w.HasExited && w.Id == pid) is { } holder)
            {
                Signal(holder.Id, "STOP");
                if (LockHolder(lockPath) != pid) { Signal(holder.Id, "CONT"); continue; } // it let go first
                Thread.Sleep(2500);
                Signal(holder.Id, "CONT");
                return true;
            }
            Thread.Sleep(5);
        }
        return false;
    }

    void AssertEveryPointExactlyOnce(SweepHandle sweep)
    {
        var state = _temp.Store.Open(sweep.Id).Refresh(); // replays, or throws naming the damaged line
        var runs = state.Runs;
        Assert.Equal(Points, runs.Count(r => r.RetryOf is null));
        Assert.Equal(Points, runs.Where(r => r.RetryOf is null).Select(r => $"{r.Config["a"]}/{r.Config["b"]}").Distinct().Count());
        Assert.Equal(runs.Count, runs.Select(r => r.Number).Distinct().Count());
        Assert.DoesNotContain(runs, r => r.State == RunState.Running);
        Assert.Equal("finished", state.State);
        output.WriteLine($"{runs.Count(r => r.State == RunState.Finished)} finished, {runs.Count(r => r.State == RunState.Crashed)} crashed, {sweep.Folder().RejectedEvents} events of writers that had lost the lock ignored");
    }

    // Once every agent has stopped, one more claim marks the runs of killed agents crashed.
    async Task Sweep_up(SweepHandle sweep, string root)
    {
        await Task.Delay(3500);
        using var last = StoreWorker.Start(root, sweep.Id, Fast);
        var err = await last.StandardError.ReadToEndAsync();
        await last.WaitForExitAsync();
        Assert.True(last.ExitCode == 0, err);
    }

    [Fact(Timeout = 300_000)]
    public async Task Frozen_lock_holders_and_killed_agents_never_duplicate_a_grid_point_or_damage_the_journal()
    {
        await Task.Yield();
        var sweep = _temp.Create(Grid);
        var workers = Enumerable.Range(0, 4).Select(_ => StoreWorker.Start(_temp.Root, sweep.Id, Fast)).ToList();
        var killed = new HashSet<Process>();
        var random = new Random(7);
        var (paused, kills) = (0, 0);
        while (workers.Any(w => !w.HasExited) && (paused < 4 || kills < 4))
        {
            if (paused < 4 && PauseTheHolder(sweep.Folder().Lock.Path, workers)) paused++;
            if (kills < 4 && workers.Where(w => !w.HasExited).ToList() is { Count: > 0 } live)
            {
                var victim = live[random.Next(live.Count)];
                victim.Kill(); // SIGKILL: no cleanup at all
                killed.Add(victim);
                kills++;
                workers.Add(StoreWorker.Start(_temp.Root, sweep.Id, Fast));
            }
            await Task.Delay(200);
        }
        foreach (var w in workers.Where(w => !killed.Contains(w)))
        {
            var err = await w.StandardError.ReadToEndAsync();
            await w.WaitForExitAsync();
            Assert.True(w.ExitCode == 0, err);
        }
        await Sweep_up(sweep, _temp.Root);
        output.WriteLine($"{paused} lock holders frozen past the stale time, {kills} agents killed");
        Assert.True(paused > 0, "no lock holder was caught to freeze");
        AssertEveryPointExactlyOnce(sweep);
    }

    [SmallDiskFact(Timeout = 300_000)]
    public async Task Agents_on_a_disk_that_fills_up_stop_saying_so_and_the_sweep_goes_on_once_there_is_room()
    {
        await Task.Yield();
        using var disk = new SmallDisk(8 * 1024);
        var root = Path.Combine(disk.Root, "store");
        var store = new SweepStore(root);
        var sweep = store.Create(Configs.Parse(Grid), Grid, seed: 1);
        var workers = Enumerable.Range(0, 4).Select(_ => StoreWorker.Start(root, sweep.Id, Fast)).ToList();
        await Task.Delay(1500);
        var filler = disk.Fill();
        var failed = 0;
        foreach (var w in workers)
        {
            var err = await w.StandardError.ReadToEndAsync();
            await w.WaitForExitAsync();
            if (w.ExitCode == 0) continue;
            failed++;
            Assert.True(err.Contains("Disk full"), err[^Math.Min(err.Length, 3000)..]);
            Assert.Contains(root, err);
        }
        Assert.True(failed > 0, "the disk filled up while agents worked");
        Assert.Empty(Directory.GetFiles(sweep.Folder().Directory, "journal.lock*"));
        File.Delete(filler);
        var more = Enumerable.Range(0, 2).Select(_ => StoreWorker.Start(root, sweep.Id, Fast)).ToList();
        foreach (var w in more)
        {
            var err = await w.StandardError.ReadToEndAsync();
            await w.WaitForExitAsync();
            Assert.True(w.ExitCode == 0, err);
        }
        await Sweep_up(sweep, root);
        var state = store.Open(sweep.Id).Refresh();
        Assert.Equal(Points, state.Runs.Select(r => $"{r.Config["a"]}/{r.Config["b"]}").Distinct().Count());
        Assert.Equal(Points, state.Runs.Count);
        Assert.DoesNotContain(state.Runs, r => r.State == RunState.Running);
    }
}
