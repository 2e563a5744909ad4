namespace Sweeps.SearchBench;

/// <summary>The six benchmark objectives (shared/bench/FUNCTIONS.md), evaluated in the order the reference gives.</summary>
public static class Objectives
{
    public sealed record Objective(string Name, string ParametersYaml, double Minimum, Func<IReadOnlyDictionary<string, object?>, double> F);

    static double D(IReadOnlyDictionary<string, object?> c, string k) => Convert.ToDouble(c[k], System.Globalization.CultureInfo.InvariantCulture);

    static string Uniform(int n, double lo, double hi) =>
        string.Concat(Enumerable.Range(0, n).Select(i => $"  x{i}: {{distribution: uniform, min: {lo:R}, max: {hi:R}}}\n"));

    public static readonly Objective[] All =
    [
        new("branin", "  x0: {distribution: uniform, min: -5.0, max: 10.0}\n  x1: {distribution: uniform, min: 0.0, max: 15.0}\n", 0.39788735772973816, c => Branin(D(c, "x0"), D(c, "x1"))),
        new("hartmann6", Uniform(6, 0.0, 1.0), -3.322368011415515, c => Hartmann6(Enumerable.Range(0, 6).Select(i => D(c, $"x{i}")).ToArray())),
        new("rosenbrock4", Uniform(4, -5.0, 10.0), 0, c => Rosenbrock(Enumerable.Range(0, 4).Select(i => D(c, $"x{i}")).ToArray())),
        new("ackley5", Uniform(5, -32.768, 32.768), 0, c => Ackley(Enumerable.Range(0, 5).Select(i => D(c, $"x{i}")).ToArray())),
        new("levy4", Uniform(4, -10.0, 10.0), 0, c => Levy(Enumerable.Range(0, 4).Select(i => D(c, $"x{i}")).ToArray())),
        new("ml_mixed",
            "  batch_size: {values: [16, 32, 64, 128]}\n  dropout: {distribution: uniform, min: 0.0, max: 0.5}\n  layers: {distribution: int_uniform, min: 1, max: 6}\n  lr: {distribution: log_uniform_values, min: 1.0e-5, max: 0.1}\n  optimizer: {values: [adam, sgd, rmsprop]}\n",
            0.1, c => MlMixed((string)c["optimizer"]!, D(c, "batch_size"), D(c, "layers"), D(c, "lr"), D(c, "dropout"))),
        // The optimum close to a bound (0.9 in [0, 0.99]): a model that pushes candidates onto the bounds shows here.
        new("near_bound3", Uniform(3, 0.0, 0.99), 0, c => Enumerable.Range(0, 3).Sum(i => Math.Pow(D(c, $"x{i}") - 0.9, 2))),
    ];

    public static double Branin(double x0, double x1)
    {
        double b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, r = 6, s = 10, t = 1 / (8 * Math.PI);
        var inner = x1 - b * x0 * x0 + c * x0 - r;
        return inner * inner + s * (1 - t) * Math.Cos(x0) + s;
    }

    static readonly double[] Alpha = [1.0, 1.2, 3.0, 3.2];
    static readonly double[,] A = { { 10, 3, 17, 3.5, 1.7, 8 }, { 0.05, 10, 17, 0.1, 8, 14 }, { 3, 3.5, 1.7, 10, 17, 8 }, { 17, 8, 0.05, 10, 0.1, 14 } };
    static readonly double[,] P =
    {
        { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 }, { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
        { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650 }, { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 },
    };

    public static double Hartmann6(double[] x)
    {
        var f = 0.0;
        for (var i = 0; i < 4; i++)
        {
            var inner = 0.0;
            for (var j = 0; j < 6; j++) inner += A[i, j] * (x[j] - P[i, j]) * (x[j] - P[i, j]);
            f += Alpha[i] * Math.Exp(-inner);
        }
        return -f;
    }

    public static double Rosenbrock(double[] x)
    {
        var f = 0.0;
        for (var i = 0; i < x.Length - 1; i++) f += 100 * (x[i + 1] - x[i] * x[i]) * (x[i + 1] - x[i] * x[i]) + (x[i] - 1) * (x[i] - 1);
        return f;
    }

    public static double Ackley(double[] x)
    {
        double sq = 0, cos = 0;
        foreach (var v in x) { sq += v * v; cos += Math.Cos(2 * Math.PI * v); }
        return -20 * Math.Exp(-0.2 * Math.Sqrt(sq / x.Length)) - Math.Exp(cos / x.Length) + 20 + Math.E;
    }

    public static double Levy(double[] x)
    {
        var w = x.Select(v => 1 + (v - 1) / 4).ToArray();
        var sum = 0.0;
        for (var i = 0; i < w.Length - 1; i++) sum += Math.Pow(w[i] - 1, 2) * (1 + 10 * Math.Pow(Math.Sin(Math.PI * w[i] + 1), 2));
        var last = w[^1];
        return Math.Pow(Math.Sin(Math.PI * w[0]), 2) + sum + Math.Pow(last - 1, 2) * (1 + Math.Pow(Math.Sin(2 * Math.PI * last), 2));
    }

    public static double MlMixed(string optimizer, double batchSize, double layers, double lr, double dropout)
    {
        var (c, baseLoss) = optimizer switch { "adam" => (-3.0, 0.0), "rmsprop" => (-3.3, 0.03), _ => (-1.7, 0.06) };
        var b = Math.Log2(batchSize / 32);
        var u = Math.Log10(lr);
        var uStar = c + 0.15 * b;
        var dStar = 0.05 * (layers + 1);
        return 0.1 + baseLoss + 0.25 * (u - uStar) * (u - uStar) + 2 * (dropout - dStar) * (dropout - dStar) + 0.02 * (layers - 4) * (layers - 4) + 0.03 * (b - 1) * (b - 1);
    }
}
