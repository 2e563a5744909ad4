using System.Management.Automation;
using Sweeps.Engine;
using Sweeps.Engine.Results;

namespace Sweeps.Commands;

/// <summary>
/// Get-SweepParameterImportance: W&amp;B's parameter importance panel as objects, one per searchable parameter, the
/// most important first: a random forest's impurity importance and the Pearson correlation with the metric.
/// </summary>
[Cmdlet(VerbsCommon.Get, "SweepParameterImportance")]
[OutputType(typeof(ParameterImportanceInfo))]
public sealed class GetSweepParameterImportanceCommand : SweepTargetCmdlet
{
    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        try
        {
            foreach (var (_, handle) in ResolveSweeps(Sweep))
            {
                var state = handle.Observe();
                if (state.Config.Metric is null)
                {
                    WriteWarning($"Sweep {handle.Id} has no metric: there is nothing to rank its parameters by.");
                    continue;
                }
                var effects = ParameterEffects.Of(state.Config, state.Runs);
                if (effects.Count > 0 && effects[0].Runs < 3)
                    WriteWarning($"Sweep {handle.Id} has {effects[0].Runs} run(s) with a value of {state.Config.Metric.Name}: importance needs at least 3.");
                foreach (var effect in effects.OrderByDescending(e => e.Importance))
                    WriteObject(new ParameterImportanceInfo
                    {
                        SweepId = handle.Id, Parameter = effect.Parameter, Importance = effect.Importance,
                        Correlation = effect.Correlation, Runs = effect.Runs,
                    });
            }
        }
        catch (SweepsException e)
        {
            WriteError(e, Sweep);
        }
    }
}
