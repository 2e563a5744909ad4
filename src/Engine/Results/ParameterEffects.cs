using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Results;

/// <summary>How much one parameter matters to the sweep's metric, as W&amp;B's parameter importance panel shows it.</summary>
/// <param name="Parameter">The parameter's dotted name.</param>
/// <param name="Importance">The parameter's share of a random forest's impurity importance (all sum to 1).</param>
/// <param name="Correlation">Pearson correlation of the parameter's value with the metric; null for a categorical parameter or too few runs.</param>
/// <param name="Runs">The runs with a value of the metric that both figures come from.</param>
public sealed record ParameterEffect(string Parameter, double Importance, double? Correlation, int Runs);

/// <summary>Each searchable parameter's importance and correlation over the runs that have a value of the metric.</summary>
public static class ParameterEffects
{
    /// <summary>The effect of each searchable parameter over <paramref name="runs"/>, most important first.</summary>
    public static IReadOnlyList<ParameterEffect> Of(SweepConfig config, IReadOnlyList<RunRecord> runs)
    {
        if (config.Metric is null) return [];
        var leaves = config.Parameters.Searchable.ToList();
        var scored = runs.Select(r => (Run: r, Y: ResultColumns.MetricValue(config, r)))
            .Where(s => s.Y is double y && double.IsFinite(y)).Select(s => (s.Run, Y: s.Y!.Value)).ToList();
        var rows = scored.Select(s => leaves.Select(leaf => Encode(leaf, s.Run)).ToArray()).ToArray();
        var importance = ParameterImportance.Compute(rows, scored.Select(s => s.Y).ToArray());
        return leaves.Select((leaf, i) =>
        {
            var pairs = scored.Select(s => (X: ParameterSpace.TryGetValue(s.Run.Config, leaf, out var v) ? TreeValue.AsDouble(v) : null, s.Y))
                .Where(p => p.X is double).Select(p => (X: p.X!.Value, p.Y)).ToList();
            var r = pairs.Count >= 3 ? MathNet.Numerics.Statistics.Correlation.Pearson(pairs.Select(p => p.X), pairs.Select(p => p.Y)) : double.NaN;
            return new ParameterEffect(leaf.Name, importance.Length > i ? importance[i] : 0, double.IsFinite(r) ? r : null, scored.Count);
        }).ToList();
    }

    // A parameter as a number for the forest: its value, or the index of its value for a categorical one.
    static double Encode(Space.Parameter leaf, RunRecord run)
    {
        ParameterSpace.TryGetValue(run.Config, leaf, out var v);
        if (TreeValue.AsDouble(v) is double d && double.IsFinite(d)) return d;
        var key = TreeValue.Key(v);
        for (var i = 0; i < leaf.Values.Count; i++) if (TreeValue.Key(leaf.Values[i]) == key) return i;
        return -1;
    }
}
