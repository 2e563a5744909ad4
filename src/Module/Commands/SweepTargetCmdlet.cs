using System.Management.Automation;

namespace Sweeps.Commands;

/// <summary>A cmdlet that acts on sweeps given by id, by name (wildcards allowed), or as objects from the pipeline.</summary>
public abstract class SweepTargetCmdlet : SweepsCmdlet
{
    /// <summary>The sweep: an id, a name, or a sweep object from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The sweep id, name, or object.")]
    [ArgumentCompleter(typeof(SweepCompleter))]
    [ValidateNotNull]
    public object Sweep { get; set; } = "";
}
