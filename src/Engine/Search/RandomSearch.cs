using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Search;

/// <summary>
/// W&amp;B's random search: every parameter sampled independently at a uniform quantile. The n-th run's draws
/// come from the stream (seed, n), so the same seed and history always give the same run.
/// </summary>
internal sealed class RandomSearch : ISearchMethod
{
    public Suggestion? Next(SweepConfig config, long seed, IReadOnlyList<RunRecord> runs)
    {
        var random = new RandomStream(seed, runs.Count);
        var values = config.Parameters.Leaves.Select(p => p.Sample(random.NextDouble())).ToList();
        return new Suggestion(config.Parameters.ToConfig(values));
    }
}
