using System.Collections;
using System.Management.Automation;
using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;

namespace Sweeps;

/// <summary>
/// Runs a training scriptblock in the caller's runspace, on the pipeline thread, so it sees the caller's functions
/// and variables. It receives <c>$Run</c>; each hashtable or object it outputs is one history row, and a bare number
/// is a value of the sweep's metric. A throw fails the run and keeps the error; Ctrl+C kills it.
/// </summary>
internal sealed class ScriptBlockLauncher(ScriptBlock block, MetricSpec? metric, PSCmdlet cmdlet) : IRunLauncher
{
    public RunOutcome Launch(RunContext run, CancellationToken cancel)
    {
        var info = new SweepRunInfo(run);
        var previous = SweepRunInfo.Current;
        SweepRunInfo.Current = info;
        using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddScript("param($__sweepsBlock, $__sweepsRun) & $__sweepsBlock $__sweepsRun", useLocalScope: true)
          .AddArgument(block).AddArgument(info);
        var output = new PSDataCollection<PSObject>();
        output.DataAdded += (_, e) => TakeOutput(info, output[e.Index]);
        ps.Streams.Error.DataAdded += (_, e) => cmdlet.WriteError(ps.Streams.Error[e.Index]);
        ps.Streams.Warning.DataAdded += (_, e) => cmdlet.WriteWarning(ps.Streams.Warning[e.Index].Message);
        ps.Streams.Verbose.DataAdded += (_, e) => cmdlet.WriteVerbose(ps.Streams.Verbose[e.Index].Message);
        ps.Streams.Debug.DataAdded += (_, e) => cmdlet.WriteDebug(ps.Streams.Debug[e.Index].Message);
        ps.Streams.Information.DataAdded += (_, e) => cmdlet.WriteInformation(ps.Streams.Information[e.Index]);
        using var stop = cancel.Register(() => ps.BeginStop(null, null));
        try
        {
            ps.Invoke(null, output);
            return cancel.IsCancellationRequested ? new RunOutcome(RunState.Killed, "stopped by the user") : RunOutcome.Finished;
        }
        catch (PipelineStoppedException)
        {
            return new RunOutcome(RunState.Killed, "stopped by the user");
        }
        catch (RuntimeException e)
        {
            return new RunOutcome(RunState.Failed, Describe(e.ErrorRecord));
        }
        finally
        {
            SweepRunInfo.Current = previous;
        }
    }

    void TakeOutput(SweepRunInfo run, PSObject item)
    {
        var value = item.BaseObject;
        if (value is IDictionary || value is PSCustomObject) run.Log(PowerShellValues.ToMap(item)!);
        else if (metric is not null && Engine.Space.TreeValue.AsDouble(PowerShellValues.ToTree(item)) is double number)
            run.Log(new Dictionary<string, object?> { [metric.Name] = number });
    }

    static string Describe(ErrorRecord error)
    {
        var where = error.InvocationInfo?.ScriptLineNumber is > 0 and var line
            ? $" (at {(string.IsNullOrEmpty(error.InvocationInfo.ScriptName) ? "line" : error.InvocationInfo.ScriptName + ":")}{(string.IsNullOrEmpty(error.InvocationInfo.ScriptName) ? " " : "")}{line})"
            : "";
        return error.Exception.Message + where;
    }
}
