using System.Management.Automation;
using Sweeps.Engine.Store;

namespace Sweeps.Commands;

/// <summary>Suspend-Sweep: pauses a sweep; its agents start no new runs (running runs go on) and wait.</summary>
[Cmdlet(VerbsLifecycle.Suspend, "Sweep", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(SweepInfo))]
public sealed class SuspendSweepCommand : SweepLifecycleCmdlet
{
    private protected override SweepTransition Transition => SweepTransition.Pause;
}
