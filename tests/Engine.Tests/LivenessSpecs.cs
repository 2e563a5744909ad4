using System.Text.Json;
using Sweeps.Engine.Agents;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;
using Sweeps.Engine.Store.Folder;

namespace Sweeps.Engine.Tests;

/// <summary>Who is alive: judged on the store's clock, by pid only where a pid means something, and tidied after.</summary>
public sealed class LivenessSpecs : IDisposable
{
    readonly TempStore _temp = new();
    const string Grid = "method: grid\nmetric: {name: loss}\nparameters:\n  x: {min: 1, max: 40}\n";

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(120)]
    [InlineData(-120)]
    public void The_store_clock_learns_how_far_the_local_clock_is_off_from_a_file_it_writes(int skewSeconds)
    {
        var clock = new StoreClock(new SkewedTime(TimeSpan.FromSeconds(skewSeconds)));
        Assert.False(clock.IsSampled);
        Directory.CreateDirectory(_temp.Root);
        clock.EnsureSampled(_temp.Root);
        Assert.True(clock.IsSampled);
        Assert.InRange((clock.UtcNow - DateTime.UtcNow).TotalSeconds, -5, 5);
    }

    [Fact]
    public void A_machine_whose_clock_is_two_minutes_ahead_does_not_judge_live_agents_dead()
    {
        var sweep = _temp.Create(Grid);
        using var alive = new Heartbeat(sweep.Backend, "alive-1-abcdefgh", TimeSpan.FromSeconds(5));
        var claim = sweep.Claim("alive-1-abcdefgh")!;
        var skewed = new SweepStore(_temp.Root, new StoreOptions { Time = new SkewedTime(TimeSpan.FromMinutes(2)) }).Open(sweep.Id);
        using var mine = new Heartbeat(skewed.Backend, "ahead-1-abcdefgh", TimeSpan.FromSeconds(5));
        Assert.NotNull(skewed.Claim(new ClaimRequest("ahead-1-abcdefgh", TimeSpan.FromSeconds(60))));
        Assert.Equal(RunState.Running, skewed.Refresh().Runs.Single(r => r.Id == claim.Run.Id).State);
        // Its events carry the store's time, not its own.
        Assert.InRange((skewed.Refresh().Runs.Last().Created - DateTimeOffset.UtcNow).TotalSeconds, -10, 10);
    }

    [Fact(Timeout = 120_000)]
    public async Task Agent_processes_with_clocks_two_minutes_apart_leave_each_others_runs_alone()
    {
        await Task.Yield();
        var sweep = _temp.Create(Grid);
        var workers = new[] { "0", "120", "-120" }.Select(skew =>
            StoreWorker.Start(_temp.Root, sweep.Id, "--clock-skew-s", skew, "--sleep-ms", "300", "--heartbeat-interval-ms", "500", "--heartbeat-timeout-ms", "10000")).ToList();
        foreach (var w in workers)
        {
            var err = await w.StandardError.ReadToEndAsync();
            await w.WaitForExitAsync();
            Assert.True(w.ExitCode == 0, err);
        }
        var runs = _temp.Store.Open(sweep.Id).Refresh().Runs;
        Assert.Equal(40, runs.Count);
        Assert.All(runs, r => Assert.Equal(RunState.Finished, r.State));
    }

    [Fact]
    public void An_agent_with_this_host_name_in_another_pid_namespace_is_judged_by_its_heartbeat_not_by_pid()
    {
        var sweep = _temp.Create(Grid);
        var claim = sweep.Claim("container-1-abcdefgh")!;
        var beat = sweep.HeartbeatPath("container-1-abcdefgh");
        Directory.CreateDirectory(Path.GetDirectoryName(beat)!);
        var stranger = ProcessIdentity.Current with { Machine = ProcessIdentity.Current.Machine + "-other-namespace", Pid = 999_999 };
        File.WriteAllBytes(beat, JsonSerializer.SerializeToUtf8Bytes(new FolderHeartbeats.Record(stranger)));
        Assert.NotNull(_temp.Store.Open(sweep.Id).Claim(new ClaimRequest("me-1-abcdefgh", TimeSpan.FromSeconds(60))));
        Assert.Equal(RunState.Running, sweep.Refresh().Runs.Single(r => r.Id == claim.Run.Id).State);
    }

    [Fact]
    public void A_dead_agents_heartbeat_file_is_removed_when_its_runs_are_marked_crashed()
    {
        var sweep = _temp.Create(Grid);
        var claim = sweep.Claim("gone-1-abcdefgh")!;
        var beat = sweep.HeartbeatPath("gone-1-abcdefgh");
        Directory.CreateDirectory(Path.GetDirectoryName(beat)!);
        File.WriteAllBytes(beat, JsonSerializer.SerializeToUtf8Bytes(new FolderHeartbeats.Record(ProcessIdentity.Current with { Pid = 999_999, ProcessStart = 1 })));
        Assert.NotNull(_temp.Store.Open(sweep.Id).Claim(new ClaimRequest("me-1-abcdefgh", TimeSpan.FromSeconds(60))));
        var crashed = sweep.Refresh().Runs.Single(r => r.Id == claim.Run.Id);
        Assert.Equal(RunState.Crashed, crashed.State);
        Assert.Contains("is gone", crashed.Error);
        Assert.False(File.Exists(beat));
    }
}
