namespace Sweeps.Engine.Space;

/// <summary>The W&amp;B distributions, by their config names (see <see cref="Distributions"/>).</summary>
public enum DistributionKind
{
    /// <summary>One fixed value (<c>value</c>).</summary>
    Constant,
    /// <summary>One of <c>values</c>, each equally likely.</summary>
    Categorical,
    /// <summary>One of <c>values</c>, by <c>probabilities</c>.</summary>
    CategoricalWithProbabilities,
    /// <summary>An integer between <c>min</c> and <c>max</c>, inclusive.</summary>
    IntUniform,
    /// <summary>A float between <c>min</c> and <c>max</c>.</summary>
    Uniform,
    /// <summary>Uniform, rounded to a multiple of <c>q</c>.</summary>
    QUniform,
    /// <summary><c>exp</c> of a uniform between <c>min</c> and <c>max</c>.</summary>
    LogUniform,
    /// <summary>Log-uniform between the values <c>min</c> and <c>max</c>.</summary>
    LogUniformValues,
    /// <summary>Log-uniform, rounded to a multiple of <c>q</c>.</summary>
    QLogUniform,
    /// <summary>Log-uniform between values, rounded to a multiple of <c>q</c>.</summary>
    QLogUniformValues,
    /// <summary>The inverse of a log-uniform between <c>min</c> and <c>max</c>.</summary>
    InvLogUniform,
    /// <summary>The inverse of a log-uniform between values.</summary>
    InvLogUniformValues,
    /// <summary>Normal with mean <c>mu</c> and deviation <c>sigma</c>.</summary>
    Normal,
    /// <summary>Normal, rounded to a multiple of <c>q</c>.</summary>
    QNormal,
    /// <summary><c>exp</c> of a normal with <c>mu</c> and <c>sigma</c>.</summary>
    LogNormal,
    /// <summary>Log-normal, rounded to a multiple of <c>q</c>.</summary>
    QLogNormal,
    /// <summary>Beta with shapes <c>a</c> and <c>b</c>.</summary>
    Beta,
    /// <summary>Beta, rounded to a multiple of <c>q</c>.</summary>
    QBeta,
}
