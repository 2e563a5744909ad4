using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Termination;

/// <summary>
/// The median stopping rule users of Optuna (MedianPruner) and Ray Tune (MedianStoppingRule) rely on: once at least
/// <c>min_runs</c> runs have finished, a running run that has logged k ≥ <c>min_iter</c> values is stopped when its
/// best value so far is strictly worse than the median of the finished runs' values at iteration k.
/// </summary>
internal sealed class MedianStopping : IEarlyTermination
{
    public IReadOnlyList<StopDecision> Evaluate(SweepConfig config, IReadOnlyList<RunProgress> runs)
    {
        var (spec, sign) = RuleSetting.From(config);
        var finished = runs.Where(r => r.State == RunState.Finished && r.Values.Count > 0).ToList();
        var stops = new List<StopDecision>();
        if (finished.Count < (spec.MinRuns ?? 5)) return stops;
        foreach (var run in runs.Where(r => r.State == RunState.Running && r.Values.Count >= Math.Max(1, spec.MinIter ?? 1)))
        {
            var k = run.Values.Count;
            var atK = finished.Where(f => f.Values.Count >= k).Select(f => sign * f.Values[k - 1]).Order().ToList();
            if (atK.Count < (spec.MinRuns ?? 5)) continue;
            var median = atK.Count % 2 == 1 ? atK[atK.Count / 2] : (atK[atK.Count / 2 - 1] + atK[atK.Count / 2]) / 2;
            var best = run.Values.Select(v => sign * v).Min();
            if (best > median) stops.Add(new StopDecision(run.RunId, "median", k, sign * best, sign * median));
        }
        return stops;
    }
}
