using Sweeps.Engine.Space;

namespace Sweeps.Engine.Config;

/// <summary>Whether a lower or a higher value of the metric is better.</summary>
public enum MetricGoal
{
    /// <summary>Lower is better (a loss).</summary>
    Minimize,
    /// <summary>Higher is better (an accuracy).</summary>
    Maximize,
}

/// <summary>The <c>metric</c> block: what to optimise and how to treat runs without a value.</summary>
public sealed record MetricSpec(string Name, MetricGoal Goal = MetricGoal.Minimize, double? Target = null, string Impute = "worst", string ImputeWhileRunning = "false")
{
    /// <summary>True when <paramref name="candidate"/> is better than <paramref name="incumbent"/> for this goal.</summary>
    internal bool IsBetter(double candidate, double incumbent) =>
        Goal == MetricGoal.Minimize ? candidate < incumbent : candidate > incumbent;
}

/// <summary>The <c>early_terminate</c> block (hyperband), validated and with W&amp;B's defaults filled in.</summary>
public sealed record EarlyTerminateSpec(string Type, long? MinIter, long? MaxIter, double? S, double Eta = 3, bool Strict = true)
{
    /// <summary>For <c>type: median</c>: how many finished runs the median needs (default 5).</summary>
    public long? MinRuns { get; init; }
}

/// <summary>A validated sweep config with W&amp;B's defaults filled in. <see cref="Tree"/> is the config as written.</summary>
public sealed record SweepConfig
{
    /// <summary>The search method: grid, random or bayes.</summary>
    public required string Method { get; init; }
    /// <summary>The metric to optimise; null when the config has none (grid and random need none).</summary>
    public MetricSpec? Metric { get; init; }
    /// <summary>The searchable parameters and their distributions.</summary>
    public required ParameterSpace Parameters { get; init; }
    /// <summary>The early-termination rule, or null for none.</summary>
    public EarlyTerminateSpec? EarlyTerminate { get; init; }
    /// <summary>The command template (W&amp;B's <c>command</c>), or null for the default.</summary>
    public IReadOnlyList<string>? Command { get; init; }
    /// <summary>The training program, or null when runs are scriptblocks.</summary>
    public string? Program { get; init; }
    /// <summary>The most runs the sweep makes, or null for no cap.</summary>
    public long? RunCap { get; init; }
    /// <summary>The sweep's name from the config, or null.</summary>
    public string? Name { get; init; }
    /// <summary>The sweep's description from the config, or null.</summary>
    public string? Description { get; init; }
    /// <summary>The seed from the config, or null for a fresh one.</summary>
    public long? Seed { get; init; }
    /// <summary>The config as written, as a plain tree.</summary>
    public required Dictionary<string, object?> Tree { get; init; }
}
