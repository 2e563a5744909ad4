using System.Management.Automation;
using Sweeps.Engine;

namespace Sweeps.Commands;

/// <summary>Remove-Sweep: deletes a sweep and everything its runs wrote.</summary>
[Cmdlet(VerbsCommon.Remove, "Sweep", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveSweepCommand : SweepTargetCmdlet
{
    /// <summary>Removes the sweep even while an agent is working on it.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        try
        {
            foreach (var (store, handle) in ResolveSweeps(Sweep).ToList())
            {
                var state = handle.Refresh();
                if (!ShouldProcess($"{handle.Id} ({Printable.Text(state.Name)}, {state.Runs.Count} runs)", "Remove the sweep and all its runs")) continue;
                try { store.Remove(handle, Force); }
                catch (SweepsException e) { WriteError(e, handle.Id); }
            }
        }
        catch (SweepsException e)
        {
            WriteError(e, Sweep);
        }
    }
}
