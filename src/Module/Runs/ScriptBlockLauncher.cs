using System.Management.Automation;
using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;

namespace Sweeps;

/// <summary>
/// Runs a training scriptblock in the caller's runspace, on the pipeline thread, so it sees the caller's functions
/// and variables and its errors, warnings and host output reach the caller as usual. It receives <c>$Run</c>; each
/// hashtable or object it outputs is one history row as it comes, and a bare number is a value of the sweep's
/// metric. A throw fails the run and keeps the error; Ctrl+C kills it.
/// </summary>
internal sealed class ScriptBlockLauncher(ScriptBlock block, MetricSpec? metric) : IRunLauncher
{
    // Streams each output object into the run's history while the block is still running.
    static readonly ScriptBlock Wrapper = ScriptBlock.Create("param($__sweepsBlock, $__sweepsRun) & $__sweepsBlock $__sweepsRun | & { process { $__sweepsRun.Log($_) } }");

    public RunOutcome Launch(RunContext run, CancellationToken cancel)
    {
        var info = new SweepRunInfo(run, metric);
        var previous = SweepRunInfo.Current;
        SweepRunInfo.Current = info;
        try
        {
            Wrapper.Invoke(block, info);
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

    static string Describe(ErrorRecord error)
    {
        var info = error.InvocationInfo;
        if (info is null || info.ScriptLineNumber <= 0) return error.Exception.Message;
        var where = string.IsNullOrEmpty(info.ScriptName) ? $"line {info.ScriptLineNumber}" : $"{info.ScriptName}:{info.ScriptLineNumber}";
        return $"{error.Exception.Message} (at {where})";
    }
}
