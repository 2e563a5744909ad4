using System.Collections;
using System.Management.Automation;
using Sweeps.Engine;

namespace Sweeps.Commands;

/// <summary>Write-SweepMetric: appends one history row to the current run, like wandb.log.</summary>
[Cmdlet(VerbsCommunications.Write, "SweepMetric")]
[OutputType(typeof(void))]
public sealed class WriteSweepMetricCommand : PSCmdlet
{
    /// <summary>The metrics of this step: a hashtable (@{ epoch = 3; loss = 0.21 }) or an object whose properties are them ([pscustomobject]).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "A hashtable, or an object, of metric names to values.")]
    [ValidateNotNull]
    public PSObject? Metrics { get; set; }

    /// <summary>The run to log to; by default the run this scriptblock is executing.</summary>
    [Parameter]
    public SweepRunInfo? Run { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var run = Run ?? SweepRunInfo.Current;
        if (run is null)
        {
            WriteError(ErrorRecords.Create("NoActiveRun", ErrorCategory.InvalidOperation,
                "Write-SweepMetric logs to the run being executed: call it inside a Start-SweepAgent scriptblock, or pass -Run.", Metrics));
            return;
        }
        if (Metrics!.BaseObject is not (IDictionary or PSCustomObject))
        {
            WriteError(ErrorRecords.Create("InvalidMetricRow", ErrorCategory.InvalidArgument,
                $"Write-SweepMetric takes a hashtable or an object with properties (such as [pscustomobject]) of metric names to values, not a {Metrics.BaseObject.GetType().Name} ('{Engine.Printable.Text(Metrics.ToString())}').", Metrics));
            return;
        }
        try
        {
            run.Log(Metrics);
        }
        catch (SweepsException e) // a row that cannot be logged is this row's error; the run goes on
        {
            WriteError(ErrorRecords.From(e, Metrics));
        }
    }
}
