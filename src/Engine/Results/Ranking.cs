using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Results;

/// <summary>
/// The one rule for "best" in every view (Get-Sweep's Best, Get-SweepResult -Best and -Top, the agent's progress, the
/// report, the pipeline summaries): among <b>finished</b> runs with a numeric value of the metric (its summary value,
/// as W&amp;B's best_run reads it), the best by the goal; ties keep run order. A killed, failed or crashed run is never
/// best: its value is partial.
/// </summary>
public static class Ranking
{
    /// <summary>The <paramref name="count"/> best runs by the rule above; throws when the sweep has no metric.</summary>
    public static IEnumerable<RunRecord> Best(SweepConfig config, IEnumerable<RunRecord> runs, int count)
    {
        if (config.Metric is not MetricSpec metric)
            throw new SweepsException(SweepsErrorKind.InvalidArgument, "The sweep has no metric to rank its runs by.");
        var scored = runs.Where(r => r.State == RunState.Finished).Select(r => (Run: r, Value: ResultColumns.MetricValue(config, r)))
            .Where(x => x.Value is double v && !double.IsNaN(v));
        var ordered = metric.Goal == MetricGoal.Maximize ? scored.OrderByDescending(x => x.Value) : scored.OrderBy(x => x.Value);
        return ordered.Take(count).Select(x => x.Run);
    }

    /// <summary>The best run by the rule above, or null when there is none or the sweep has no metric.</summary>
    public static RunRecord? BestOrNull(SweepConfig config, IEnumerable<RunRecord> runs) =>
        config.Metric is null ? null : Best(config, runs, 1).FirstOrDefault();
}
