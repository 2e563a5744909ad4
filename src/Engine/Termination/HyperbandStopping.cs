using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Termination;

/// <summary>
/// W&amp;B's hyperband stopping rule, exactly: bands from <c>min_iter</c> (min_iter·eta^k) or from <c>max_iter</c> and
/// <c>s</c>; at each band the threshold is the int(n/eta)-th best value any run (in any state) logged there; a
/// running run is stopped when its value at its latest band (or its best so far, with <c>strict: false</c>) is
/// strictly worse than that band's threshold.
/// </summary>
internal sealed class HyperbandStopping : IEarlyTermination
{
    public IReadOnlyList<StopDecision> Evaluate(SweepConfig config, IReadOnlyList<RunProgress> runs)
    {
        var (spec, sign) = RuleSetting.From(config);
        var histories = runs.Where(r => r.Values.Count > 0).ToList();
        var bands = Bands(spec);
        var thresholds = Thresholds(bands, histories.Select(h => h.Values.Select(v => sign * v).ToList()).ToList(), spec.Eta);
        var stops = new List<StopDecision>();
        foreach (var run in histories.Where(r => r.State == RunState.Running))
        {
            var band = -1;
            var index = -1;
            for (var i = 0; i < bands.Count && bands[i] <= run.Values.Count; i++) (band, index) = (bands[i], i);
            if (band < 0) continue;
            var value = spec.Strict ? sign * run.Values[band - 1] : run.Values.Select(v => sign * v).Min();
            if (value > thresholds[index])
                stops.Add(new StopDecision(run.RunId, "hyperband", band, sign * value, sign * thresholds[index]));
        }
        return stops;
    }

    /// <summary>The bands (iterations where runs are compared), ascending.</summary>
    public static IReadOnlyList<int> Bands(EarlyTerminateSpec spec)
    {
        var bands = new List<int>();
        if (spec.MaxIter is long maxIter)
        {
            double band = maxIter;
            for (var i = 0; i < (int)(spec.S ?? 0); i++)
            {
                band /= spec.Eta;
                if (band < 1) break;
                bands.Add((int)band);
            }
            bands.Sort();
        }
        else if (spec.MinIter is long minIter)
        {
            for (var i = 0; i < 100; i++)
            {
                var band = minIter * Math.Pow(spec.Eta, i);
                if (band > int.MaxValue) break; // no run logs that many values
                bands.Add((int)band);
            }
        }
        if (bands.Count == 0)
            throw new ArgumentException("Bands must be an array of length at least 1. Try increasing s, decreasing eta, or increasing min_iter.");
        return bands;
    }

    /// <summary>Each band's threshold (in minimize space), +infinity where no run reached the band.</summary>
    public static double[] Thresholds(IReadOnlyList<int> bands, IReadOnlyList<List<double>> histories, double eta)
    {
        var r = 1.0 / eta;
        var thresholds = new double[bands.Count];
        for (var i = 0; i < bands.Count; i++)
        {
            var values = histories.Where(h => h.Count >= bands[i]).Select(h => h[bands[i] - 1]).Order().ToList();
            thresholds[i] = values.Count == 0 ? double.PositiveInfinity : values[(int)(r * values.Count)];
        }
        return thresholds;
    }
}
