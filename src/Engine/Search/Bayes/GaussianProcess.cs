using System.Runtime.CompilerServices;
using MathNet.Numerics.Optimization;
using MathVector = MathNet.Numerics.LinearAlgebra.Vector<double>;

namespace Sweeps.Engine.Search.Bayes;

/// <summary>
/// A Gaussian process with a Matern 3/2 kernel (categorical dimensions add 1 to the squared distance when the
/// categories differ), a signal variance and a noise variance, fitted by maximising the log marginal likelihood
/// with MathNet's bounded BFGS (analytic gradient). Two kernels are fitted, one lengthscale shared by every
/// dimension and one per dimension (started from the shared fit), and the per-dimension one is kept only when its
/// likelihood pays for its extra parameters (BIC): on a rugged objective such as Levy's, free lengthscales fitted
/// to a few dozen runs stretch along the dimensions that look flat so far and the search stops exploring them.
/// Matern 3/2 rather than 5/2 for the same reason: it assumes a rougher function. y is standardised first.
/// </summary>
internal sealed class GaussianProcess
{
    static readonly double Sqrt3 = Math.Sqrt(3);

    readonly bool[] _categorical;
    readonly double[][] _x;
    readonly double[] _y;
    readonly double _mean, _scale;
    // Per dimension, the squared difference of every pair of points (pair p = i(i-1)/2 + j for j < i): the
    // likelihood is evaluated many times on the same points, and this makes each evaluation a few SIMD sweeps.
    double[][]? _pairDifferences;
    double[][] _lower = null!;
    double[] _alpha = null!;

    public double[] LogLengthscales { get; private set; }
    public double LogSignal { get; private set; }
    public double LogNoise { get; private set; }

    /// <summary>True when each dimension has its own lengthscale (the fit chose it over one shared lengthscale).</summary>
    public bool PerDimension { get; private set; }

    GaussianProcess(double[][] x, double[] y, bool[] categorical, double[] theta)
    {
        _x = x;
        _categorical = categorical;
        _mean = y.Average();
        var sd = Math.Sqrt(y.Select(v => (v - _mean) * (v - _mean)).Average());
        _scale = sd > 1e-12 ? sd : 1;
        _y = y.Select(v => (v - _mean) / _scale).ToArray();
        LogLengthscales = theta[..^2];
        LogSignal = theta[^2];
        LogNoise = theta[^1];
    }

    /// <summary>Fits the hyperparameters to (x, y) and returns the conditioned process.</summary>
    public static GaussianProcess Fit(double[][] x, double[] y, bool[] categorical)
    {
        var d = categorical.Length;
        var start = Enumerable.Repeat(Math.Log(0.3), d).Append(0.0).Append(Math.Log(1e-3)).ToArray();
        var gp = new GaussianProcess(x, y, categorical, start);
        var (theta, nll) = gp.MaximiseLikelihood(start, sharedLengthscale: true);
        if (d > 1)
        {
            var (perDimension, perDimensionNll) = gp.MaximiseLikelihood(theta, sharedLengthscale: false);
            // BIC: each extra parameter must buy half a log(n) of likelihood.
            if (perDimensionNll + 0.5 * Math.Log(x.Length) * (d - 1) < nll) (theta, gp.PerDimension) = (perDimension, true);
        }
        gp._pairDifferences = null;
        gp.Condition(theta);
        return gp;
    }

    /// <summary>The same hyperparameters conditioned on more points (pending runs with believed values).</summary>
    public GaussianProcess With(double[][] x, double[] y)
    {
        var gp = new GaussianProcess(x, y, _categorical, [.. LogLengthscales, LogSignal, LogNoise]) { PerDimension = PerDimension };
        gp.Condition([.. LogLengthscales, LogSignal, LogNoise]);
        return gp;
    }

    /// <summary>The posterior mean and standard deviation at each point, in the units of y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double[] Mean, double[] Sd) Predict(IReadOnlyList<double[]> points)
    {
        var n = _x.Length;
        var ls = LogLengthscales.Select(Math.Exp).ToArray();
        var signal = Math.Exp(LogSignal);
        var means = new double[points.Count];
        var sds = new double[points.Count];
        var kStar = new double[n];
        var v = new double[n];
        for (var j = 0; j < points.Count; j++)
        {
            for (var i = 0; i < n; i++) kStar[i] = Matern(Math.Sqrt(SquaredDistance(_x[i], points[j], ls)), signal);
            // k*^T K^-1 k* = |L^-1 k*|^2: one forward substitution per point (half the work of a full solve).
            Triangular.ForwardSubstitute(_lower, kStar, v);
            means[j] = _mean + _scale * Triangular.Dot(kStar, _alpha);
            sds[j] = _scale * Math.Sqrt(Math.Max(signal - Triangular.Dot(v, v), 1e-12));
        }
        return (means, sds);
    }

