using Sweeps.Engine.Space;

namespace Sweeps.Engine.Results;

/// <summary>
/// W&amp;B's parameter importance: the impurity importance of each parameter in a random forest trained to predict the
/// metric from the parameters (trees cope with categorical and unscaled inputs), normalised to sum to 1. A small
/// regression forest: bootstrap samples, variance-reduction splits over every feature, seeded, so the same runs
/// always give the same importances. (ML.NET has forests too, but is far too heavy a dependency for a module.)
/// </summary>
internal static class ParameterImportance
{
    const int Trees = 100, MinLeaf = 2, MaxDepth = 12;

    /// <param name="x">One row per run: each parameter's value (a categorical parameter as its value's index).</param>
    /// <param name="y">The metric of each run.</param>
    /// <param name="seed">Seeds the forest, so the same runs give the same importances.</param>
    public static double[] Compute(double[][] x, double[] y, long seed = 0)
    {
        var d = x.Length == 0 ? 0 : x[0].Length;
        var importance = new double[d];
        if (x.Length < 3) return importance;
        var random = new RandomStream(seed, 7);
        for (var t = 0; t < Trees; t++)
        {
            var sample = Enumerable.Range(0, x.Length).Select(_ => random.NextInt(x.Length)).ToArray();
            Grow(x, y, sample, 0, importance);
        }
        var total = importance.Sum();
        return total > 0 ? importance.Select(v => v / total).ToArray() : importance;
    }

    // Splits the rows at the best (feature, threshold) by variance reduction and recurses; adds each split's gain
    // (weighted by its rows) to its feature's importance.
    static void Grow(double[][] x, double[] y, int[] rows, int depth, double[] importance)
    {
        if (rows.Length < 2 * MinLeaf || depth >= MaxDepth) return;
        var parent = SumOfSquares(y, rows);
        if (parent <= 1e-15) return;
        var (bestGain, bestFeature, bestThreshold) = (0.0, -1, 0.0);
        for (var f = 0; f < x[0].Length; f++)
        {
            var sorted = rows.OrderBy(r => x[r][f]).ToArray();
            double leftSum = 0, leftSq = 0, totalSum = sorted.Sum(r => y[r]), totalSq = sorted.Sum(r => y[r] * y[r]);
            for (var i = 0; i < sorted.Length - 1; i++)
            {
                var v = y[sorted[i]];
                leftSum += v; leftSq += v * v;
                var nLeft = i + 1;
                var nRight = sorted.Length - nLeft;
                if (nLeft < MinLeaf || nRight < MinLeaf || x[sorted[i]][f] == x[sorted[i + 1]][f]) continue;
                var left = leftSq - leftSum * leftSum / nLeft;
                var right = (totalSq - leftSq) - (totalSum - leftSum) * (totalSum - leftSum) / nRight;
                var gain = parent - left - right;
                if (gain > bestGain) (bestGain, bestFeature, bestThreshold) = (gain, f, (x[sorted[i]][f] + x[sorted[i + 1]][f]) / 2);
            }
        }
        if (bestFeature < 0) return;
        importance[bestFeature] += bestGain;
        Grow(x, y, rows.Where(r => x[r][bestFeature] <= bestThreshold).ToArray(), depth + 1, importance);
        Grow(x, y, rows.Where(r => x[r][bestFeature] > bestThreshold).ToArray(), depth + 1, importance);
    }

    static double SumOfSquares(double[] y, int[] rows)
    {
        var mean = rows.Average(r => y[r]);
        return rows.Sum(r => (y[r] - mean) * (y[r] - mean));
    }
}
