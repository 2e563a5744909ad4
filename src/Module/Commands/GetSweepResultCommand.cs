using System.Management.Automation;
using Sweeps.Engine;

namespace Sweeps.Commands;

/// <summary>Get-SweepResult: one object per run with its parameters and summary metrics as properties.</summary>
[Cmdlet(VerbsCommon.Get, "SweepResult")]
[OutputType(ResultObject.TypeName)]
public sealed class GetSweepResultCommand : SweepsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The sweep id, name, or object.")]
    [ArgumentCompleter(typeof(SweepCompleter))]
    [ValidateNotNull]
    public object Sweep { get; set; } = "";

    protected override void ProcessRecord()
    {
        try
        {
            foreach (var (_, handle) in ResolveSweeps(Sweep))
            {
                var state = handle.Refresh();
                foreach (var run in state.Runs) WriteObject(ResultObject.From(state, run));
            }
        }
        catch (SweepsException e)
        {
            WriteError(e, Sweep);
        }
    }
}