    // Bounded BFGS on the log hyperparameters from a start; with a shared lengthscale the d lengthscales move as one.
    (double[] Theta, double Nll) MaximiseLikelihood(double[] start, bool sharedLengthscale)
    {
        var d = _categorical.Length;
        var k = sharedLengthscale ? 1 : d;
        double[] Expand(MathVector p) => sharedLengthscale ? [.. Enumerable.Repeat(p[0], d), p[1], p[2]] : p.ToArray();
        var lower = MathVector.Build.Dense(k + 2, i => i < k ? Math.Log(0.03) : i == k ? Math.Log(0.05) : Math.Log(1e-6));
        var upper = MathVector.Build.Dense(k + 2, i => i < k ? Math.Log(20) : i == k ? Math.Log(20) : Math.Log(0.5));
        var initial = MathVector.Build.Dense(k + 2, i => i < k ? start[i] : start[d + i - k]);
        var objective = ObjectiveFunction.Gradient(p =>
        {
            var (value, gradient) = NegativeLogLikelihood(Expand(p));
            if (sharedLengthscale) gradient = [gradient[..d].Sum(), gradient[d], gradient[d + 1]];
            return (value, MathVector.Build.DenseOfArray(gradient));
        });
        try
        {
            var result = new BfgsBMinimizer(1e-4, 1e-5, 1e-6, 40).FindMinimum(objective, lower, upper, initial);
            return (Expand(result.MinimizingPoint), result.FunctionInfoAtMinimum.Value);
        }
        catch (Exception e) when (e is MaximumIterationsException or ArgumentException or InvalidOperationException or MathNet.Numerics.NonConvergenceException)
        {
            return (Expand(initial), NegativeLogLikelihood(Expand(initial)).Value);
        }
    }

    // -log p(y | x, theta) and its gradient in the log hyperparameters.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal (double Value, double[] Gradient) NegativeLogLikelihood(double[] theta)
    {
        var d = _categorical.Length;
        var n = _x.Length;
        var differences = _pairDifferences ??= PairDifferences();
        var pairs = differences.Length > 0 ? differences[0].Length : 0;
        var ls2 = theta[..d].Select(t => Math.Exp(2 * t)).ToArray();
        var signal = Math.Exp(theta[d]);
        var noise = Math.Exp(theta[d + 1]);

        var r2 = new double[pairs];
        for (var q = 0; q < d; q++) Triangular.AddScaled(r2, differences[q], 1 / ls2[q]);
        var decay = new double[pairs];
        var kernel = new double[pairs];
        for (var p = 0; p < pairs; p++)
        {
            var r = Math.Sqrt(r2[p]);
            decay[p] = Math.Exp(-Sqrt3 * r);
            kernel[p] = signal * (1 + Sqrt3 * r) * decay[p];
        }
        var lower = Covariance(kernel, signal + noise);
        Triangular.Cholesky(lower);
        var inverse = Triangular.InverseFromCholesky(lower);
        var alpha = inverse.Select(row => Triangular.Dot(row, _y)).ToArray();
        var logDet = 0.0;
        for (var i = 0; i < n; i++) logDet += Math.Log(lower[i][i]);
        var value = 0.5 * Triangular.Dot(_y, alpha) + logDet + 0.5 * n * Math.Log(2 * Math.PI);

        // dL/dtheta = -0.5 tr(W dK/dtheta), W = alpha alpha^T - K^-1; each off-diagonal pair counts twice.
        var grad = new double[d + 2];
        var weighted = new double[pairs];
        for (int i = 1, p = 0; i < n; i++)
            for (var j = 0; j < i; j++, p++)
            {
                var w = alpha[i] * alpha[j] - inverse[i][j];
                grad[d] += w * kernel[p];
                weighted[p] = w * signal * 3 * decay[p]; // dk/dr = -3 signal r e^(-sqrt3 r), dr/dlog(l) = -diff^2 / (l^2 r)
            }
        for (var i = 0; i < n; i++)
        {
            var w = alpha[i] * alpha[i] - inverse[i][i];
            grad[d] += 0.5 * w * signal;
            grad[d + 1] += 0.5 * w * noise;
        }
        for (var q = 0; q < d; q++) grad[q] = Triangular.Dot(weighted, differences[q]) / ls2[q];
        return (value, grad.Select(g => -g).ToArray());
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    double[][] PairDifferences()
    {
        var n = _x.Length;
        var differences = new double[_categorical.Length][];
        for (var q = 0; q < differences.Length; q++)
        {
            var column = differences[q] = new double[n * (n - 1) / 2];
            for (int i = 1, p = 0; i < n; i++)
                for (var j = 0; j < i; j++, p++)
                {
                    var diff = _categorical[q] ? (_x[i][q] == _x[j][q] ? 0 : 1) : _x[i][q] - _x[j][q];
                    column[p] = diff * diff;
                }
        }
        return differences;
    }

    // The lower triangle of K as row arrays, from the kernel value of every pair.
    double[][] Covariance(double[] kernel, double diagonal)
    {
        var n = _x.Length;
        var rows = new double[n][];
        for (int i = 0, p = 0; i < n; i++)
        {
            rows[i] = new double[i + 1];
            for (var j = 0; j < i; j++) rows[i][j] = kernel[p++];
            rows[i][i] = diagonal + 1e-8;
        }
        return rows;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Condition(double[] theta)
    {
        var d = _categorical.Length;
        LogLengthscales = theta[..d];
        LogSignal = theta[d];
        LogNoise = theta[d + 1];
        var ls = LogLengthscales.Select(Math.Exp).ToArray();
        var signal = Math.Exp(LogSignal);
        var n = _x.Length;
        var kernel = new double[n * (n - 1) / 2];
        for (int i = 1, p = 0; i < n; i++)
            for (var j = 0; j < i; j++) kernel[p++] = Matern(Math.Sqrt(SquaredDistance(_x[i], _x[j], ls)), signal);
        _lower = Covariance(kernel, signal + Math.Exp(LogNoise));
        Triangular.Cholesky(_lower);
        _alpha = Triangular.SolveCholesky(_lower, _y);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    double SquaredDistance(double[] a, double[] b, double[] lengthscales)
    {
        var r2 = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            var diff = _categorical[i] ? (a[i] == b[i] ? 0 : 1) : a[i] - b[i];
            r2 += diff * diff / (lengthscales[i] * lengthscales[i]);
        }
        return r2;
    }

    static double Matern(double r, double signal) => signal * (1 + Sqrt3 * r) * Math.Exp(-Sqrt3 * r);
}
