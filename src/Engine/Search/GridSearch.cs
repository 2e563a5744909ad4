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
public sealed class GridSearch : ISearchMethod
{
    public Suggestion? Next(SweepConfig config, long seed, IReadOnlyList<RunRecord> runs)
    {
        var leaves = config.Parameters.Leaves;
        var axes = leaves.Select(Axis).ToList();
        // Each point is its number in W&B's order (mixed radix, last axis fastest): the runs' points become a set
        // of numbers and the next point is the first number not in it, with no string per grid point.
        var positions = axes.Select(axis => axis.Select((v, i) => (v.Key, i)).ToDictionary(x => x.Key, x => x.i)).ToList();
        var taken = new HashSet<long>();
        foreach (var run in runs) if (CachedPointNumber(config, leaves, positions, run.Config) is long n) taken.Add(n);
        var size = Product(axes.Select(axis => (long)axis.Count));
        for (var point = 0L; point < size; point++)
        {
            if (taken.Contains(point)) continue;
            var values = new object?[axes.Count];
            var rest = point;
            for (var i = axes.Count - 1; i >= 0; i--) { values[i] = axes[i][(int)(rest % axes[i].Count)].Value; rest /= axes[i].Count; }
            return new Suggestion(config.Parameters.ToConfig(values));
        }
        return null;
    }

    // A run's point number never changes (its parameters and the sweep's config are fixed), and an agent asks for
    // the next point once per run: remembering each run's number keeps a claim on a 10^5-point grid from decoding
    // every earlier run again. A memo, not state: the answer is the same with or without it.
    static readonly ConditionalWeakTable<Dictionary<string, object?>, Tuple<SweepConfig, long?>> Numbers = new();

    static long? CachedPointNumber(SweepConfig config, IReadOnlyList<Parameter> leaves, List<Dictionary<string, int>> positions, Dictionary<string, object?> run)
    {
        if (Numbers.TryGetValue(run, out var known) && ReferenceEquals(known.Item1, config)) return known.Item2;
        var number = PointNumber(leaves, positions, run);
        Numbers.AddOrUpdate(run, Tuple.Create(config, number));
        return number;
    }

    // A run's point number, or null when it has a value off the grid (it then takes no grid point).
    static long? PointNumber(IReadOnlyList<Parameter> leaves, List<Dictionary<string, int>> positions, IReadOnlyDictionary<string, object?> config)
    {
        var number = 0L;
        for (var i = 0; i < leaves.Count; i++)
        {
            if (!ParameterSpace.TryGetValue(config, leaves[i], out var v) || !positions[i].TryGetValue(TreeValue.Key(v), out var position)) return null;
            if (number > (long.MaxValue - position) / positions[i].Count) return null; // beyond any point the walk reaches
            number = number * positions[i].Count + position;
        }
        return number;
    }

    /// <summary>How many distinct points the grid has.</summary>
    public static long Size(SweepConfig config) => Product(config.Parameters.Leaves.Select(p => (long)Axis(p).Count));

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

    /// <summary>The distinct values of one grid axis, in order, with their identity keys.</summary>
    static List<(object? Value, string Key)> Axis(Parameter p)
    {
        IEnumerable<object?> values = p.Kind switch
        {
            DistributionKind.Constant => [p.Value],
            DistributionKind.Categorical => p.Values,
            DistributionKind.IntUniform => Range((long)p.Min, (long)p.Max),
            DistributionKind.QUniform => Arange(p),
            _ => throw new SweepsException(SweepsErrorKind.InvalidConfig, $"Parameter {p.Name} is a disallowed type with grid search."),
        };
        var seen = new HashSet<string>();
        return values.Select(v => (Value: v, Key: TreeValue.Key(v))).Where(x => seen.Add(x.Key)).ToList();
    }

    static IEnumerable<object?> Range(long min, long max)
    {
        for (var v = min; v <= max; v++) yield return v;
    }

    // np.arange(min, max, q): max excluded, element i = min + i * ((min + q) - min).
    static IEnumerable<object?> Arange(Parameter p)
    {
        var count = (long)Math.Ceiling((p.Max - p.Min) / p.Q);
        var step = p.Min + p.Q - p.Min;
        for (long i = 0; i < count; i++)
        {
            var v = p.Min + i * step;
            yield return p.IntegerBounds && p.IntegerQ ? (object)(long)v : v;
        }
    }
}
