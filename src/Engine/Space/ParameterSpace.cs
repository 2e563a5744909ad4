namespace Sweeps.Engine.Space;

/// <summary>
/// The parameters of a sweep as leaves sorted by name at every nesting level (W&amp;B's order: ordinal, depth
/// first), and the way back from leaf values to the nested run config.
/// </summary>
public sealed class ParameterSpace
{
    /// <summary>The space of these leaves, sorted as W&amp;B sorts them.</summary>
    public ParameterSpace(IEnumerable<Parameter> leaves)
    {
        Leaves = leaves.OrderBy(p => p.Keys, KeyPathComparer.Instance).ToList();
    }

    /// <summary>Every leaf, constants included, in W&amp;B's order.</summary>
    public IReadOnlyList<Parameter> Leaves { get; }

    /// <summary>The leaves that are not constants.</summary>
    public IEnumerable<Parameter> Searchable => Leaves.Where(p => !p.IsConstant);

    /// <summary>Builds the nested run config from one value per leaf (in <see cref="Leaves"/> order).</summary>
    internal Dictionary<string, object?> ToConfig(IReadOnlyList<object?> values)
    {
        var root = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < Leaves.Count; i++)
        {
            var keys = Leaves[i].Keys;
            var node = root;
            for (var k = 0; k < keys.Count - 1; k++)
            {
                if (!node.TryGetValue(keys[k], out var child) || child is not Dictionary<string, object?> next)
                    node[keys[k]] = next = new Dictionary<string, object?>(StringComparer.Ordinal);
                node = next;
            }
            node[keys[^1]] = TreeValue.Clone(values[i]);
        }
        return root;
    }

    /// <summary>Reads a leaf's value back from a run config; false when the run does not have it.</summary>
    public static bool TryGetValue(IReadOnlyDictionary<string, object?> config, Parameter leaf, out object? value)
    {
        value = null;
        IReadOnlyDictionary<string, object?>? node = config;
        for (var k = 0; k < leaf.Keys.Count; k++)
        {
            if (node is null || !node.TryGetValue(leaf.Keys[k], out var child)) return false;
            if (k == leaf.Keys.Count - 1) { value = child; return true; }
            node = child as IReadOnlyDictionary<string, object?>;
        }
        return false;
    }

    sealed class KeyPathComparer : IComparer<IReadOnlyList<string>>
    {
        public static readonly KeyPathComparer Instance = new();

        public int Compare(IReadOnlyList<string>? x, IReadOnlyList<string>? y)
        {
            for (var i = 0; i < Math.Min(x!.Count, y!.Count); i++)
            {
                var c = string.CompareOrdinal(x[i], y[i]);
                if (c != 0) return c;
            }
            return x.Count.CompareTo(y.Count);
        }
    }
}
