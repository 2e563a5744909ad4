using System.Runtime.CompilerServices;
using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Search;

/// <summary>
/// W&amp;B's grid search: the product of every parameter's values, parameters in name order with the last
/// varying fastest, values in written order. A point any run already has (whatever its state) is skipped,
/// duplicates count once, and when every point is taken the grid is exhausted.
/// </summary>
internal sealed class GridSearch : ISearchMethod
{
    public Suggestion? Next(SweepConfig config, long seed, IReadOnlyList<RunRecord> runs)
    {
        var axes = AxesOf(config);
        // Each point is its number in W&B's order (mixed radix, last axis fastest): the runs' points become a set
        // of numbers and the next point is the first number not in it. Nothing is listed: the cost depends on the
        // number of runs, not the size of the grid.
        var taken = new HashSet<long>();
        foreach (var run in runs) if (CachedPointNumber(config, axes, run.Config) is long n) taken.Add(n);
        var size = Product(axes.Select(axis => axis.Count));
        for (var point = 0L; point < size; point++)
        {
            if (taken.Contains(point)) continue;
            var values = new object?[axes.Length];
            var rest = point;
            for (var i = axes.Length - 1; i >= 0; i--) { values[i] = axes[i].ValueAt(rest % axes[i].Count); rest /= axes[i].Count; }
            return new Suggestion(config.Parameters.ToConfig(values));
        }
        return null;
    }

    // A config's axes are fixed: built once per config, not per claim.
    static readonly ConditionalWeakTable<SweepConfig, GridAxis[]> Axes = new();

    static GridAxis[] AxesOf(SweepConfig config) =>
        Axes.GetValue(config, c => c.Parameters.Leaves.Select(GridAxis.For).ToArray());

    // A run's point number never changes (its parameters and the sweep's config are fixed), and an agent asks for
    // the next point once per run: remembering each run's number keeps a claim on a 10^5-point grid from decoding
    // every earlier run again. A memo, not state: the answer is the same with or without it.
    static readonly ConditionalWeakTable<Dictionary<string, object?>, Tuple<SweepConfig, long?>> Numbers = new();

    static long? CachedPointNumber(SweepConfig config, GridAxis[] axes, Dictionary<string, object?> run)
    {
        if (Numbers.TryGetValue(run, out var known) && ReferenceEquals(known.Item1, config)) return known.Item2;
        var number = PointNumber(config.Parameters.Leaves, axes, run);
        Numbers.AddOrUpdate(run, Tuple.Create(config, number));
        return number;
    }

    // A run's point number, or null when it has a value off the grid (it then takes no grid point).
    static long? PointNumber(IReadOnlyList<Parameter> leaves, GridAxis[] axes, IReadOnlyDictionary<string, object?> config)
    {
        var number = 0L;
        for (var i = 0; i < leaves.Count; i++)
        {
            if (!ParameterSpace.TryGetValue(config, leaves[i], out var v) || axes[i].IndexOf(v) is var position && position < 0) return null;
            if (number > (long.MaxValue - position) / axes[i].Count) return null; // beyond any point the walk reaches
            number = number * axes[i].Count + position;
        }
        return number;
    }

    /// <summary>How many distinct points the grid has.</summary>
    public static long Size(SweepConfig config) => Product(AxesOf(config).Select(axis => axis.Count));

    // Saturating: a grid of more than 2^63 points is, for every purpose, endless.
    static long Product(IEnumerable<long> counts)
    {
        var product = 1L;
        foreach (var count in counts)
        {
            if (count == 0) return 0;
            product = product > long.MaxValue / count ? long.MaxValue : product * count;
        }
        return product;
    }
}
