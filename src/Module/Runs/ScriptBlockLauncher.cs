using System.Management.Automation;
using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;

namespace Sweeps;

/// <summary>
/// Runs a training scriptblock in the caller's runspace, on the pipeline thread, so it sees the caller's functions
/// and variables and its errors, warnings and host output reach the caller as usual. It receives <c>$Run</c>; each
/// hashtable or object it outputs is one history row as it comes, and a bare number is a value of the sweep's
/// metric. A throw fails the run and keeps the error; Ctrl+C kills it. <c>$using:name</c> works as in a throttled
/// agent, so a block can move between the two unchanged.
/// </summary>
internal sealed class ScriptBlockLauncher(ScriptBlock block, UsingVariables usings, MetricSpec? metric, PSCmdlet cmdlet) : IRunLauncher
{
    public bool RequiresCallerThread => true;

    // The block's output streams into the run's history while it runs. Its other streams are merged in and handed to
    // the cmdlet's streams there: invoked from a cmdlet, they would otherwise go past the caller to the host.
    // Created per agent, not once per process: a scriptblock binds to the session state it first runs in, and that
    // must be this caller's.
    const string WrapperText = "param($__sweepsBlock, $__sweepsRun, $__sweepsSink, $__sweepsUsing) " + UsingVariables.DefineVariables + "; & $__sweepsBlock $__sweepsRun *>&1 | & $__sweepsSink $__sweepsRun";
    const string SinkText = "param($__sweepsRun) process { $__sweepsRun.Log($_) }";
    ScriptBlock? _wrapper, _sink, _block; // created at the first run, inside this agent's call

    public RunOutcome Launch(RunContext run, CancellationToken cancel)
    {
        var info = new SweepRunInfo(run, metric, new CmdletStreams(cmdlet));
        var previous = SweepRunInfo.Current;
        SweepRunInfo.Current = info;
        try
        {
            _wrapper ??= ScriptBlock.Create(WrapperText);
            _sink ??= ScriptBlock.Create(SinkText);
            // Only a block with $using: references is re-created from its rewritten text; any other runs as given.
            // A block from a module is bound to that module again; a closure's captured variables are lost (documented).
            _block ??= usings.Any ? block.Module?.NewBoundScriptBlock(ScriptBlock.Create(usings.Text)) ?? ScriptBlock.Create(usings.Text) : block;
            _wrapper.Invoke(_block, info, _sink, usings.Values);
            return cancel.IsCancellationRequested ? new RunOutcome(RunState.Killed, "stopped by the user") : info.Finished(ownRunspace: false);
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

    internal static string Describe(ErrorRecord error) => error.Exception.Message + SweepRunInfo.Where(error);

}
