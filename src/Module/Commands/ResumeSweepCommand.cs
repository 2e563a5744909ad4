using System.Management.Automation;
using Sweeps.Engine.Store;

namespace Sweeps.Commands;

/// <summary>Resume-Sweep: lets a paused (or stopped, or canceled) sweep start runs again.</summary>
[Cmdlet(VerbsLifecycle.Resume, "Sweep", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(SweepInfo))]
public sealed class ResumeSweepCommand : SweepLifecycleCmdlet
{
    private protected override SweepTransition Transition => SweepTransition.Resume;
}
