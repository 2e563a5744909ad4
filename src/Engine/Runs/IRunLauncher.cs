namespace Sweeps.Engine.Runs;

/// <summary>Runs the training code for one run and says how it ended. Metrics go through <see cref="RunContext.Log"/>.</summary>
public interface IRunLauncher
{
    /// <summary>Runs to the end. When <paramref name="cancel"/> fires the run must stop and report <see cref="RunState.Killed"/>.</summary>
    RunOutcome Launch(RunContext run, CancellationToken cancel);

    /// <summary>True when runs must execute on the thread that enumerates the agent, one at a time.</summary>
    bool RequiresCallerThread => false;
}
