using Sweeps.Engine.Space;

namespace Sweeps.Engine.Config;

public enum MetricGoal { Minimize, Maximize }

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
    public required string Method { get; init; }
    public MetricSpec? Metric { get; init; }
    public required ParameterSpace Parameters { get; init; }
    public EarlyTerminateSpec? EarlyTerminate { get; init; }
    public IReadOnlyList<string>? Command { get; init; }
    public string? Program { get; init; }
    public long? RunCap { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    public long? Seed { get; init; }
    public required Dictionary<string, object?> Tree { get; init; }
}
