using MathNet.Numerics.Distributions;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Tests;

public sealed class DistributionSpecs
{
    static Parameter Leaf(string yaml) => Configs.Parse("method: random\nparameters:\n  x: " + yaml).Parameters.Leaves.Single();

    [Theory]
    [InlineData(0.5, 0.0, 10.0, 5.0)]
    [InlineData(0.25, -2.0, 2.0, -1.0)]
    public void Uniform_is_min_plus_u_times_range(double u, double min, double max, double expected) =>
        Assert.Equal(expected, (double)Leaf($"{{distribution: uniform, min: {min:R}, max: {max:R}}}").Sample(u)!, 12);

    [Fact]
    public void Int_uniform_is_the_smallest_k_whose_share_reaches_u_and_stays_an_integer()
    {
        var p = Leaf("{min: 1, max: 4}");
        Assert.Equal(DistributionKind.IntUniform, p.Kind);
        Assert.Equal(1L, p.Sample(0.01));
        Assert.Equal(1L, p.Sample(0.25));
        Assert.Equal(2L, p.Sample(0.26));
        Assert.Equal(4L, p.Sample(0.99));
        Assert.Equal(0.5, p.Cdf(2L), 12);
    }

    [Fact]
    public void Min_max_with_a_float_infers_uniform()
    {
        Assert.Equal(DistributionKind.Uniform, Leaf("{min: 0.0, max: 1}").Kind);
        Assert.Equal(DistributionKind.Uniform, Leaf("{min: 0, max: 1.0}").Kind);
    }

    [Fact]
    public void Q_uniform_rounds_half_to_even_and_gives_integers_when_q_is_an_integer()
    {
        var intQ = Leaf("{distribution: q_uniform, min: 0, max: 10, q: 1}");
        Assert.Equal(2L, intQ.Sample(0.25)); // 2.5 -> 2
        Assert.Equal(4L, intQ.Sample(0.35)); // 3.5 -> 4
        var floatQ = Leaf("{distribution: q_uniform, min: 0, max: 10}");
        Assert.IsType<double>(floatQ.Sample(0.25));
        Assert.Equal(2.0, floatQ.Sample(0.25));
        var q5 = Leaf("{distribution: q_uniform, min: 0.3, max: 0.9, q: 0.5}");
        Assert.Equal(1.0, (double)q5.Sample(0.99)!, 12); // W&B: quantized values can leave [min, max]
    }

    [Fact]
    public void Log_uniform_values_spans_the_values_and_log_uniform_the_exponents()
    {
        var values = Leaf("{distribution: log_uniform_values, min: 1e-5, max: 1e-1}");
        Assert.Equal(1e-3, (double)values.Sample(0.5)!, 12);
        Assert.Equal(0.5, values.Cdf(1e-3), 12);
        var exps = Leaf("{distribution: log_uniform, min: 0, max: 2}");
        Assert.Equal(Math.E, (double)exps.Sample(0.5)!, 12);
        var inv = Leaf("{distribution: inv_log_uniform_values, min: 1e-4, max: 1}");
        Assert.Equal(1e-2, (double)inv.Sample(0.5)!, 12);
        Assert.Equal(0.5, inv.Cdf(1e-2), 9);
        var invExp = Leaf("{distribution: inv_log_uniform, min: 0, max: 2}");
        Assert.Equal(Math.Exp(-1), (double)invExp.Sample(0.5)!, 12);
        Assert.Equal(Math.Exp(-2), (double)invExp.Sample(0.0)!, 12);
    }

    [Fact]
    public void Normal_log_normal_and_beta_use_the_inverse_cdf()
    {
        var normal = Leaf("{distribution: normal, mu: 2, sigma: 3}");
        Assert.Equal(2 + 3 * Normal.InvCDF(0, 1, 0.9), (double)normal.Sample(0.9)!, 12);
        Assert.Equal(0.9, normal.Cdf(normal.Sample(0.9)), 9);
        var logNormal = Leaf("{distribution: log_normal, mu: 0, sigma: 1}");
        Assert.Equal(1.0, (double)logNormal.Sample(0.5)!, 12);
        var beta = Leaf("{distribution: beta, a: 2, b: 5}");
        Assert.Equal(Beta.InvCDF(2, 5, 0.3), (double)beta.Sample(0.3)!, 12);
        Assert.Equal(0.3, beta.Cdf(beta.Sample(0.3)), 9);
        var qNormal = Leaf("{distribution: q_normal, mu: 0, sigma: 10, q: 5}");
        Assert.Equal(0L, Assert.IsType<long>(qNormal.Sample(0.5)));
        var qBeta = Leaf("{distribution: q_beta, a: 2, b: 2, q: 0.5}");
        Assert.Equal(0.5, qBeta.Sample(0.5));
    }

