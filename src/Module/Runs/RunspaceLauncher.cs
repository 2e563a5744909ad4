using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;

namespace Sweeps;

/// <summary>
/// Runs a training scriptblock for parallel agents (-ThrottleLimit above 1): each worker thread has its own
/// runspace with the Sweeps module loaded, and the block is re-created there from its text (as ThreadJob and
/// ForEach-Object -Parallel do), so it cannot see the caller's variables or functions except through
/// <c>$using:name</c>; it starts in the caller's current location. Errors, warnings and host output of a run come back as lines of that run's output.
/// </summary>
internal sealed class RunspaceLauncher(UsingVariables block, MetricSpec? metric, string modulePath, string location) : IRunLauncher, IDisposable
{
    const string Wrapper = "param($__sweepsText, $__sweepsRun, $__sweepsUsing) " + UsingVariables.DefineVariables + "; & ([scriptblock]::Create($__sweepsText)) $__sweepsRun | & { process { $__sweepsRun.Log($_) } }";
    static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(10);
    readonly ThreadLocal<Runspace> _runspaces = new(() => Open(modulePath, location), trackAllValues: true);

    // Each runspace starts in the caller's current location, as ForEach-Object -Parallel does, so relative paths in
    // the block mean what they mean in the caller's session.
    static Runspace Open(string modulePath, string location)
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule([modulePath]);
        var rs = RunspaceFactory.CreateRunspace(iss);
        rs.ThreadOptions = PSThreadOptions.UseCurrentThread; // so SweepRunInfo.Current (thread-static) is this run
        rs.Open();
        rs.SessionStateProxy.Path.SetLocation(WildcardPattern.Escape(location));
        return rs;
    }

    public RunOutcome Launch(RunContext run, CancellationToken cancel)
    {
        var info = new SweepRunInfo(run, metric);
        SweepRunInfo.Current = info;
        using var ps = PowerShell.Create();
        ps.Runspace = _runspaces.Value;
        ps.AddScript(Wrapper).AddArgument(block.Text).AddArgument(info).AddArgument(block.Values);
        ps.Streams.Error.DataAdded += (_, e) =>
        {
            info.Saw(ps.Streams.Error[e.Index]);
            run.Output("error: " + ps.Streams.Error[e.Index]);
        };
        ps.Streams.Warning.DataAdded += (_, e) => run.Output("warning: " + ps.Streams.Warning[e.Index].Message);
        ps.Streams.Information.DataAdded += (_, e) => run.Output(ps.Streams.Information[e.Index].MessageData?.ToString() ?? "");
        using var stop = cancel.Register(() => ps.BeginStop(null, null));
        // Stopped early: cooperatively first ($Run.ShouldStop, the next metric throws), then forcibly; canceled: at once.
        using var early = run.StopRequested.Register(() => Task.Delay(run.StopAtOnce ? TimeSpan.Zero : GracePeriod).ContinueWith(_ =>
        {
            try { ps.BeginStop(null, null); }
            catch (ObjectDisposedException) { } // it ended within the grace period
        }));
        try
        {
            ps.Invoke();
            return cancel.IsCancellationRequested ? new RunOutcome(RunState.Killed, "stopped by the user") : info.Finished(ownRunspace: true);
        }
        catch (PipelineStoppedException)
        {
            return new RunOutcome(RunState.Killed, "stopped by the user");
        }
        catch (RuntimeException e)
        {
            return new RunOutcome(RunState.Failed, ScriptBlockLauncher.Describe(e.ErrorRecord));
        }
        finally
        {
            SweepRunInfo.Current = null;
        }
    }

    public void Dispose()
    {
        foreach (var rs in _runspaces.Values) rs.Dispose();
        _runspaces.Dispose();
    }
}
