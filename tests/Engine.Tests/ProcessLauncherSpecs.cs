using System.Diagnostics;
using System.Text.Json;
using Sweeps.Engine.Agents;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;
using Sweeps.Engine.Store.Folder;

namespace Sweeps.Engine.Tests;

public sealed class ProcessLauncherSpecs : IDisposable
{
    readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    ExecutableSpec Spec(params string[] extra) => new()
    {
        Command = ["dotnet", TestPrograms.TrainingProgram, "${args}", .. extra],
        WorkingDirectory = _temp.Root,
        GracePeriod = TimeSpan.FromSeconds(2),
    };

    (RunRecord Run, string Dir) RunOne(string yaml, ExecutableSpec spec, CancellationToken cancel = default, List<string>? output = null)
    {
        var sweep = _temp.Create(yaml);
        var agent = new SweepAgent(sweep, new ProcessLauncher(spec), new AgentOptions { Count = 1 });
        RunRecord? run = null;
        foreach (var e in agent.Run(cancel))
        {
            if (e is RunOutput o) output?.Add(o.Line);
            if (e is RunCompleted c) run = c.Run;
        }
        return (run!, sweep.Folder().RunDirectory(run!.Id));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_program_that_floods_stderr_fails_with_a_bounded_error_and_a_small_journal_and_keeps_it_all_in_its_log()
    {
        await Task.Yield();
        var (run, dir) = RunOne("method: grid\nparameters:\n  x: {values: [1]}\n", Spec("--exit=3", "--stderr-bytes=5000000"));
        Assert.Equal(RunState.Failed, run.State);
        Assert.StartsWith("exit code 3: eee", run.Error);
        Assert.InRange(run.Error!.Length, Limits.MaxErrorChars, Limits.MaxErrorChars + 200);
        Assert.Contains("characters left out here; the whole text is in the run's logs", run.Error);
        Assert.True(new FileInfo(Path.Combine(dir, "stderr.log")).Length >= 5_000_000);
        Assert.True(new FileInfo(Path.Combine(dir, "..", "..", FolderSweep.JournalFile)).Length < 64 * 1024);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_program_reports_metrics_through_the_file_and_stdout_and_keeps_its_output()
    {
        await Task.Yield();
        var output = new List<string>();
        var (run, dir) = RunOne("method: grid\nmetric: {name: loss}\nparameters:\n  x: {values: [2.0]}\n  epochs: {value: 4}\n", Spec(), output: output);
        Assert.Equal(RunState.Finished, run.State);
        Assert.Equal(4L, run.Steps);
        Assert.Equal(0.5, run.Summary["loss"]);
        Assert.Equal(4L, run.Summary["epoch"]);
        var history = File.ReadAllLines(Path.Combine(dir, FolderSweep.HistoryFile)).Select(l => Space.TreeJson.ParseObject(System.Text.Encoding.UTF8.GetBytes(l))!).ToList();
        Assert.Equal(new object?[] { 1L, 2L, 3L, 4L }, history.Select(h => h["epoch"]).Order());
        Assert.Contains("epoch 4 done", File.ReadAllText(Path.Combine(dir, "stdout.log")));
        Assert.Contains("epoch 4 done", output);
        Assert.DoesNotContain(output, l => l.StartsWith("@sweeps"));
        var env = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(dir, "env.json")))!;
        Assert.Equal(run.Id, env["SWEEPS_RUN_ID"]);
        Assert.Equal(dir, env["SWEEPS_RUN_DIR"]);
        Assert.Equal("""{"epochs": 4, "x": 2.0}""", File.ReadAllText(env["SWEEPS_PARAMS_FILE"]));
        Assert.Equal(run.Id, env["WANDB_RUN_ID"]);
        Assert.Equal(_temp.Root, env["WANDB_DIR"]); // W&B's agent: its working directory, unless set
        Assert.Equal("wandb_version: 1\n\nepochs:\n  value: 4\nx:\n  value: 2.0\n", File.ReadAllText(env["WANDB_SWEEP_PARAM_PATH"]));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_grid_value_nan_reaches_the_program_as_a_float_not_a_string()
    {
        await Task.Yield();
        var (run, dir) = RunOne("method: grid\nparameters:\n  x: {values: [.nan]}\n  s: {value: 'NaN'}\n", Spec());
        Assert.Equal(RunState.Finished, run.State);
        Assert.True(run.Config["x"] is double d && double.IsNaN(d));
        Assert.Equal("NaN", run.Config["s"]);
        var argv = JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(dir, "argv.json")))!;
        Assert.Equal(new[] { "--s=NaN", "--x=nan" }, argv); // Python's str(float('nan')), as W&B's agent passes it
        var env = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(dir, "env.json")))!;
        Assert.Equal("wandb_version: 1\n\ns:\n  value: NaN\nx:\n  value: .nan\n", File.ReadAllText(env["WANDB_SWEEP_PARAM_PATH"]));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_parameter_value_reaches_the_program_as_one_literal_argument()
    {
        await Task.Yield();
        var (run, dir) = RunOne("method: grid\nparameters:\n  cmd: {values: ['a; rm -rf ~', '$(whoami) `id` \"q\" * ?']}\n", Spec());
        Assert.Equal(RunState.Finished, run.State);
        var argv = JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(dir, "argv.json")))!;
        Assert.Equal(new[] { "--cmd=a; rm -rf ~" }, argv);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_failing_program_keeps_its_exit_code_and_the_tail_of_stderr()
    {
        await Task.Yield();
        var (run, dir) = RunOne("method: grid\nparameters:\n  exit: {value: 3}\n  stderr: {value: 'out of memory'}\n", Spec());
        Assert.Equal(RunState.Failed, run.State);
        Assert.Equal(3, run.ExitCode);
        Assert.Equal("exit code 3: out of memory", run.Error);
        Assert.Contains("out of memory", File.ReadAllText(Path.Combine(dir, "stderr.log")));
    }

    [Fact(Timeout = 60_000)]
    public async Task Stopping_sends_sigterm_and_the_run_ends_killed()
    {
        await Task.Yield();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var clock = Stopwatch.StartNew();
        var (run, dir) = RunOne("method: grid\nparameters:\n  epochs: {value: 1000}\n  sleep-ms: {value: 50}\n", Spec(), cancel.Token);
        Assert.Equal(RunState.Killed, run.State);
        Assert.Contains("terminated", File.ReadAllText(Path.Combine(dir, "stdout.log")));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_program_that_ignores_sigterm_is_killed_after_the_grace_period()
    {
        await Task.Yield();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var (run, dir) = RunOne("method: grid\nparameters:\n  epochs: {value: 1000}\n  sleep-ms: {value: 50}\n", Spec("--ignore-term"), cancel.Token);
        Assert.Equal(RunState.Killed, run.State);
        Assert.DoesNotContain("terminated", File.ReadAllText(Path.Combine(dir, "stdout.log")));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(137, RunState.Killed, "killed by SIGKILL (exit code 137)")] // the OOM killer, kill -9
    [InlineData(143, RunState.Killed, "killed by SIGTERM (exit code 143)")] // a stop, a pod's end
    [InlineData(130, RunState.Killed, "killed by SIGINT (exit code 130)")]  // the user's Ctrl+C
    [InlineData(139, RunState.Failed, "exit code 139")]                     // its own crash: SIGSEGV
    public async Task A_program_ended_by_a_signal_from_outside_is_killed_and_its_own_crash_is_a_failure(int code, RunState state, string error)
    {
        await Task.Yield();
        var (run, _) = RunOne($"method: grid\nparameters:\n  exit: {{value: {code}}}\n", Spec());
        Assert.Equal(state, run.State);
        Assert.Equal(error, run.Error);
        Assert.Equal(code, run.ExitCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Runs_ended_by_a_signal_do_not_count_toward_the_failure_policy()
    {
        await Task.Yield();
        var sweep = _temp.Create("method: grid\nparameters:\n  exit: {value: 137}\n  n: {values: [1, 2, 3, 4]}\n");
        var agent = new SweepAgent(sweep, new ProcessLauncher(Spec()), new AgentOptions { MaxConsecutiveFailures = 2, FlappingFailures = 2 });
        var runs = agent.Run(default).OfType<RunCompleted>().Select(c => c.Run).ToList();
        Assert.Equal(4, runs.Count);
        Assert.All(runs, r => Assert.Equal(RunState.Killed, r.State));
        Assert.False(agent.StoppedForFailures);
    }

    [Fact(Timeout = 60_000)]
    public async Task Canceling_the_sweep_kills_a_program_at_once_where_early_termination_and_ctrl_c_send_sigterm_first()
    {
        await Task.Yield();
        var sweep = _temp.Create("method: grid\nparameters:\n  epochs: {value: 100000}\n  sleep-ms: {value: 50}\n");
        var agent = new SweepAgent(sweep, new ProcessLauncher(Spec() with { GracePeriod = TimeSpan.FromSeconds(30) }), new AgentOptions { Count = 1 });
        var running = Task.Run(() => agent.Run(default).OfType<RunCompleted>().Single().Run);
        while (_temp.Store.Open(sweep.Id).Snapshot().Runs is not [{ State: RunState.Running }]) await Task.Delay(100);
        _temp.Store.Open(sweep.Id).Transition(SweepTransition.Cancel);
        var run = await running;
        Assert.Equal(RunState.Killed, run.State);
        Assert.Equal("the sweep was canceled", run.Error);
        // The test program prints "terminated" on SIGTERM; SIGKILL gives it no chance (nor the 30 s grace period).
        Assert.DoesNotContain("terminated", File.ReadAllText(Path.Combine(sweep.Folder().RunDirectory(run.Id), "stdout.log")));
    }

    [Fact]
    public void A_missing_program_or_interpreter_is_an_error_before_anything_runs()
    {
        var nowhere = new ExecutableSpec { Command = ["dotnet", "--version"], WorkingDirectory = Path.Combine(_temp.Root, "gone") };
        Assert.Contains("working directory", Assert.Throws<SweepsException>(nowhere.Validate).Message);
        Directory.CreateDirectory(_temp.Root);
        var missing = new ExecutableSpec { Program = "nope.py", WorkingDirectory = _temp.Root };
        var e = Assert.Throws<SweepsException>(missing.Validate);
        Assert.Equal((SweepsErrorKind.ProgramNotFound, true), (e.Kind, e.Message.Contains("'nope.py' does not exist")));
        File.WriteAllText(Path.Combine(_temp.Root, "train.zz"), "");
        var noInterpreter = new ExecutableSpec { Command = ["no-such-interpreter-xyz", "${program}"], Program = "train.zz", WorkingDirectory = _temp.Root };
        Assert.Contains("Cannot find 'no-such-interpreter-xyz'", Assert.Throws<SweepsException>(noInterpreter.Validate).Message);
        var noProgramKey = new ExecutableSpec { WorkingDirectory = _temp.Root };
        Assert.Contains("no 'program'", Assert.Throws<SweepsException>(noProgramKey.Validate).Message);
        new ExecutableSpec { Command = ["dotnet", "--version"], WorkingDirectory = _temp.Root }.Validate();
    }
}
