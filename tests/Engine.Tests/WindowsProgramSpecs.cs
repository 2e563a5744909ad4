using Sweeps.Engine.Agents;
using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Tests;

/// <summary>How programs are run on Windows, checked here with Windows' rules: Python, batch files, a graceful stop.</summary>
public sealed class WindowsProgramSpecs : IDisposable
{
    readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    static string[] Python(bool windows, Dictionary<string, string> env, string[] files, Dictionary<string, string> path) =>
        PythonInterpreter.Resolve(windows, name => env.GetValueOrDefault(name), files.Contains, name => path.GetValueOrDefault(name));

    const string StoreAlias = @"C:\Users\ada\AppData\Local\Microsoft\WindowsApps\python.exe";

    [Fact]
    public void Python_is_found_as_the_py_launcher_finds_it_and_never_as_the_store_alias()
    {
        var venv = new Dictionary<string, string> { ["VIRTUAL_ENV"] = @"C:\work\.venv" };
        Assert.Equal([@"C:\work\.venv\Scripts\python.exe"], Python(true, venv, [@"C:\work\.venv\Scripts\python.exe"], new() { ["py"] = @"C:\Windows\py.exe" }));
        Assert.Equal([@"C:\conda\envs\ml\python.exe"], Python(true, new() { ["CONDA_PREFIX"] = @"C:\conda\envs\ml\" }, [@"C:\conda\envs\ml\python.exe"], new()));
        Assert.Equal([@"C:\Windows\py.exe", "-3"], Python(true, new(), [], new() { ["py"] = @"C:\Windows\py.exe", ["python"] = StoreAlias }));
        Assert.Equal([@"C:\Python313\python.exe"], Python(true, new(), [], new() { ["python"] = @"C:\Python313\python.exe" }));
        Assert.Equal(["python"], Python(true, new(), [], new() { ["python"] = StoreAlias })); // left for Validate to name
        Assert.Equal(["python"], Python(true, venv, [], new())); // a venv without its python is not used
        Assert.Equal(["/home/ada/.venv/bin/python"], Python(false, new() { ["VIRTUAL_ENV"] = "/home/ada/.venv" }, ["/home/ada/.venv/bin/python"], new()));
        Assert.Equal(["python3"], Python(false, new(), [], new() { ["py"] = "/usr/bin/py" }));
        Assert.True(PythonInterpreter.IsStoreAlias(StoreAlias));
        Assert.False(PythonInterpreter.IsStoreAlias(@"C:\Python313\python.exe"));
    }

    [Theory]
    [InlineData("train.cmd", "--lr=0.001", null)]
    [InlineData("train.BAT", "--name=plain words", null)]
    [InlineData("train.py", "--cmd=a & calc", null)] // no cmd.exe in between: one literal argument
    [InlineData("train.cmd", "--cmd=a & calc", "--cmd=a & calc")]
    [InlineData(@"C:\x\train.bat", "--path=%PATH%", "--path=%PATH%")]
    [InlineData("train.cmd", "--q=\"x\"", "--q=\"x\"")]
    [InlineData("train.cmd", "--bang=hi!", "--bang=hi!")]
    public void A_batch_file_gets_no_argument_cmd_exe_would_interpret(string program, string argument, string? refused)
    {
        var problem = BatchFileArguments.Problem([program, argument]);
        if (refused is null) Assert.Null(problem);
        else Assert.StartsWith($"The argument '{refused}' cannot be passed safely to the batch file", problem);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_run_of_a_batch_file_with_a_hostile_value_fails_before_anything_starts_and_safe_values_are_not_refused()
    {
        await Task.Yield();
        Directory.CreateDirectory(_temp.Root);
        File.WriteAllText(Path.Combine(_temp.Root, "train.cmd"), "@echo off\r\n");
        var sweep = _temp.Create("method: grid\nprogram: train.cmd\nparameters:\n  cmd: {values: ['a & calc']}\n");
        var spec = new ExecutableSpec { Command = ["${program}", "${args}"], Program = "train.cmd", WorkingDirectory = _temp.Root };
        var run = new SweepAgent(sweep, new ProcessLauncher(spec), new AgentOptions { Count = 1 }).Run(default).OfType<RunCompleted>().Single().Run;
        Assert.Equal(RunState.Failed, run.State);
        Assert.StartsWith("The argument '--cmd=a & calc' cannot be passed safely to the batch file 'train.cmd'", run.Error);
        Assert.False(File.Exists(Path.Combine(sweep.Folder().RunDirectory(run.Id), "stdout.log"))); // never started
    }

    [Theory]
    [InlineData(false, false, nameof(GracefulStop.Terminate))]
    [InlineData(false, true, nameof(GracefulStop.Terminate))]
    [InlineData(true, true, nameof(GracefulStop.ConsoleBreak))]
    [InlineData(true, false, nameof(GracefulStop.None))]
    public void A_program_is_asked_to_stop_the_way_its_system_allows(bool windows, bool ownGroup, string expected) => // by name: the enum is internal
        Assert.Equal(Enum.Parse<GracefulStop>(expected), GracefulStops.For(windows, ownGroup));
}
