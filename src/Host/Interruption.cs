using System.Management.Automation;
using System.Runtime.InteropServices;

namespace Sweeps.Host;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM (docker stop, a pod ending, a pipeline's cancel) while a verb runs: the first stops the
/// running cmdlet as pwsh's Ctrl+C does, so an agent ends its running runs as killed and records them, and the host
/// prints what it has and exits 130; a second Ctrl+C ends the process at once.
/// </summary>
sealed class Interruption : IDisposable
{
    readonly PowerShell _ps;
    readonly PosixSignalRegistration? _term;
    int _presses;

    public Interruption(PowerShell ps)
    {
        _ps = ps;
        Console.CancelKeyPress += OnCancelKey;
        if (!OperatingSystem.IsWindows()) _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnTerm);
    }

    /// <summary>Whether the verb was stopped by a signal.</summary>
    public bool Happened => Volatile.Read(ref _presses) > 0;

    void OnCancelKey(object? sender, ConsoleCancelEventArgs e)
    {
        if (Interlocked.Increment(ref _presses) > 1) return; // the second press: the process ends now
        e.Cancel = true;
        Stop("stopping (Ctrl+C again to quit at once)");
    }

    void OnTerm(PosixSignalContext context)
    {
        context.Cancel = true; // end as after Ctrl+C, not at once
        if (Interlocked.Increment(ref _presses) == 1) Stop("stopping on SIGTERM");
    }

    void Stop(string what)
    {
        Console.Error.WriteLine($"sweeps: {what}");
        _ps.BeginStop(null, null);
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKey;
        _term?.Dispose();
    }
}
