namespace Sweeps.Engine.Runs;

/// <summary>How a launched run ended, as the launcher saw it.</summary>
public sealed record RunOutcome(RunState State, string? Error = null, int? ExitCode = null)
{
    /// <summary>A run that finished without error.</summary>
    public static readonly RunOutcome Finished = new(RunState.Finished);
}
