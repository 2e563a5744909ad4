using Sweeps.Engine.Runs;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Termination;

/// <summary>
/// A run as a stopping rule sees it: its state and the valid values of the sweep's metric, in the order logged
/// (an "iteration" is the k-th valid value, as in W&amp;B, not <c>_step</c> and not epochs).
/// </summary>
internal sealed record RunProgress(string RunId, RunState State, IReadOnlyList<double> Values)
{
    /// <summary>The valid values of <paramref name="metric"/> in history rows: numbers that are finite (not bool, null, strings).</summary>
    public static List<double> MetricValues(IEnumerable<IReadOnlyDictionary<string, object?>> history, string metric)
    {
        var values = new List<double>();
        foreach (var row in history)
            if (row.TryGetValue(metric, out var v) && TreeValue.AsDouble(v) is double d && double.IsFinite(d)) values.Add(d);
        return values;
    }
}
