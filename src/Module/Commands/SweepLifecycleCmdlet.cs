using System.Management.Automation;
using Sweeps.Engine;
using Sweeps.Engine.Store;

namespace Sweeps.Commands;

/// <summary>What Suspend-, Resume- and Stop-Sweep share: the sweep by id, name or pipeline, -PassThru, and the change.</summary>
public abstract class SweepLifecycleCmdlet : SweepTargetCmdlet
{
    /// <summary>Writes the sweep after the change.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private protected abstract SweepTransition Transition { get; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        try
        {
            foreach (var (store, handle) in ResolveSweeps(Sweep))
            {
                var name = Printable.Text(handle.Refresh().Name);
                if (!ShouldProcess($"{handle.Id} ({name})", $"{Transition} the sweep")) continue;
                try
                {
                    var state = handle.Transition(Transition);
                    if (PassThru) WriteObject(SweepInfo.From(store, handle, state));
                }
                catch (SweepsException e)
                {
                    WriteError(e, handle.Id);
                }
            }
        }
        catch (SweepsException e)
        {
            WriteError(e, Sweep);
        }
    }
}
