using System.Diagnostics;
using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Tests;

/// <summary>A program never outlives its agent: killed with it, and what it started ended by the next agent.</summary>
public sealed class ProgramLifetimeSpecs : IDisposable
{
    readonly TempStore _temp = new();
    const string OneRun = "method: grid\nparameters:\n  x: {values: [1]}\n";

    public void Dispose() => _temp.Dispose();

    static bool Runs(int pid)
    {
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
    }

    // Waits for a condition that the behaviour under test makes true at once; the bound only keeps a broken build
    // from hanging (the programs here would run for two minutes on their own).
    static bool Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 300; i++)
        {
            if (condition()) return true;
            Thread.Sleep(100);
        }
        return false;
    }

    static int ReadPid(string path)
    {
        Assert.True(Eventually(() => File.Exists(path) && File.ReadAllText(path).Length > 0), $"{path} was not written");
        return int.Parse(File.ReadAllText(path));
    }

    (Process Agent, string RunDir) StartProgramAgent(params string[] programArgs)
    {
        var sweep = _temp.Create(OneRun);
        var agent = StoreWorker.Start(_temp.Root, sweep.Id, ["--heartbeat-interval-ms", "300", "--heartbeat-timeout-ms", "3000", "--program", TestPrograms.TrainingProgram, "--epochs=600", "--sleep-ms=200", .. programArgs]);
        Assert.True(Eventually(() => sweep.Refresh().Runs.Count == 1), "the agent claimed its run");
        return (agent, sweep.Folder().RunDirectory(sweep.Refresh().Runs[0].Id));
    }

    [LinuxFact]
    public void A_program_dies_with_its_agent_when_the_agent_is_killed()
    {
        var (agent, dir) = StartProgramAgent();
        var program = ReadPid(Path.Combine(dir, "program.pid"));
        Assert.True(Runs(program));
        agent.Kill(); // SIGKILL: the agent can clean nothing up
        agent.WaitForExit();
        Assert.True(Eventually(() => !Runs(program)), $"program {program} outlived its agent");
    }

    [LinuxFact]
    public void What_a_program_started_is_ended_by_the_agent_that_marks_its_run_crashed()
    {
        var (agent, dir) = StartProgramAgent("--spawn-child");
        var child = ReadPid(Path.Combine(dir, "child.pid"));
        agent.Kill();
        agent.WaitForExit();
        Assert.True(Runs(child), "a grandchild is not ended by the agent's death itself");
        var sweepId = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(dir)))!;
        using var next = StoreWorker.Start(_temp.Root, sweepId);
        next.WaitForExit();
        Assert.Equal(RunState.Crashed, _temp.Store.Open(sweepId).Refresh().Runs.Single().State);
        Assert.True(Eventually(() => !Runs(child)), $"process {child} that the crashed run's program started still runs");
    }
}

/// <summary>A fact about Linux process behaviour: skipped, saying so, elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "Linux process groups and parent-death signals";
    }
}
