using Sweeps.Engine.Config;
using Sweeps.Engine.Results;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;

namespace Sweeps;

/// <summary>A sweep as the cmdlets show it: what it searches, how far it got, and where it lives.</summary>
public sealed class SweepInfo
{
    public string Id { get; init; } = "";
    /// <summary>The name, with any control character shown as <c>\xHH</c> (<see cref="Engine.Printable"/>).</summary>
    public string Name { get; init; } = "";
    public string Method { get; init; } = "";
    public string? Metric { get; init; }
    public string? Goal { get; init; }
    public string State { get; init; } = "";
    public string? StateReason { get; init; }
    public int RunCount { get; init; }
    public int Running { get; init; }
    public int Finished { get; init; }
    public int Failed { get; init; }
    /// <summary>The best summary value of the metric among finished runs.</summary>
    public double? Best { get; init; }
    public string? BestRunId { get; init; }
    public long? RunCap { get; init; }
    public long Seed { get; init; }
    public string? Description { get; init; }
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset Updated { get; init; }
    /// <summary>The store root the sweep lives in, so piped objects find it again.</summary>
    public string Store { get; init; } = "";
    public string Path { get; init; } = "";

    internal static SweepInfo From(SweepStore store, SweepHandle handle, SweepState s)
    {
        var best = BestRun(s.Config, s.Runs);
        return new SweepInfo
        {
            Id = s.Id, Name = Engine.Printable.Text(s.Name), Method = s.Config.Method, Metric = s.Config.Metric?.Name,
            Goal = s.Config.Metric?.Goal.ToString().ToLowerInvariant(), State = s.State, StateReason = s.StateReason,
            RunCount = s.Runs.Count, Running = s.Runs.Count(r => r.State == RunState.Running),
            Finished = s.Runs.Count(r => r.State == RunState.Finished),
            Failed = s.Runs.Count(r => r.State is RunState.Failed or RunState.Crashed),
            Best = best is null ? null : ResultColumns.MetricValue(s.Config, best), BestRunId = best?.Id,
            RunCap = s.Config.RunCap, Seed = s.Seed, Description = s.Config.Description,
            Created = s.Created, Updated = s.Updated, Store = store.Location, Path = handle.Location,
        };
    }

    internal static RunRecord? BestRun(SweepConfig config, IEnumerable<RunRecord> runs) => Engine.Results.Ranking.BestOrNull(config, runs);
}
