namespace Sweeps.Engine.Runs;

/// <summary>W&amp;B's run states. Terminal: finished, failed, crashed, killed.</summary>
public enum RunState
{
    /// <summary>Not started yet.</summary>
    Pending,
    /// <summary>Claimed by an agent and not ended.</summary>
    Running,
    /// <summary>Ended normally.</summary>
    Finished,
    /// <summary>Ended with an error of its own (an exception, a non-zero exit code).</summary>
    Failed,
    /// <summary>Its agent died or lost it before it ended.</summary>
    Crashed,
    /// <summary>Stopped from outside: early termination or a canceled sweep.</summary>
    Killed,
}

/// <summary>Run state names as the journal and W&amp;B write them.</summary>
public static class RunStates
{
    internal static bool IsTerminal(this RunState state) => state is RunState.Finished or RunState.Failed or RunState.Crashed or RunState.Killed;

    /// <summary>The state's name in lower case, as W&amp;B writes it (<c>finished</c>).</summary>
    public static string ToName(this RunState state) => state.ToString().ToLowerInvariant();

    /// <summary>Parses a state name; throws <see cref="FormatException"/> for anything else.</summary>
    public static RunState Parse(string name) =>
        Enum.TryParse<RunState>(name, ignoreCase: true, out var state) && Enum.IsDefined(state) && !char.IsDigit(name[0])
            ? state : throw new FormatException($"'{name}' is not a run state");
}
