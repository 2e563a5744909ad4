namespace Sweeps;

/// <summary>One parameter's importance to a sweep's metric (Get-SweepParameterImportance).</summary>
public sealed class ParameterImportanceInfo
{
    /// <summary>The sweep the importance is about.</summary>
    public string SweepId { get; init; } = "";
    /// <summary>The parameter's dotted name.</summary>
    public string Parameter { get; init; } = "";
    /// <summary>Its share of a random forest's impurity importance, as W&amp;B computes it; all of a sweep's sum to 1.</summary>
    public double Importance { get; init; }
    /// <summary>Pearson correlation of its value with the metric; null for a categorical parameter.</summary>
    public double? Correlation { get; init; }
    /// <summary>The runs with a value of the metric that both figures come from.</summary>
    public int Runs { get; init; }
}
