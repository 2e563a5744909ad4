using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Store;

/// <summary>How a run ended, as its agent records it.</summary>
internal sealed record RunEnding(string RunId, RunState State, IReadOnlyDictionary<string, object?> Summary, long Steps, string? Error = null, int? ExitCode = null)
{
    /// <summary>The lowest and highest valid values of the sweep's metric in the run's history.</summary>
    public (double Min, double Max)? MetricRange { get; init; }
}
