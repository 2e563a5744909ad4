using Sweeps.Engine.Config;
using Sweeps.Engine.Results;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;

namespace Sweeps;

/// <summary>A sweep as the cmdlets show it: what it searches, how far it got, and where it lives.</summary>
public sealed class SweepInfo
{
    /// <summary>The sweep's id.</summary>
    public string Id { get; init; } = "";
    /// <summary>The name, with any control character shown as <c>\xHH</c> (<see cref="Engine.Printable"/>).</summary>
    public string Name { get; init; } = "";
    /// <summary>The search method: grid, random or bayes.</summary>
    public string Method { get; init; } = "";
    /// <summary>The metric's name, or null.</summary>
    public string? Metric { get; init; }
    /// <summary>minimize or maximize, or null without a metric.</summary>
    public string? Goal { get; init; }
    /// <summary>running, paused, finished or canceled.</summary>
    public string State { get; init; } = "";
    /// <summary>Why the sweep is in its state, or null.</summary>
    public string? StateReason { get; init; }
    /// <summary>How many runs it has.</summary>
    public int RunCount { get; init; }
    /// <summary>How many of them are running.</summary>
    public int Running { get; init; }
    /// <summary>How many finished.</summary>
    public int Finished { get; init; }
    /// <summary>How many failed or crashed.</summary>
    public int Failed { get; init; }
    /// <summary>The best summary value of the metric among finished runs.</summary>
    public double? Best { get; init; }
    /// <summary>The id of the run with the best value, or null.</summary>
    public string? BestRunId { get; init; }
    /// <summary>The most runs the sweep makes, or null.</summary>
    public long? RunCap { get; init; }
    /// <summary>The seed its parameters are drawn from.</summary>
    public long Seed { get; init; }
    /// <summary>The description from the config, or null.</summary>
    public string? Description { get; init; }
    /// <summary>When the sweep was created.</summary>
    public DateTimeOffset Created { get; init; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset Updated { get; init; }
    /// <summary>The store root the sweep lives in, so piped objects find it again.</summary>
    public string Store { get; init; } = "";
    /// <summary>Where the sweep is in its store (a folder, or a URL).</summary>
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
