using MathNet.Numerics.LinearAlgebra;
using Sweeps.Engine.Search.Bayes;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Tests;

public sealed class GaussianProcessSpecs
{
    static double[][] Points(int n, int d, long seed)
    {
        var random = new RandomStream(seed, 0);
        return Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ => random.NextDouble()).ToArray()).ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    public void The_triangular_algebra_agrees_with_MathNet(int n)
    {
        var a = Matrix<double>.Build.DenseOfRowArrays(Points(n, n, n));
        var spd = a * a.Transpose() + Matrix<double>.Build.DenseIdentity(n) * 0.1;
        var lower = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, i + 1).Select(j => spd[i, j]).ToArray()).ToArray();
        Triangular.Cholesky(lower);
        var expected = spd.Cholesky();
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++) Assert.Equal(expected.Factor[i, j], lower[i][j], 1e-9);

        var b = Points(1, n, 99)[0];
        var solved = Triangular.SolveCholesky(lower, b);
        var reference = expected.Solve(Vector<double>.Build.DenseOfArray(b));
        for (var i = 0; i < n; i++) Assert.Equal(reference[i], solved[i], 1e-8);

        var inverse = Triangular.InverseFromCholesky(lower);
        var referenceInverse = spd.Inverse();
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++) Assert.Equal(referenceInverse[i, j], inverse[i][j], 1e-7);
    }

    [Fact]
    public void A_matrix_that_is_not_positive_definite_is_refused()
    {
        double[][] lower = [[1], [2, 1]];
        Assert.Throws<ArgumentException>(() => Triangular.Cholesky(lower));
    }

    [Fact]
    public void Lengthscales_per_dimension_are_chosen_only_when_the_dimensions_differ()
    {
        var x = Points(40, 3, 5);
        bool[] numeric = [false, false, false];
        // Only the first dimension matters: per-dimension lengthscales explain it far better.
        var oneMatters = GaussianProcess.Fit(x, x.Select(p => Math.Sin(6 * p[0])).ToArray(), numeric);
        Assert.True(oneMatters.PerDimension);
        Assert.True(oneMatters.LogLengthscales[1] > oneMatters.LogLengthscales[0] + 1, string.Join(", ", oneMatters.LogLengthscales));
        // Every dimension alike: one shared lengthscale is enough.
        var alike = GaussianProcess.Fit(x, x.Select(p => p.Sum(v => Math.Sin(4 * v))).ToArray(), numeric);
        Assert.False(alike.PerDimension);
        Assert.Single(alike.LogLengthscales.Distinct());
    }

    [Fact]
    public void It_interpolates_what_it_saw_and_is_unsure_far_from_it()
    {
        var x = Points(30, 2, 8).Select(p => new[] { p[0] * 0.5, p[1] * 0.5 }).ToArray(); // the lower-left quarter only
        var y = x.Select(p => p[0] * p[0] + p[1]).ToArray();
        var gp = GaussianProcess.Fit(x, y, [false, false]);
        var (mean, sd) = gp.Predict([x[3], [0.95, 0.95]]);
        Assert.Equal(y[3], mean[0], 2e-3);
        Assert.True(sd[1] > 20 * sd[0], $"sd seen {sd[0]}, unseen {sd[1]}");
    }

    [Fact]
    public void The_likelihood_gradient_matches_finite_differences()
    {
        var x = Points(25, 3, 11).Select(p => new[] { p[0], p[1], Math.Floor(p[2] * 3) }).ToArray(); // the third is a category
        var y = x.Select(p => Math.Sin(5 * p[0]) + p[1] * p[1] + (p[2] == 1 ? 0.5 : 0)).ToArray();
        var gp = GaussianProcess.Fit(x, y, [false, false, true]);
        double[] theta = [Math.Log(0.4), Math.Log(0.2), Math.Log(0.7), Math.Log(1.3), Math.Log(0.01)];
        var (_, gradient) = gp.NegativeLogLikelihood(theta);
        for (var i = 0; i < theta.Length; i++)
        {
            const double h = 1e-5;
            var up = (double[])theta.Clone(); up[i] += h;
            var down = (double[])theta.Clone(); down[i] -= h;
            var numeric = (gp.NegativeLogLikelihood(up).Value - gp.NegativeLogLikelihood(down).Value) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[i]) < 1e-4 * Math.Max(1, Math.Abs(numeric)), $"parameter {i}: analytic {gradient[i]}, numeric {numeric}");
        }
    }
}
