using System.Management.Automation;
using Sweeps.Engine.Store;

namespace Sweeps.Commands;

/// <summary>Stop-Sweep: finishes a sweep (no new runs, running runs finish), or with -Cancel cancels it (running runs are killed).</summary>
[Cmdlet(VerbsLifecycle.Stop, "Sweep", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SweepInfo))]
public sealed class StopSweepCommand : SweepLifecycleCmdlet
{
    /// <summary>Cancel: running runs are killed too.</summary>
    [Parameter]
    public SwitchParameter Cancel { get; set; }

    private protected override SweepTransition Transition => Cancel ? SweepTransition.Cancel : SweepTransition.Stop;
}
