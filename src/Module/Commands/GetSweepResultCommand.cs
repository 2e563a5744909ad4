using System.Management.Automation;
using Sweeps.Engine;

namespace Sweeps.Commands;

/// <summary>Get-SweepResult: one object per run with its parameters and summary metrics as properties.</summary>
[Cmdlet(VerbsCommon.Get, "SweepResult")]
[OutputType(ResultObject.TypeName)]
public sealed class GetSweepResultCommand : SweepTargetCmdlet
{
    /// <summary>Only runs in these states.</summary>
    [Parameter]
    [ValidateSet("pending", "running", "finished", "failed", "crashed", "killed")]
    public string[]? State { get; set; }

    /// <summary>Only the N best runs by the sweep's metric and goal (runs without a value of the metric left out).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Top { get; set; }

    /// <summary>Only the best run (same as -Top 1).</summary>
    [Parameter]
    public SwitchParameter Best { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        try
        {
            foreach (var (_, handle) in ResolveSweeps(Sweep))
            {
                var state = handle.Observe();
                IEnumerable<Engine.Runs.RunRecord> runs = state.Runs;
                if (State is not null) runs = runs.Where(r => State.Contains(r.State.ToString(), StringComparer.OrdinalIgnoreCase));
                if (Best && state.Config.Metric is null)
                {
                    // W&B's best_run on a sweep without a metric: a warning and the most recent run.
                    WriteWarning($"Sweep '{state.Id}' has no metric to rank its runs by: the most recent run is returned.");
                    runs = runs.TakeLast(1);
                }
                else if (Best || Top is not null) runs = Engine.Results.Ranking.Best(state.Config, runs, Best ? 1 : Top!.Value);
                var results = runs.Select(run => ResultObject.From(state, run)).ToList();
                ResultView.Apply(this, results);
                foreach (var result in results) WriteObject(result);
            }
        }
        catch (SweepsException e)
        {
            WriteError(e, Sweep);
        }
    }
}
