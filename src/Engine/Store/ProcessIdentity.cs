using System.Diagnostics;

namespace Sweeps.Engine.Store;

/// <summary>
/// A process, named precisely enough for another process to tell whether it still exists. A process id means
/// something only inside one pid namespace of one boot of one machine: containers share host names (docker
/// <c>--network host</c>) but not process ids, so <see cref="Machine"/> adds the boot id and the pid namespace on
/// Linux. Only a process on the same <see cref="Machine"/> can be checked by pid; anywhere else, liveness comes
/// from heartbeats alone.
/// </summary>
internal sealed record ProcessIdentity(string Host, string Machine, int Pid, long ProcessStart)
{
    /// <summary>This process.</summary>
    public static ProcessIdentity Current { get; } = Describe();

    /// <summary>True when this identity is of a process on this machine, where its pid can be checked.</summary>
    public bool IsOnThisMachine => Machine.Length > 0 && Machine == Current.Machine;

    /// <summary>True only when the process is certainly gone: it was on this machine and no longer runs.</summary>
    public bool IsKnownDead => IsOnThisMachine && !IsRunning(Pid, ProcessStart);

    static ProcessIdentity Describe()
    {
        using var me = Process.GetCurrentProcess();
        var host = Environment.MachineName;
        return new ProcessIdentity(host, MachineOf(host), Environment.ProcessId, me.StartTime.ToUniversalTime().Ticks);
    }

    static string MachineOf(string host)
    {
        if (!OperatingSystem.IsLinux()) return $"{host}|{Environment.OSVersion.Platform}";
        try
        {
            var boot = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
            var pidNamespace = new FileInfo("/proc/self/ns/pid").LinkTarget;
            return pidNamespace is null || boot.Length == 0 ? "" : $"{host}|{boot}|{pidNamespace}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ""; // cannot tell this machine apart from others of the same name: never judge by pid
        }
    }

    /// <summary>Whether the process with this pid and start time runs (on this machine).</summary>
    public static bool IsRunning(int pid, long startTicks)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            // .NET derives the start time from the boot clock, which jitters by microseconds between calls.
            return Math.Abs(p.StartTime.ToUniversalTime().Ticks - startTicks) < TimeSpan.TicksPerSecond;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
        catch (Exception) { return true; } // cannot tell: let the heartbeat decide
    }
}
