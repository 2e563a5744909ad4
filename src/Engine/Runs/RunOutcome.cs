namespace Sweeps.Engine.Runs;

/// <summary>How a launched run ended, as the launcher saw it.</summary>
public sealed record RunOutcome(RunState State, string? Error = null, int? ExitCode = null)
{
    public static readonly RunOutcome Finished = new(RunState.Finished);
}
