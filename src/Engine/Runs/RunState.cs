namespace Sweeps.Engine.Runs;

/// <summary>W&amp;B's run states. Terminal: finished, failed, crashed, killed.</summary>
public enum RunState { Pending, Running, Finished, Failed, Crashed, Killed }

public static class RunStates
{
    public static bool IsTerminal(this RunState state) => state is RunState.Finished or RunState.Failed or RunState.Crashed or RunState.Killed;

    public static string ToName(this RunState state) => state.ToString().ToLowerInvariant();

    public static RunState Parse(string name) => Enum.Parse<RunState>(name, ignoreCase: true);
}
