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
        var taken = new HashSet<string>(runs.Select(r => PointKey(leaves, r.Config)));
        var index = new int[axes.Count];
        var values = new object?[axes.Count];
        while (true)
        {
            for (var i = 0; i < axes.Count; i++) values[i] = axes[i][index[i]].Value;
            var key = string.Join('\u001f', axes.Select((axis, i) => axis[index[i]].Key));
            if (taken.Add(key)) return new Suggestion(config.Parameters.ToConfig(values));
            if (!Advance(index, axes)) return null;
        }
    }

    /// <summary>How many distinct points the grid has.</summary>
    public static long Size(SweepConfig config) =>
        config.Parameters.Leaves.Aggregate(1L, (n, p) => n * Axis(p).Count);

    // Odometer step: the last axis moves fastest.
    static bool Advance(int[] index, List<List<(object? Value, string Key)>> axes)
    {
        for (var i = axes.Count - 1; i >= 0; i--)
        {
            if (++index[i] < axes[i].Count) return true;
            index[i] = 0;
        }
        return false;
    }

    static string PointKey(IReadOnlyList<Parameter> leaves, IReadOnlyDictionary<string, object?> config) =>
        string.Join('\u001f', leaves.Select(p => ParameterSpace.TryGetValue(config, p, out var v) ? TreeValue.Key(v) : "\u0000missing"));

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
