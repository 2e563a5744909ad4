using System.Diagnostics;
using Sweeps.Engine.Agents;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;
using Sweeps.Engine.Store.Folder;

namespace Sweeps.Engine.Tests;

public sealed class AgentSpecs : IDisposable
{
    readonly TempStore _temp = new();
    const string Grid = "method: grid\nmetric: {name: loss}\nparameters:\n  x: {min: 1, max: 40}\n";

    public void Dispose() => _temp.Dispose();

    sealed class SlowLauncher(int ms) : IRunLauncher
    {
        int _running, _peak;
        public int Peak => _peak;

        public RunOutcome Launch(RunContext run, CancellationToken cancel)
        {
            var now = Interlocked.Increment(ref _running);
            lock (this) _peak = Math.Max(_peak, now);
            try
            {
                run.Log(new Dictionary<string, object?> { ["loss"] = (double)(long)run.Config["x"]! });
                return cancel.WaitHandle.WaitOne(ms) ? new RunOutcome(RunState.Killed, "stopped") : RunOutcome.Finished;
            }
            finally { Interlocked.Decrement(ref _running); }
        }
    }

    sealed class FailingLauncher : IRunLauncher
    {
        public RunOutcome Launch(RunContext run, CancellationToken cancel) => new(RunState.Failed, $"run {run.Number} diverged");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_throttled_agent_runs_that_many_at_once_and_keeps_its_count_exact()
    {
        await Task.Yield();
        var sweep = _temp.Create(Grid);
        var launcher = new SlowLauncher(100);
        var events = new SweepAgent(sweep, launcher, new AgentOptions { ThrottleLimit = 4, Count = 12 }).Run(CancellationToken.None).ToList();
        Assert.Equal(12, events.OfType<RunCompleted>().Count());
        Assert.Equal(4, launcher.Peak);
        Assert.Equal(12, sweep.Refresh().Runs.Count);
        // every run's start comes before its end, on the enumerating thread
        var order = events.Select(e => e switch { RunStarted s => "s" + s.Claim.Run.Id, RunCompleted c => "e" + c.Run.Id, _ => "" }).ToList();
        Assert.All(events.OfType<RunCompleted>(), c => Assert.True(order.IndexOf("s" + c.Run.Id) < order.IndexOf("e" + c.Run.Id)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancelling_a_throttled_agent_ends_every_running_run_as_killed()
    {
        await Task.Yield();
        var sweep = _temp.Create(Grid);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var ended = new SweepAgent(sweep, new SlowLauncher(30_000), new AgentOptions { ThrottleLimit = 3 }).Run(cancel.Token).OfType<RunCompleted>().ToList();
        Assert.Equal(3, ended.Count);
        Assert.All(ended, e => Assert.Equal(RunState.Killed, e.Run.State));
        Assert.All(_temp.Store.Open(sweep.Id).Refresh().Runs, r => Assert.Equal(RunState.Killed, r.State));
    }

    [Fact]
    public void An_agent_stops_when_its_first_runs_all_fail_and_says_why()
    {
        var sweep = _temp.Create(Grid);
        var agent = new SweepAgent(sweep, new FailingLauncher(), new AgentOptions());
        var ended = agent.Run(CancellationToken.None).OfType<RunCompleted>().ToList();
        Assert.Equal(3, ended.Count);
        Assert.True(agent.StoppedForFailures);
        Assert.Equal("the first 3 runs failed within 60 s of the start; the last error: run 3 diverged", agent.StopReason);
    }

    [Fact]
    public void An_agent_stops_after_the_configured_failures_in_a_row()
    {
        var sweep = _temp.Create(Grid);
        var agent = new SweepAgent(sweep, new FailingLauncher(), new AgentOptions { FlappingFailures = 0, MaxConsecutiveFailures = 5 });
        Assert.Equal(5, agent.Run(CancellationToken.None).OfType<RunCompleted>().Count());
        Assert.StartsWith("5 runs in a row failed", agent.StopReason);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_run_whose_agent_was_killed_becomes_crashed_and_can_be_retried()
    {
        await Task.Yield();
        var sweep = _temp.Create(Grid);
        using var victim = StoreWorker.Start(_temp.Root, sweep.Id, "--count", "1", "--sleep-ms", "60000");
        var line = await victim.StandardError.ReadLineAsync();
        Assert.StartsWith("started ", line);
        var orphan = line!["started ".Length..];
        victim.Kill(entireProcessTree: true); // kill -9: no chance to record anything
        await victim.WaitForExitAsync();
        Assert.Equal(RunState.Running, _temp.Store.Open(sweep.Id).Refresh().Runs.Single().State);

        using var rescuer = StoreWorker.Start(_temp.Root, sweep.Id, "--count", "1", "--retry-crashed", "--heartbeat-timeout-ms", "60000");
        await rescuer.StandardOutput.ReadToEndAsync();
        await rescuer.WaitForExitAsync();
        var runs = _temp.Store.Open(sweep.Id).Refresh().Runs;
        var crashed = runs.Single(r => r.Id == orphan);
        Assert.Equal(RunState.Crashed, crashed.State);
        Assert.Contains("is gone", crashed.Error);
        Assert.Equal(1.0, crashed.Summary["loss"]); // what it logged before dying is kept
        var retry = runs.Single(r => r.RetryOf == orphan);
        Assert.Equal((RunState.Finished, crashed.Config["x"]), (retry.State, retry.Config["x"]));
    }

    [Fact]
    public void A_silent_agent_on_another_host_is_judged_by_its_heartbeat_age()
    {
        var sweep = _temp.Create(Grid);
        var claim = sweep.Claim("elsewhere-1-abcd")!;
        var beat = sweep.HeartbeatPath("elsewhere-1-abcd");
        Directory.CreateDirectory(Path.GetDirectoryName(beat)!);
        File.WriteAllText(beat, "{\"Host\":\"another-host\",\"Pid\":1,\"ProcessStart\":1}");
        Assert.NotNull(sweep.Claim(new ClaimRequest("me", TimeSpan.FromSeconds(30))));
        Assert.Equal(RunState.Running, sweep.Refresh().Runs.Single(r => r.Id == claim.Run.Id).State);
        File.SetLastWriteTimeUtc(beat, DateTime.UtcNow.AddMinutes(-2));
        var other = _temp.Store.Open(sweep.Id); // another agent (one handle looks at most once a second)
        Assert.NotNull(other.Claim(new ClaimRequest("you", TimeSpan.FromSeconds(30))));
        var crashed = sweep.Refresh().Runs.Single(r => r.Id == claim.Run.Id);
        Assert.Equal(RunState.Crashed, crashed.State);
        Assert.Contains("sent no heartbeat for", crashed.Error);
    }

    [Fact(Timeout = 300_000)]
    public async Task Four_processes_with_four_workers_each_run_every_point_of_a_500_point_grid_exactly_once()
    {
        await Task.Yield();
        var sweep = _temp.Create("method: grid\nparameters:\n  a: {min: 1, max: 25}\n  b: {min: 1, max: 20}\n");
        var workers = Enumerable.Range(0, 4).Select(_ => StoreWorker.Start(_temp.Root, sweep.Id, "--throttle", "4")).ToList();
        var ids = new List<string>();
        foreach (var w in workers)
        {
            var stdout = w.StandardOutput.ReadToEndAsync();
            var stderr = w.StandardError.ReadToEndAsync();
            await w.WaitForExitAsync();
            Assert.True(w.ExitCode == 0, await stderr);
            ids.AddRange((await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        var state = _temp.Store.Open(sweep.Id).Refresh(); // the journal replays clean
        Assert.Equal(500, ids.Count);
        Assert.Equal(500, ids.Distinct().Count());
        Assert.Equal(500, state.Runs.Count);
        Assert.All(state.Runs, r => Assert.Equal(RunState.Finished, r.State));
        Assert.Equal(500, state.Runs.Select(r => $"{r.Config["a"]}/{r.Config["b"]}").Distinct().Count());
        Assert.Equal(("finished", "all 500 grid points taken"), (state.State, state.StateReason));
    }

    sealed class CurveLauncher : IRunLauncher
    {
        // loss = x + 1/step: the larger x, the worse the run at every step.
        public RunOutcome Launch(RunContext run, CancellationToken cancel)
        {
            var x = (double)(long)run.Config["x"]!;
            for (var step = 1; step <= 10 && !run.ShouldStop; step++)
            {
                run.Log(new Dictionary<string, object?> { ["loss"] = x + 1.0 / step });
                if (cancel.WaitHandle.WaitOne(60)) return new RunOutcome(RunState.Killed, "stopped");
            }
            return RunOutcome.Finished;
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Hyperband_stops_bad_runs_early_and_lets_good_ones_finish()
    {
        await Task.Yield();
        var sweep = _temp.Create("method: grid\nmetric: {name: loss}\nearly_terminate: {type: hyperband, min_iter: 2, eta: 2}\nparameters:\n  x: {min: 1, max: 6}\n");
        var agent = new SweepAgent(sweep, new CurveLauncher(), new AgentOptions { ThrottleLimit = 6, StopCheckInterval = TimeSpan.FromMilliseconds(40) });
        var runs = agent.Run(CancellationToken.None).OfType<RunCompleted>().Select(c => c.Run).ToDictionary(r => (long)r.Config["x"]!);
        Assert.Equal(6, runs.Count);
        Assert.Equal((RunState.Finished, 10L), (runs[1].State, runs[1].Steps));
        Assert.Equal(RunState.Killed, runs[6].State);
        Assert.True(runs[6].Steps < 10, $"run x=6 logged {runs[6].Steps} steps");
        Assert.StartsWith("hyperband: at iteration", runs[6].Error);
        Assert.True(runs.Values.Count(r => r.State == RunState.Killed) >= 3);
    }
}

/// <summary>
/// The agent's event collection outlives every thread that writes to it: a caller that stops listening early
/// (<c>Select-Object -First 1</c>) or a loop that ends as the last worker finishes must never meet it disposed. A
/// failure here is an unhandled exception on a background thread, which ends the test process (it ended pwsh before).
/// </summary>
public sealed class AgentShutdownStress
{
    sealed class InstantLauncher : IRunLauncher
    {
        public RunOutcome Launch(RunContext run, CancellationToken cancel)
        {
            run.Log(new Dictionary<string, object?> { ["loss"] = 1.0 });
            return cancel.IsCancellationRequested ? new RunOutcome(RunState.Killed, "stopped") : RunOutcome.Finished;
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Stopping_early_or_ending_as_the_last_worker_ends_never_meets_a_disposed_collection()
    {
        await Task.Yield();
        var store = new SweepStore(new Store.InMemory.InMemoryStore());
        var config = Configs.Parse("method: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n");
        for (var i = 0; i < 300; i++)
        {
            var sweep = store.Create(config);
            var first = new SweepAgent(sweep, new InstantLauncher(), new AgentOptions { ThrottleLimit = 3 }).Run(default).OfType<RunCompleted>().Take(1).ToList();
            Assert.Single(first);
            var whole = new SweepAgent(sweep, new InstantLauncher(), new AgentOptions { Count = 1 }).Run(default).OfType<RunCompleted>().ToList();
            Assert.Single(whole);
        }
        await Task.Delay(200); // a late write on a background thread would end the process meanwhile
    }
}

/// <summary>A run that finished without logging the sweep's metric is said, with the names it did log and the likely one.</summary>
public sealed class MissingMetricSpecs : IDisposable
{
    readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    sealed class Logs(params string[] names) : IRunLauncher
    {
        public RunOutcome Launch(RunContext run, CancellationToken cancel)
        {
            if (names.Length > 0) run.Log(names.ToDictionary(n => n, _ => (object?)0.5));
            return RunOutcome.Finished;
        }
    }

    string? Warning(params string[] logged)
    {
        var sweep = _temp.Create("method: grid\nmetric: {name: val_loss}\nparameters:\n  x: {values: [1]}\n");
        return new SweepAgent(sweep, new Logs(logged), new AgentOptions()).Run(default).OfType<RunCompleted>().Single().Warning;
    }

    [Fact]
    public void A_misspelt_metric_is_named_with_what_was_logged_and_the_likely_name()
    {
        var warning = Warning("val_los", "epoch");
        Assert.NotNull(warning);
        Assert.Contains("finished without logging the sweep's metric 'val_loss' (it logged: epoch, val_los); did you mean 'val_los'?", warning);
        Assert.Contains("(it logged nothing)", Warning());
        Assert.DoesNotContain("did you mean", Warning("accuracy"));
        Assert.Null(Warning("val_loss", "epoch"));
    }
}
