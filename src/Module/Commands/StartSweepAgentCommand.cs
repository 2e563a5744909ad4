using System.Management.Automation;
using Sweeps.Engine;
using Sweeps.Engine.Agents;

namespace Sweeps.Commands;

/// <summary>
/// Start-SweepAgent: claims runs of a sweep one after another and runs the training scriptblock for each,
/// writing each ended run to the pipeline as a result object.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "SweepAgent")]
[OutputType(ResultObject.TypeName)]
public sealed class StartSweepAgentCommand : SweepsCmdlet
{
    readonly CancellationTokenSource _stop = new();

    /// <summary>The sweep: an id, a name (wildcards allowed if it matches one sweep), or a sweep object from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The sweep id, name, or object.")]
    [ArgumentCompleter(typeof(SweepCompleter))]
    [ValidateNotNull]
    public object Sweep { get; set; } = "";

    /// <summary>The training code; it receives $Run (Id, Config, SweepId, Dir) as its first parameter.</summary>
    [Parameter(Mandatory = true, Position = 1, HelpMessage = "The training scriptblock; it receives $Run.")]
    [ValidateNotNull]
    public ScriptBlock? ScriptBlock { get; set; }

    /// <summary>The most runs this agent does; without it, the agent runs until the sweep has nothing left.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Count { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var (store, handle) = ResolveOneSweep(Sweep);
            var state = handle.Refresh();
            var agent = new SweepAgent(handle, new ScriptBlockLauncher(ScriptBlock!, state.Config.Metric), new AgentOptions { Count = Count });
            var done = 0;
            foreach (var run in agent.Run(_stop.Token))
            {
                done++;
                WriteObject(ResultObject.From(handle.Refresh(), run));
            }
            WriteVerbose($"Agent stopped after {done} run{(done == 1 ? "" : "s")}: {agent.StopReason}.");
            if (done == 0 && !_stop.IsCancellationRequested)
                WriteWarning($"Sweep {handle.Id} has no runs to give: {agent.StopReason}.");
            if (_stop.IsCancellationRequested) throw new PipelineStoppedException();
        }
        catch (SweepsException e)
        {
            WriteError(e, Sweep);
        }
    }

    protected override void StopProcessing() => _stop.Cancel();
}
