namespace Sweeps.Engine.Runs;

/// <summary>A run as the journal knows it: what was tried, by whom, and how it ended. Immutable.</summary>
public sealed record RunRecord
{
    /// <summary>The run's id, unique in its sweep.</summary>
    public required string Id { get; init; }
    /// <summary>1-based order in which the run was claimed within its sweep.</summary>
    public required int Number { get; init; }
    /// <summary>Where the run is in its life.</summary>
    public required RunState State { get; init; }
    /// <summary>The parameters, nested as the run sees them.</summary>
    public required Dictionary<string, object?> Config { get; init; }
    /// <summary>The agent that claimed the run.</summary>
    public required string Agent { get; init; }
    /// <summary>When the run was claimed.</summary>
    public required DateTimeOffset Created { get; init; }
    /// <summary>When the run ended, or null while it has not.</summary>
    public DateTimeOffset? Ended { get; init; }
    /// <summary>The last logged value of each metric.</summary>
    public IReadOnlyDictionary<string, object?> Summary { get; init; } = new Dictionary<string, object?>();
    /// <summary>How many history rows the run logged.</summary>
    public long Steps { get; init; }
    /// <summary>Why the run failed or crashed, or null.</summary>
    public string? Error { get; init; }
    /// <summary>The program's exit code, or null (a scriptblock, or not ended).</summary>
    public int? ExitCode { get; init; }
    /// <summary>The crashed run whose parameters this run tries again.</summary>
    public string? RetryOf { get; init; }
    /// <summary>The lowest and highest valid values of the sweep's metric the run logged (its whole history).</summary>
    public (double Min, double Max)? MetricRange { get; init; }

    /// <summary>From claim to end, or null while the run has not ended.</summary>
    public TimeSpan? Runtime => Ended - Created;
}
