using System.Management.Automation;
using Sweeps.Engine;

namespace Sweeps.Commands;

/// <summary>Get-Sweep: the sweeps in the store, all of them or by id or name (wildcards allowed).</summary>
[Cmdlet(VerbsCommon.Get, "Sweep")]
[OutputType(typeof(SweepInfo))]
public sealed class GetSweepCommand : SweepsCmdlet
{
    /// <summary>The sweeps' ids or names (wildcards allowed); all of them when none is given.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "Sweep")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(SweepCompleter))]
    public string[]? Id { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        foreach (var item in Id ?? ["*"])
        {
            try
            {
                foreach (var (store, handle) in ResolveSweeps(item))
                    WriteObject(SweepInfo.From(store, handle, handle.Observe()));
            }
            catch (SweepsException e)
            {
                WriteError(e, item);
            }
        }
    }
}
