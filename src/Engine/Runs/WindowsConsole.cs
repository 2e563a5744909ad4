using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Sweeps.Engine.Runs;

/// <summary>Ctrl+Break for a program on Windows: its own console process group, and the event sent to that group alone.</summary>
[SupportedOSPlatform("windows")]
internal static partial class WindowsConsole
{
    const uint CtrlBreakEvent = 1;

    /// <summary>Starts the program in a process group of its own where .NET can (ProcessStartInfo.CreateNewProcessGroup, .NET 10); says whether it will.</summary>
    public static bool InOwnGroup(ProcessStartInfo psi)
    {
        // The module is built for .NET 8 (PowerShell 7.4), which lacks the property; PowerShell 7.6 and the host run on 10.
        var property = typeof(ProcessStartInfo).GetProperty("CreateNewProcessGroup");
        if (property is null || !property.CanWrite) return false;
        property.SetValue(psi, true);
        return true;
    }

    /// <summary>Sends Ctrl+Break to the program's group; false when it could not (no console shared with it).</summary>
    public static bool Break(Process process) => GenerateConsoleCtrlEvent(CtrlBreakEvent, (uint)process.Id);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GenerateConsoleCtrlEvent(uint ctrlEvent, uint processGroupId);
}
