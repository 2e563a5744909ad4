using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Results;

/// <summary>Orders runs by the sweep's metric and goal, as W&amp;B's best_run does (by the summary value).</summary>
public static class Ranking
{
    /// <summary>The <paramref name="count"/> best runs that have a numeric value of the metric; ties keep run order.</summary>
    public static IEnumerable<RunRecord> Best(SweepConfig config, IEnumerable<RunRecord> runs, int count)
    {
        if (config.Metric is not MetricSpec metric)
            throw new SweepsException(SweepsErrorKind.InvalidArgument, "The sweep has no metric to rank its runs by.");
        var scored = runs.Select(r => (Run: r, Value: ResultColumns.MetricValue(config, r)))
            .Where(x => x.Value is double v && !double.IsNaN(v));
        var ordered = metric.Goal == MetricGoal.Maximize ? scored.OrderByDescending(x => x.Value) : scored.OrderBy(x => x.Value);
        return ordered.Take(count).Select(x => x.Run);
    }
}
