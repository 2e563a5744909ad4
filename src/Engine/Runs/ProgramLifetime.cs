using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Sweeps.Engine.Store;

namespace Sweeps.Engine.Runs;

/// <summary>
/// Ties a run's program to its agent, so a program never outlives the agent that runs it (an agent killed with
/// kill -9 would otherwise leave it writing into a run that is then marked crashed).
/// <list type="bullet">
/// <item>Linux: the program starts in its own session and process group (<c>setsid</c>) with a parent-death signal
/// (<c>setpriv --pdeathsig KILL</c>, util-linux): it is killed the moment the agent dies. Its group and identity
/// are recorded in the run's folder (<c>process.json</c>), and the agent that marks the run crashed ends whatever
/// is left of the group (grandchildren) when it runs on the same machine.</item>
/// <item>Windows: the program joins a job object that kills its processes when the agent's handle to it closes,
/// which the system does when the agent dies.</item>
/// <item>Elsewhere (macOS) the program is only recorded: the agent that marks the run crashed ends it.</item>
/// </list>
/// </summary>
internal static partial class ProgramLifetime
{
    const string RecordFile = "process.json";
    const int Sigkill = 9;

    static readonly string? Setsid = OperatingSystem.IsLinux() ? Executables.Find("setsid", "/") : null;
    static readonly string? Setpriv = OperatingSystem.IsLinux() ? Executables.Find("setpriv", "/") : null;

    /// <summary>Whether programs get their own process group here (their group is then signalled as a whole).</summary>
    public static bool OwnGroups => Setsid is not null;

    /// <summary>
    /// The argument array that starts <paramref name="argv"/> tied to this process. The program is resolved first,
    /// so a missing one is still reported as missing rather than as a failed run.
    /// </summary>
    public static List<string> Tie(IReadOnlyList<string> argv, string workingDirectory)
    {
        if (Setsid is null || argv.Count == 0) return [.. argv];
        var program = Executables.Find(argv[0], workingDirectory)
            ?? throw new SweepsException(SweepsErrorKind.ProgramNotFound, $"Cannot start '{argv[0]}': it is not a file and not on PATH.");
        List<string> tied = [Setsid];
        if (Setpriv is not null) tied.AddRange([Setpriv, "--pdeathsig", "KILL", "--"]);
        return [.. tied, program, .. argv.Skip(1)];
    }

    /// <summary>Called right after the program started: joins it to the agent's job (Windows) and records it.</summary>
    public static void Started(Process process, string runDirectory)
    {
        if (OperatingSystem.IsWindows()) WindowsJob.Adopt(process);
        try
        {
            var me = ProcessIdentity.Current;
            var record = new Record(me with { Pid = process.Id, ProcessStart = process.StartTime.ToUniversalTime().Ticks }, OwnGroups);
            File.WriteAllBytes(Path.Combine(runDirectory, RecordFile), JsonSerializer.SerializeToUtf8Bytes(record, StoreJson.Default.ProgramProcess));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException) { } // exited already
    }

    /// <summary>Sends a signal to the program and, when it has its own group, to everything it started.</summary>
    public static void Signal(Process process, int signal)
    {
        if (OperatingSystem.IsWindows()) return;
        if (OwnGroups) Kill(-process.Id, signal);
        Kill(process.Id, signal);
    }

    /// <summary>
    /// Ends what is left of a crashed run's program, when it ran on this machine: its group (or, without one, the
    /// program itself if it still runs). A recorded process that is not certainly the same one is left alone.
    /// </summary>
    public static void EndLeftovers(string runDirectory)
    {
        Record? record;
        try { record = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(runDirectory, RecordFile)), StoreJson.Default.ProgramProcess); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { return; }
        if (record?.Process is not { IsOnThisMachine: true } program || OperatingSystem.IsWindows()) return;
        var leaderRuns = ProcessIdentity.IsRunning(program.Pid, program.ProcessStart);
        if (record.OwnGroup)
        {
            // A group's number is not reused while any of its processes lives; a live process with that pid and
            // another start time means the group is gone and the number belongs to someone else.
            if (leaderRuns || !PidInUse(program.Pid)) Kill(-program.Pid, Sigkill);
        }
        else if (leaderRuns) Kill(program.Pid, Sigkill);
    }

    static bool PidInUse(int pid)
    {
        try { using var p = Process.GetProcessById(pid); return true; }
        catch (ArgumentException) { return false; }
    }

    static void Kill(int pid, int signal)
    {
        if (!OperatingSystem.IsWindows()) _ = SysKill(pid, signal); // a process already gone is no error here
    }

    /// <summary>What <c>process.json</c> holds: the program's process and whether it leads its own group.</summary>
    public sealed record Record(ProcessIdentity? Process, bool OwnGroup);

    [LibraryImport("libc", EntryPoint = "kill")] private static partial int SysKill(int pid, int signal);
}
