using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace Sweeps.Engine.Space;

/// <summary>
/// One searchable leaf of the parameter tree with its distribution. <see cref="Sample"/> is W&amp;B's
/// <c>ppf(u)</c> and <see cref="Cdf"/> its inverse, both written from W&amp;B's scipy formulas.
/// </summary>
public sealed record Parameter
{
    /// <summary>The keys from the top of the parameter tree down to this leaf.</summary>
    public required IReadOnlyList<string> Keys { get; init; }
    /// <summary>The distribution values are drawn from.</summary>
    public required DistributionKind Kind { get; init; }
    /// <summary>The value of a constant parameter.</summary>
    public object? Value { get; init; }
    /// <summary>The values of a categorical parameter.</summary>
    public IReadOnlyList<object?> Values { get; init; } = [];
    /// <summary>The probability of each of <see cref="Values"/> (empty: equal).</summary>
    public IReadOnlyList<double> Probabilities { get; init; } = [];
    /// <summary>The lower bound of a ranged distribution.</summary>
    public double Min { get; init; }
    /// <summary>The upper bound of a ranged distribution.</summary>
    public double Max { get; init; }
    /// <summary>Both bounds were written as integers (grid over q_uniform then yields integers).</summary>
    public bool IntegerBounds { get; init; }
    /// <summary>The mean of a normal or log-normal distribution.</summary>
    public double Mu { get; init; }
    /// <summary>The standard deviation of a normal or log-normal distribution.</summary>
    public double Sigma { get; init; } = 1;
    /// <summary>The first shape parameter of a beta distribution.</summary>
    public double A { get; init; } = 1;
    /// <summary>The second shape parameter of a beta distribution.</summary>
    public double B { get; init; } = 1;
    /// <summary>The quantization step of a q_ distribution.</summary>
    public double Q { get; init; } = 1;
    /// <summary>q was written as an integer: quantized samples are then integers, as in W&amp;B.</summary>
    public bool IntegerQ { get; init; }

    /// <summary>The dotted path, e.g. <c>optimizer.lr</c>.</summary>
    public string Name => string.Join('.', Keys);

    /// <summary>True for a parameter with one fixed value.</summary>
    public bool IsConstant => Kind == DistributionKind.Constant;

    /// <summary>Values from a list (with or without probabilities), not a range.</summary>
    public bool IsCategorical => Kind is DistributionKind.Categorical or DistributionKind.CategoricalWithProbabilities;

    /// <summary>Drawn on a log scale (log-uniform or log-normal, quantized or not): shown on a log axis.</summary>
    public bool IsLogScale => Kind is DistributionKind.LogUniform or DistributionKind.LogUniformValues or DistributionKind.QLogUniform
        or DistributionKind.QLogUniformValues or DistributionKind.LogNormal or DistributionKind.QLogNormal;

    /// <summary>The value at quantile <paramref name="u"/> in [0, 1).</summary>
    internal object? Sample(double u) => Kind switch
    {
        DistributionKind.Constant => Value,
        DistributionKind.Categorical => Values[CategoricalIndex(u)],
        DistributionKind.CategoricalWithProbabilities => Values[WeightedIndex(u)],
        DistributionKind.IntUniform => (long)Math.Ceiling(u * (Max - Min + 1)) + (long)Min - 1,
        DistributionKind.Uniform => Min + u * (Max - Min),
        DistributionKind.QUniform => Quantize(Min + u * (Max - Min)),
        DistributionKind.LogUniform => Math.Exp(Min + u * (Max - Min)),
        DistributionKind.QLogUniform => Quantize(Math.Exp(Min + u * (Max - Min))),
        DistributionKind.LogUniformValues => LogValues(u),
        DistributionKind.QLogUniformValues => Quantize(LogValues(u)),
        DistributionKind.InvLogUniform => Math.Exp(-(Min + (1 - u) * (Max - Min))),
        DistributionKind.InvLogUniformValues => InvLogValues(u),
        DistributionKind.Normal => Mu + Sigma * Normal.InvCDF(0, 1, u),
        DistributionKind.QNormal => Quantize(Mu + Sigma * Normal.InvCDF(0, 1, u)),
        DistributionKind.LogNormal => Math.Exp(Mu + Sigma * Normal.InvCDF(0, 1, u)),
        DistributionKind.QLogNormal => Quantize(Math.Exp(Mu + Sigma * Normal.InvCDF(0, 1, u))),
        DistributionKind.Beta => MathNet.Numerics.Distributions.Beta.InvCDF(A, B, u),
        DistributionKind.QBeta => Quantize(MathNet.Numerics.Distributions.Beta.InvCDF(A, B, u)),
        _ => throw new InvalidOperationException($"unknown distribution {Kind}"),
    };

