namespace Sweeps.Engine.Space;

/// <summary>The schema of each distribution: its config name, the keys it takes, which are required, and defaults.</summary>
internal static class Distributions
{
    public sealed record Info(DistributionKind Kind, string Name, string[] Keys, string[] Required, bool Deprecated = false)
    {
        public bool IsQuantized => Keys.Contains("q");
    }

    static readonly string[] MinMax = ["min", "max"], MinMaxQ = ["min", "max", "q"];
    static readonly string[] MuSigma = ["mu", "sigma"], MuSigmaQ = ["mu", "sigma", "q"];
    static readonly string[] AB = ["a", "b"], ABQ = ["a", "b", "q"];

    public static readonly IReadOnlyList<Info> All =
    [
        new(DistributionKind.Constant, "constant", ["value"], ["value"]),
        new(DistributionKind.Categorical, "categorical", ["values"], ["values"]),
        new(DistributionKind.CategoricalWithProbabilities, "categorical_w_probabilities", ["values", "probabilities"], ["values", "probabilities"]),
        new(DistributionKind.IntUniform, "int_uniform", MinMax, MinMax),
        new(DistributionKind.Uniform, "uniform", MinMax, MinMax),
        new(DistributionKind.QUniform, "q_uniform", MinMaxQ, MinMax),
        new(DistributionKind.LogUniform, "log_uniform", MinMax, MinMax, Deprecated: true),
        new(DistributionKind.LogUniformValues, "log_uniform_values", MinMax, MinMax),
        new(DistributionKind.QLogUniform, "q_log_uniform", MinMaxQ, MinMax, Deprecated: true),
        new(DistributionKind.QLogUniformValues, "q_log_uniform_values", MinMaxQ, MinMax),
        new(DistributionKind.InvLogUniform, "inv_log_uniform", MinMax, MinMax, Deprecated: true),
        new(DistributionKind.InvLogUniformValues, "inv_log_uniform_values", MinMax, MinMax),
        new(DistributionKind.Normal, "normal", MuSigma, []),
        new(DistributionKind.QNormal, "q_normal", MuSigmaQ, []),
        new(DistributionKind.LogNormal, "log_normal", MuSigma, []),
        new(DistributionKind.QLogNormal, "q_log_normal", MuSigmaQ, []),
        new(DistributionKind.Beta, "beta", AB, []),
        new(DistributionKind.QBeta, "q_beta", ABQ, []),
    ];

    static readonly Dictionary<string, Info> ByName = All.ToDictionary(i => i.Name, StringComparer.Ordinal);

    public static bool TryGet(string name, out Info info) => ByName.TryGetValue(name, out info!);

    public static Info Get(DistributionKind kind) => All[(int)kind];

    public static IEnumerable<string> Names => All.Select(i => i.Name);
}
