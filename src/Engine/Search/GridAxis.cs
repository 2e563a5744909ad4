using Sweeps.Engine.Space;

namespace Sweeps.Engine.Search;

/// <summary>
/// One parameter's axis of a grid: its distinct values in W&amp;B's order, counted and indexed without listing them,
/// so a claim on a grid of 10^9 points costs what it costs on a grid of ten (ranges are arithmetic; only written
/// value lists, bounded by the config's size, are held).
/// </summary>
internal abstract class GridAxis
{
    /// <summary>How many distinct values (saturating at <see cref="long.MaxValue"/>: endless for every purpose).</summary>
    public abstract long Count { get; }

    public abstract object? ValueAt(long index);

    /// <summary>The index of a value on this axis, or -1 when it is not on it (a run from before a config change).</summary>
    public abstract long IndexOf(object? value);

    public static GridAxis For(Parameter p) => p.Kind switch
    {
        DistributionKind.Constant => new Listed([p.Value]),
        DistributionKind.Categorical => new Listed(p.Values),
        DistributionKind.IntUniform => new Integers(p),
        DistributionKind.QUniform => new Arange(p),
        _ => throw new SweepsException(SweepsErrorKind.InvalidConfig, $"Parameter {p.Name} is a disallowed type with grid search."),
    };

    // Written values, duplicates counted once (by W&B's identity: 1 and 1.0 are one value, true and 1 two).
    sealed class Listed : GridAxis
    {
        readonly List<object?> _values = [];
        readonly Dictionary<string, long> _index = new(StringComparer.Ordinal);

        public Listed(IEnumerable<object?> values)
        {
            foreach (var v in values)
                if (_index.TryAdd(TreeValue.Key(v), _values.Count)) _values.Add(v);
        }

        public override long Count => _values.Count;
        public override object? ValueAt(long index) => _values[(int)index];
        public override long IndexOf(object? value) => _index.TryGetValue(TreeValue.Key(value), out var i) ? i : -1;
    }

    // int_uniform: every integer from min to max.
    sealed class Integers(Parameter p) : GridAxis
    {
        readonly long _min = (long)p.Min;
        readonly double _span = p.Max - p.Min;

        public override long Count => _span + 1 >= long.MaxValue ? long.MaxValue : (long)_span + 1;
        public override object? ValueAt(long index) => _min + index;

        public override long IndexOf(object? value)
        {
            if (TreeValue.AsDouble(value) is not double d || value is bool || Math.Floor(d) != d) return -1;
            var i = d - _min;
            return i >= 0 && i < Count ? (long)i : -1;
        }
    }

    // q_uniform: np.arange(min, max, q), max excluded, element i = min + i * ((min + q) - min), integers when both
    // bounds and q were written as integers.
    sealed class Arange : GridAxis
    {
        readonly Parameter _p;
        readonly double _step;

        public Arange(Parameter p)
        {
            _p = p;
            _step = p.Min + p.Q - p.Min;
            var count = Math.Ceiling((p.Max - p.Min) / p.Q);
            Count = count >= long.MaxValue ? long.MaxValue : Math.Max(0, (long)count);
            // Values must differ from their neighbours; floats lose that where q is below their resolution.
            if (Count > 1 && (TreeValue.Key(ValueAt(0)) == TreeValue.Key(ValueAt(1)) || TreeValue.Key(ValueAt(Count - 2)) == TreeValue.Key(ValueAt(Count - 1))))
                throw new SweepsException(SweepsErrorKind.InvalidConfig,
                    $"Parameter {p.Name}: q = {TreeValue.Format(p.Q)} is too small for the range [{TreeValue.Format(p.Min)}, {TreeValue.Format(p.Max)}]: neighbouring grid values would be equal.");
        }

        public override long Count { get; }

        public override object? ValueAt(long index)
        {
            var v = _p.Min + index * _step;
            return _p.IntegerBounds && _p.IntegerQ ? (object)(long)v : v;
        }

        public override long IndexOf(object? value)
        {
            if (TreeValue.AsDouble(value) is not double d || value is bool) return -1;
            var i = Math.Round((d - _p.Min) / _step);
            if (i < 0 || i >= Count) return -1;
            return TreeValue.Key(ValueAt((long)i)) == TreeValue.Key(value) ? (long)i : -1;
        }
    }
}