    [Fact]
    public void Categorical_index_follows_ceil_u_n_and_the_encoding_is_rank_over_n()
    {
        var p = Leaf("{values: [a, b, c, d]}");
        Assert.Equal("a", p.Sample(0.1));
        Assert.Equal("a", p.Sample(0.25));
        Assert.Equal("b", p.Sample(0.26));
        Assert.Equal("d", p.Sample(0.99));
        Assert.Equal(new[] { 0.25, 0.5, 0.75, 1.0 }, new[] { "a", "b", "c", "d" }.Select(v => p.Cdf(v)));
        Assert.Throws<ArgumentException>(() => p.Cdf("z"));
    }

    [Fact]
    public void Weighted_categorical_takes_the_first_value_whose_cumulative_probability_exceeds_u()
    {
        var p = Leaf("{values: [x, y, z], probabilities: [0.2, 0.5, 0.3]}");
        Assert.Equal(DistributionKind.CategoricalWithProbabilities, p.Kind);
        Assert.Equal("x", p.Sample(0.1));
        Assert.Equal("y", p.Sample(0.2));
        Assert.Equal("y", p.Sample(0.69));
        Assert.Equal("z", p.Sample(0.7));
    }

    [Fact]
    public void Every_distribution_samples_inside_its_support_over_many_draws()
    {
        var random = new RandomStream(7, 0);
        var logValues = Leaf("{distribution: log_uniform_values, min: 0.001, max: 10}");
        var ints = Leaf("{min: -3, max: 3}");
        for (var i = 0; i < 10_000; i++)
        {
            var v = (double)logValues.Sample(random.NextDouble())!;
            Assert.InRange(v, 0.001 * (1 - 1e-12), 10 * (1 + 1e-12));
            Assert.InRange((long)ints.Sample(random.NextDouble())!, -3, 3);
        }
    }

    [Theory]
    [InlineData(1e-5, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.5, "0.5")]
    [InlineData(1.0, "1.0")]
    [InlineData(42.0, "42.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(123456789012345.0, "123456789012345.0")]
    [InlineData(-2.5e-7, "-2.5e-07")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.PositiveInfinity, "inf")]
    public void Floats_format_as_python_repr(double value, string expected) => Assert.Equal(expected, TreeValue.FormatFloat(value));

    [Fact]
    public void Values_format_as_python_str()
    {
        Assert.Equal("True", TreeValue.Format(true));
        Assert.Equal("None", TreeValue.Format(null));
        Assert.Equal("[64, 32]", TreeValue.Format(new List<object?> { 64L, 32L }));
        Assert.Equal("['a', 'b']", TreeValue.Format(new List<object?> { "a", "b" }));
        Assert.Equal("{'lr': 0.001, 'nadam': {'beta': 0.9}}",
            TreeValue.Format(new Dictionary<string, object?> { ["lr"] = 0.001, ["nadam"] = new Dictionary<string, object?> { ["beta"] = 0.9 } }));
    }

    [Fact]
    public void A_random_stream_is_a_pure_function_of_seed_and_stream()
    {
        var a = new RandomStream(42, 3);
        var b = new RandomStream(42, 3);
        var c = new RandomStream(42, 4);
        var xs = Enumerable.Range(0, 5).Select(_ => a.NextDouble()).ToList();
        Assert.Equal(xs, Enumerable.Range(0, 5).Select(_ => b.NextDouble()));
        Assert.NotEqual(xs, Enumerable.Range(0, 5).Select(_ => c.NextDouble()));
        Assert.All(xs, x => Assert.InRange(x, double.Epsilon, 1 - 1e-17));
    }
}
