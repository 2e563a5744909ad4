using MathNet.Numerics.Distributions;
using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Search.Bayes;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Search;

/// <summary>
/// Bayesian optimisation with W&amp;B's semantics (metric required; cdf encoding; failed, crashed and killed runs
/// imputed by <c>metric.impute</c>; running runs as pending points unless <c>impute_while_running</c>; random points
/// until there are enough runs) and a better model: a Matern 3/2 GP fitted by marginal likelihood (one shared
/// lengthscale, or one per dimension when the runs justify it), categorical parameters compared as categories,
/// integers snapped, expected improvement maximised over random and local candidates with a local search, and
/// pending runs as fantasies (their predicted value believed), so parallel agents asking at once get distinct points.
/// </summary>
internal sealed class BayesSearch : ISearchMethod
{
    /// <summary>Runs in the model's fit of its hyperparameters, and in the model itself (cost grows as n^3).</summary>
    const int FitPoints = 80, ModelPoints = 300;
    const int RandomCandidates = 600, LocalCandidates = 40, Incumbents = 5;

    public Suggestion? Next(SweepConfig config, long seed, IReadOnlyList<RunRecord> runs)
    {
        var metric = config.Metric ?? throw new SweepsException(SweepsErrorKind.InvalidConfig, "Bayesian search requires \"metric\" section");
        var space = new SpaceEncoding(config.Parameters);
        if (space.Dimensions == 0) throw new SweepsException(SweepsErrorKind.InvalidConfig, "Need at least one searchable parameter for bayes search.");
        var random = new RandomStream(seed, runs.Count);
        var (observed, pending) = Observations(runs, metric, space);
        observed = Warp(observed);

        var initial = Math.Max(3, Math.Min(10, space.Dimensions + 1));
        if (observed.Count < initial || observed.Select(o => o.Y).Distinct().Count() < 2)
            return new Suggestion(space.Decode(Distinct(space.Random(random), observed, pending, space, random)));

        var modelled = Subset(observed, ModelPoints, random);
        var fitted = Subset(modelled, FitPoints, random);
        var gp = GaussianProcess.Fit(fitted.Select(o => o.X).ToArray(), fitted.Select(o => o.Y).ToArray(), space.IsCategorical);
        gp = gp.With(modelled.Select(o => o.X).ToArray(), modelled.Select(o => o.Y).ToArray());
        if (pending.Count > 0)
        {
            // Kriging believer: a pending run is assumed to reach the model's prediction, so nobody picks it again.
            var (believed, _) = gp.Predict(pending);
            gp = gp.With([.. modelled.Select(o => o.X), .. pending], [.. modelled.Select(o => o.Y), .. believed]);
        }
        var best = observed.Min(o => o.Y);
        var x = MaximiseImprovement(gp, space, observed, best, random);
        return new Suggestion(space.Decode(Distinct(x, observed, pending, space, random)));
    }

    sealed record Observation(double[] X, double Y);

    // A log warp of y above its minimum (monotone, so the optimum is the same) when y is heavily skewed: a GP
    // models objectives with huge ranges, such as Rosenbrock's, far better on that scale; on moderate ranges the
    // raw values model better. The shift keeps the best values apart.
    static List<Observation> Warp(List<Observation> observed)
    {
        if (observed.Count < 3) return observed;
        var sorted = observed.Select(o => o.Y).Order().ToList();
        double min = sorted[0], median = sorted[sorted.Count / 2], max = sorted[^1];
        if (max - median <= SkewToWarp * (median - min)) return observed;
        var shift = Math.Max(median - min, 1e-12) * 0.1;
        return observed.Select(o => o with { Y = Math.Log(o.Y - min + shift) }).ToList();
    }

    const double SkewToWarp = 20;

    // y in "minimize" space: negated when the goal is maximize.
    static (List<Observation> Observed, List<double[]> Pending) Observations(IReadOnlyList<RunRecord> runs, MetricSpec metric, SpaceEncoding space)
    {
        var sign = metric.Goal == MetricGoal.Maximize ? -1.0 : 1.0;
        double? Best(RunRecord r) => r.MetricRange is var (lo, hi) ? sign > 0 ? lo : hi : Latest(r);
        double? Latest(RunRecord r) => r.Summary.TryGetValue(metric.Name, out var v) && TreeValue.AsDouble(v) is double d && double.IsFinite(d) ? d : null;
        // W&B's "worst": over the ended runs that logged the metric, the worst of each run's worst value.
        var worstValues = runs.Where(r => r.State.IsTerminal() && r.MetricRange is not null).Select(r => sign > 0 ? r.MetricRange!.Value.Max : r.MetricRange!.Value.Min).ToList();
        double worst = worstValues.Count == 0 ? 0 : sign > 0 ? worstValues.Max() : worstValues.Min();
        double Impute(RunRecord r, string how) => how switch { "best" => Best(r) ?? worst, "latest" => Latest(r) ?? worst, _ => worst };

        var observed = new List<Observation>();
        var pending = new List<double[]>();
        foreach (var run in runs)
        {
            if (space.Encode(run.Config) is not { } x) continue;
            double? y = run.State switch
            {
                RunState.Finished => Best(run) ?? Impute(run, metric.Impute),
                RunState.Failed or RunState.Crashed or RunState.Killed => Impute(run, metric.Impute),
                _ when metric.ImputeWhileRunning != "false" => Impute(run, metric.ImputeWhileRunning),
                _ => null,
            };
            if (y is double value) observed.Add(new Observation(x, sign * value));
            else pending.Add(x);
        }
        return (observed, pending);
    }