    /// <summary>Where <paramref name="value"/> sits in the distribution, in [0, 1] (the encoding model-based search uses).</summary>
    internal double Cdf(object? value)
    {
        if (IsCategorical)
        {
            var key = TreeValue.Key(value);
            for (var i = 0; i < Values.Count; i++)
            {
                if (TreeValue.Key(Values[i]) != key) continue;
                return Kind == DistributionKind.Categorical ? (i + 1.0) / Values.Count : Probabilities.Take(i + 1).Sum();
            }
            throw new ArgumentException($"{TreeValue.Format(value)} is not a permitted value of the categorical hyperparameter {Name} in the current sweep.");
        }
        var v = TreeValue.AsDouble(value) ?? 0;
        var x = Kind switch
        {
            DistributionKind.Constant => 1,
            DistributionKind.IntUniform => (Math.Floor(v) - Min + 1) / (Max - Min + 1),
            DistributionKind.Uniform or DistributionKind.QUniform => (v - Min) / (Max - Min),
            DistributionKind.LogUniform or DistributionKind.QLogUniform => (Math.Log(v) - Min) / (Max - Min),
            DistributionKind.LogUniformValues or DistributionKind.QLogUniformValues => (Math.Log(v) - Math.Log(Min)) / (Math.Log(Max) - Math.Log(Min)),
            DistributionKind.InvLogUniform => 1 - (Math.Log(1 / v) - Min) / (Max - Min),
            DistributionKind.InvLogUniformValues => 1 - (Math.Log(1 / v) + Math.Log(Max)) / Math.Abs(Math.Log(Max) - Math.Log(Min)),
            DistributionKind.Normal or DistributionKind.QNormal => Normal.CDF(Mu, Sigma, v),
            DistributionKind.LogNormal or DistributionKind.QLogNormal => Normal.CDF(Mu, Sigma, Math.Log(v)),
            DistributionKind.Beta or DistributionKind.QBeta => SpecialFunctions.BetaRegularized(A, B, Math.Clamp(v, 0, 1)),
            _ => throw new InvalidOperationException($"unknown distribution {Kind}"),
        };
        return double.IsNaN(x) ? 0 : Math.Clamp(x, 0, 1);
    }

    // k = smallest index with (k+1)/n >= u; Python's index -1 (u = 0) is the last value.
    int CategoricalIndex(double u)
    {
        var k = (int)Math.Ceiling(u * Values.Count) - 1;
        return k < 0 ? Values.Count - 1 : Math.Min(k, Values.Count - 1);
    }

    // argmin(u >= cumsum(p)): the first i whose cumulative probability exceeds u, else 0.
    int WeightedIndex(double u)
    {
        var sum = 0.0;
        for (var i = 0; i < Probabilities.Count; i++)
        {
            sum += Probabilities[i];
            if (u < sum) return i;
        }
        return 0;
    }

    double LogValues(double u) => Math.Exp(Math.Log(Min) + u * (Math.Log(Max) - Math.Log(Min)));

    double InvLogValues(double u)
    {
        double lo = -Math.Log(Max), hi = -Math.Log(Min);
        return Math.Exp(-(lo + (1 - u) * (hi - lo)));
    }

    // numpy's round is half to even, as is Math.Round's default.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "A long for an integer q, else a double: the type is the value.")]
    object Quantize(double x)
    {
        var q = Math.Round(x / Q, MidpointRounding.ToEven) * Q;
        return IntegerQ ? (object)(long)q : q;
    }
}
