namespace Sweeps.Engine.Runs;

/// <summary>A run as the journal knows it: what was tried, by whom, and how it ended. Immutable.</summary>
public sealed record RunRecord
{
    public required string Id { get; init; }
    /// <summary>1-based order in which the run was claimed within its sweep.</summary>
    public required int Number { get; init; }
    public required RunState State { get; init; }
    /// <summary>The parameters, nested as the run sees them.</summary>
    public required Dictionary<string, object?> Config { get; init; }
    public required string Agent { get; init; }
    public required DateTimeOffset Created { get; init; }
    public DateTimeOffset? Ended { get; init; }
    /// <summary>The last logged value of each metric.</summary>
    public IReadOnlyDictionary<string, object?> Summary { get; init; } = new Dictionary<string, object?>();
    /// <summary>How many history rows the run logged.</summary>
    public long Steps { get; init; }
    public string? Error { get; init; }
    public int? ExitCode { get; init; }
    /// <summary>The crashed run whose parameters this run tries again.</summary>
    public string? RetryOf { get; init; }
    /// <summary>The lowest and highest valid values of the sweep's metric the run logged (its whole history).</summary>
    public (double Min, double Max)? MetricRange { get; init; }

    public TimeSpan? Runtime => Ended - Created;
}
