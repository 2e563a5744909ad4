namespace Sweeps.Engine.Runs;

/// <summary>W&amp;B's run states. Terminal: finished, failed, crashed, killed.</summary>
public enum RunState { Pending, Running, Finished, Failed, Crashed, Killed }

public static class RunStates
{
    internal static bool IsTerminal(this RunState state) => state is RunState.Finished or RunState.Failed or RunState.Crashed or RunState.Killed;

    public static string ToName(this RunState state) => state.ToString().ToLowerInvariant();

    /// <summary>Parses a state name; throws <see cref="FormatException"/> for anything else.</summary>
    public static RunState Parse(string name) =>
        Enum.TryParse<RunState>(name, ignoreCase: true, out var state) && Enum.IsDefined(state) && !char.IsDigit(name[0])
            ? state : throw new FormatException($"'{name}' is not a run state");
}
