namespace Sweeps.Engine.Space;

/// <summary>The W&amp;B distributions, by their config names (see <see cref="Distributions"/>).</summary>
public enum DistributionKind
{
    Constant,
    Categorical,
    CategoricalWithProbabilities,
    IntUniform,
    Uniform,
    QUniform,
    LogUniform,
    LogUniformValues,
    QLogUniform,
    QLogUniformValues,
    InvLogUniform,
    InvLogUniformValues,
    Normal,
    QNormal,
    LogNormal,
    QLogNormal,
    Beta,
    QBeta,
}
