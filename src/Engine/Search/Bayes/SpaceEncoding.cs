using Sweeps.Engine.Space;

namespace Sweeps.Engine.Search.Bayes;

/// <summary>
/// Maps a run's parameters to a point the model works in, and back. A numeric parameter is one dimension in [0, 1]
/// through its distribution's cdf (as W&amp;B encodes it); a categorical parameter is one dimension holding the index
/// of its value, which the kernel compares as equal or not (never as ordered numbers). Integer and quantized
/// parameters are snapped: a point is only ever evaluated where a real value sits.
/// </summary>
internal sealed class SpaceEncoding
{
    readonly ParameterSpace _space;
    readonly List<Parameter> _dims;

    public SpaceEncoding(ParameterSpace space)
    {
        _space = space;
        _dims = space.Searchable.ToList();
        IsCategorical = _dims.Select(p => p.IsCategorical).ToArray();
        Cardinality = _dims.Select(p => p.Values.Count).ToArray();
    }

    public int Dimensions => _dims.Count;
    public bool[] IsCategorical { get; }
    public int[] Cardinality { get; }

    /// <summary>The point of a run's parameters; null when the run lacks a parameter or has a value the space does not.</summary>
    public double[]? Encode(IReadOnlyDictionary<string, object?> config)
    {
        var x = new double[_dims.Count];
        for (var i = 0; i < _dims.Count; i++)
        {
            if (!ParameterSpace.TryGetValue(config, _dims[i], out var value)) return null;
            if (IsCategorical[i])
            {
                var key = TreeValue.Key(value);
                var index = -1;
                for (var k = 0; k < _dims[i].Values.Count && index < 0; k++) if (TreeValue.Key(_dims[i].Values[k]) == key) index = k;
                if (index < 0) return null;
                x[i] = index;
            }
            else if (TreeValue.AsDouble(value) is double v && double.IsFinite(v)) x[i] = _dims[i].Cdf(v);
            else return null;
        }
        return x;
    }

    /// <summary>The parameter values of a point (constants included), as the run config.</summary>
    public Dictionary<string, object?> Decode(double[] x)
    {
        var values = new List<object?>();
        var d = 0;
        foreach (var leaf in _space.Leaves)
        {
            if (leaf.IsConstant) { values.Add(leaf.Value); continue; }
            values.Add(IsCategorical[d] ? leaf.Values[(int)x[d]] : leaf.Sample(Math.Clamp(x[d], 1e-12, 1 - 1e-12)));
            d++;
        }
        return _space.ToConfig(values);
    }

    /// <summary>
    /// Moves a point onto a value the space really has (integers and quantized values are discrete). A move past a
    /// bound is reflected back inside: clamping put every overshooting candidate exactly on the bound, where the
    /// model is least certain, so bayes proposed runs on bounds far more often than random search does.
    /// </summary>
    public void Snap(double[] x)
    {
        for (var i = 0; i < _dims.Count; i++)
        {
            if (IsCategorical[i]) { x[i] = Math.Clamp(Math.Round(x[i]), 0, Cardinality[i] - 1); continue; }
            x[i] = Reflect(x[i]);
            if (_dims[i].Kind is DistributionKind.Uniform or DistributionKind.LogUniform or DistributionKind.LogUniformValues
                or DistributionKind.InvLogUniform or DistributionKind.InvLogUniformValues or DistributionKind.Normal
                or DistributionKind.LogNormal or DistributionKind.Beta) continue;
            var v = _dims[i].Sample(Math.Clamp(x[i], 1e-12, 1 - 1e-12));
            x[i] = _dims[i].Cdf(v);
        }
    }

    // Folds the line onto [0, 1] as a mirror would: 1.1 -> 0.9, -0.2 -> 0.2, 2.3 -> 0.3.
    static double Reflect(double v)
    {
        if (!double.IsFinite(v)) return 0.5;
        v = Math.Abs(v) % 2;
        return v > 1 ? 2 - v : v;
    }

    /// <summary>A uniformly random point (already snapped).</summary>
    public double[] Random(RandomStream random)
    {
        var x = new double[_dims.Count];
        for (var i = 0; i < x.Length; i++) x[i] = IsCategorical[i] ? random.NextInt(Cardinality[i]) : random.NextDouble();
        Snap(x);
        return x;
    }
}
