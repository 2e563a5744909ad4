namespace Sweeps.Engine.Runs;

/// <summary>How a program is asked to stop before it is killed, so it can save a checkpoint.</summary>
internal enum GracefulStop
{
    /// <summary>SIGTERM to its process group (Unix).</summary>
    Terminate,
    /// <summary>Ctrl+Break to its own console process group (Windows, where the program was started in one).</summary>
    ConsoleBreak,
    /// <summary>No way to ask: killed at once.</summary>
    None,
}

internal static class GracefulStops
{
    /// <summary>
    /// Windows has no SIGTERM: a console program started in a process group of its own gets Ctrl+Break
    /// (GenerateConsoleCtrlEvent), which Python sees as SIGBREAK and .NET as Console.CancelKeyPress. Sent to a process
    /// that leads no group it could reach every process on the console, the agent's included, so without a group
    /// of its own (.NET before 10 cannot start one) a program is killed at once.
    /// </summary>
    public static GracefulStop For(bool windows, bool ownProcessGroup) =>
        !windows ? GracefulStop.Terminate : ownProcessGroup ? GracefulStop.ConsoleBreak : GracefulStop.None;
}