    // The best half and an even spread of the rest, when there are more runs than the model takes.
    static List<Observation> Subset(List<Observation> all, int size, RandomStream random)
    {
        if (all.Count <= size) return all;
        var sorted = all.OrderBy(o => o.Y).ToList();
        var take = sorted.Take(size / 2).ToList();
        var rest = sorted.Skip(size / 2).ToList();
        var step = (double)rest.Count / (size - take.Count);
        for (var i = 0; i < size - take.Count; i++) take.Add(rest[(int)(i * step)]);
        return take;
    }

    static double[] MaximiseImprovement(GaussianProcess gp, SpaceEncoding space, List<Observation> observed, double best, RandomStream random)
    {
        var candidates = new List<double[]>();
        for (var i = 0; i < RandomCandidates; i++) candidates.Add(space.Random(random));
        foreach (var incumbent in observed.OrderBy(o => o.Y).Take(Incumbents))
            for (var i = 0; i < LocalCandidates; i++) candidates.Add(Perturb(incumbent.X, space, random, i < LocalCandidates / 2 ? 0.03 : 0.12));
        var ei = Improvement(gp, candidates, best);
        var order = Enumerable.Range(0, candidates.Count).OrderByDescending(i => ei[i]).Take(3).ToList();
        double[] winner = candidates[order[0]];
        var winnerEi = ei[order[0]];
        foreach (var start in order)
        {
            var (x, value) = LocalSearch(gp, space, candidates[start], ei[start], best);
            if (value > winnerEi) (winner, winnerEi) = (x, value);
        }
        return winner;
    }

    // Coordinate search with a shrinking step on the numeric dimensions; every categorical alternative is tried.
    static (double[] X, double Ei) LocalSearch(GaussianProcess gp, SpaceEncoding space, double[] start, double startEi, double best)
    {
        var x = (double[])start.Clone();
        var value = startEi;
        for (var step = 0.1; step > 0.005; step /= 2)
        {
            var moves = new List<double[]>();
            for (var d = 0; d < x.Length; d++)
            {
                if (space.IsCategorical[d])
                {
                    for (var k = 0; k < space.Cardinality[d]; k++) if (k != (int)x[d]) { var m = (double[])x.Clone(); m[d] = k; moves.Add(m); }
                    continue;
                }
                foreach (var sign in new[] { -1.0, 1.0 }) { var m = (double[])x.Clone(); m[d] += sign * step; space.Snap(m); moves.Add(m); }
            }
            var eis = Improvement(gp, moves, best);
            var i = Array.IndexOf(eis, eis.Max());
            if (eis[i] > value) (x, value) = (moves[i], eis[i]);
        }
        return (x, value);
    }

    static double[] Perturb(double[] x, SpaceEncoding space, RandomStream random, double scale)
    {
        var p = (double[])x.Clone();
        for (var d = 0; d < p.Length; d++)
        {
            if (space.IsCategorical[d]) { if (random.NextDouble() < 0.2) p[d] = random.NextInt(space.Cardinality[d]); }
            else p[d] += scale * Normal.InvCDF(0, 1, random.NextDouble());
        }
        space.Snap(p);
        return p;
    }

    // Expected improvement below the best observed value.
    static double[] Improvement(GaussianProcess gp, List<double[]> points, double best)
    {
        var (mean, sd) = gp.Predict(points);
        var ei = new double[points.Count];
        for (var i = 0; i < ei.Length; i++)
        {
            var z = (best - mean[i]) / sd[i];
            ei[i] = (best - mean[i]) * Normal.CDF(0, 1, z) + sd[i] * Normal.PDF(0, 1, z);
        }
        return ei;
    }

    // A point no run has yet (all-categorical spaces run out of new points; then a random one).
    // The runs' points are the ones Observations already encoded: every run the space can encode is observed or pending.
    static double[] Distinct(double[] x, List<Observation> observed, List<double[]> pending, SpaceEncoding space, RandomStream random)
    {
        var taken = new HashSet<string>(observed.Select(o => o.X).Concat(pending).Select(e => string.Join(',', e)));
        for (var attempt = 0; attempt < 50 && taken.Contains(string.Join(',', x)); attempt++) x = space.Random(random);
        return x;
    }
}
