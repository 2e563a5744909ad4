using Sweeps.Engine.Config;

namespace Sweeps.Engine.Tests;

public sealed class ConfigSpecs
{
    [Fact]
    public void Yaml_follows_the_1_2_core_schema()
    {
        var doc = YamlConfigReader.Read("a: 1e-5\nb: '1e-5'\nc: !!str 3\nd: 3\ne: 3.0\nf: true\ng: ~\nh: .inf\ni: 0x10\nj: !!float 2\n");
        Assert.Equal(1e-5, doc.Root["a"]);
        Assert.Equal("1e-5", doc.Root["b"]);
        Assert.Equal("3", doc.Root["c"]);
        Assert.Equal(3L, doc.Root["d"]);
        Assert.Equal(3.0, doc.Root["e"]);
        Assert.Equal(true, doc.Root["f"]);
        Assert.Null(doc.Root["g"]);
        Assert.Equal(double.PositiveInfinity, doc.Root["h"]);
        Assert.Equal(16L, doc.Root["i"]);
        Assert.Equal(2.0, doc.Root["j"]);
    }

    [Fact]
    public void Json_is_read_by_the_same_reader()
    {
        var config = Configs.Parse("""{"method": "grid", "parameters": {"lr": {"values": [0.1, 0.01]}}}""");
        Assert.Equal("grid", config.Method);
        Assert.Equal(new object?[] { 0.1, 0.01 }, config.Parameters.Leaves[0].Values);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_its_key_path_and_line()
    {
        var problems = Configs.Problems("""
            method: grid
            metric:
              name: loss
              goal: minimise
            parameters:
              lr:
                min: 0.1
                max: 0.01
              layers:
                distribution: gaussian
              dropout:
                distribution: normal
                min: 0
              bad name: {value: 1}
            colour: blue
            """);
        var errors = problems.Where(p => p.Severity == ConfigSeverity.Error).ToList();
        Assert.Contains(errors, p => p.Path == "metric.goal" && p.Line == 4 && p.Message.Contains("minimise"));
        Assert.Contains(errors, p => p.Path == "parameters.lr.min" && p.Line == 7 && p.Message == "lr: min 0.1 is not less than max 0.01");
        Assert.Contains(errors, p => p.Path == "parameters.layers.distribution" && p.Line == 10 && p.Message.Contains("unknown distribution 'gaussian'"));
        Assert.Contains(errors, p => p.Path == "parameters.dropout.min" && p.Line == 13 && p.Message.Contains("not allowed with distribution normal"));
        Assert.Contains(errors, p => p.Path == "parameters.bad name" && p.Line == 14);
        Assert.Contains(errors, p => p.Path == "colour" && p.Line == 15);
        Assert.Equal(6, errors.Count);
    }

    [Fact]
    public void Invalid_yaml_names_the_line()
    {
        var e = Assert.Throws<InvalidConfigException>(() => YamlConfigReader.Read("method: grid\nparameters:\n  x: [1, 2\n"));
        Assert.NotNull(e.Problems.Single().Line);
        Assert.Contains("not valid YAML", e.Message);
    }

    [Fact]
    public void A_duplicate_key_is_a_problem()
    {
        var e = Assert.Throws<InvalidConfigException>(() => YamlConfigReader.Read("method: grid\nmethod: random\n"));
        Assert.Equal(2, e.Problems.Single().Line);
        Assert.Contains("Duplicate key", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Grid_rejects_continuous_parameters_with_wandbs_reason()
    {
        var problems = Configs.Problems("method: grid\nparameters:\n  lr: {min: 0.0, max: 1.0}\n  w: {values: [1, 2], probabilities: [0.5, 0.5]}\n");
        Assert.Equal(2, problems.Count(p => p.Message.Contains("is a disallowed type with grid search")));
    }

    [Theory]
    [InlineData("max_iter: 2, s: 3, eta: 3")]
    [InlineData("max_iter: 1, s: 1")]
    public void Hyperband_with_no_band_is_refused_at_validation_with_wandbs_message(string settings)
    {
        var problems = Configs.Problems($"method: random\nmetric: {{name: loss}}\nearly_terminate: {{type: hyperband, {settings}}}\nparameters:\n  x: {{min: 0.0, max: 1.0}}\n");
        var problem = Assert.Single(problems);
        Assert.Equal("early_terminate", problem.Path);
        Assert.Equal("Bands must be an array of length at least 1. Try increasing s, decreasing eta, or increasing min_iter.", problem.Message);
        Assert.Empty(Configs.Problems("method: random\nmetric: {name: loss}\nearly_terminate: {type: hyperband, max_iter: 27, s: 2}\nparameters:\n  x: {min: 0.0, max: 1.0}\n"));
    }

    [Theory]
    [InlineData("parameters:\n  x: {value: 1}\n", "method", "Sweep config must contain method section (one of grid, random, bayes)")]
    [InlineData("method: grid\n", "parameters", "Sweep config must contain parameters section")]
    [InlineData("method: grid\nparameters: {}\n", "parameters", "Parameters section of sweep config must be a dict of at least length 1")]
    public void A_missing_method_or_parameters_is_said_in_wandbs_words(string yaml, string path, string message)
    {
        var problem = Assert.Single(Configs.Problems(yaml));
        Assert.Equal((path, message), (problem.Path, problem.Message));
    }

    [Fact]
    public void Probabilities_must_match_the_values_and_sum_to_one()
    {
        Assert.Contains(Configs.Problems("method: random\nparameters:\n  x: {values: [1, 2], probabilities: [0.5]}\n"),
            p => p.Message == "Parameter x: values [1, 2] and probabilities [0.5] are not the same length");
        Assert.Contains(Configs.Problems("method: random\nparameters:\n  x: {values: [1, 2], probabilities: [0.5, 0.6]}\n"),
            p => p.Message == "Parameter x: Probabilities [0.5, 0.6] do not sum to 1");
    }

    [Fact]
    public void Deprecated_distributions_and_cloud_keys_warn_but_are_valid()
    {
        var problems = Configs.Problems("method: random\nentity: me\nproject: p\nparameters:\n  lr: {distribution: log_uniform, min: -5, max: 0}\n");
        Assert.All(problems, p => Assert.Equal(ConfigSeverity.Warning, p.Severity));
        Assert.Contains(problems, p => p.Message == "lr uses log_uniform, where min/max specify base-e exponents. Use log_uniform_values to specify limit values.");
        Assert.Contains(problems, p => p.Path == "entity");
        Assert.Contains(problems, p => p.Path == "project");
    }

    [Fact]
    public void Missing_method_and_parameters_are_reported()
    {
        var problems = Configs.Problems("name: x\n");
        Assert.Contains(problems, p => p.Path == "method");
        Assert.Contains(problems, p => p.Path == "parameters");
    }

    [Fact]
    public void Defaults_are_filled_as_wandb_fills_them()
    {
        var c = Configs.Parse("method: random\nmetric: {name: acc, goal: maximize}\nrun_cap: 5\nseed: 9\nearly_terminate: {type: hyperband, min_iter: 3}\nparameters:\n  n: {distribution: normal}\n  q: {distribution: q_log_uniform_values, min: 1, max: 100}\n");
        Assert.Equal(new MetricSpec("acc", MetricGoal.Maximize), c.Metric);
        Assert.Equal((5L, 9L), (c.RunCap!.Value, c.Seed!.Value));
        Assert.Equal(new EarlyTerminateSpec("hyperband", 3, null, null, 3, true), c.EarlyTerminate);
        var n = c.Parameters.Leaves.Single(p => p.Name == "n");
        Assert.Equal((0.0, 1.0), (n.Mu, n.Sigma));
        Assert.Equal((1.0, false), (c.Parameters.Leaves.Single(p => p.Name == "q").Q, c.Parameters.Leaves.Single(p => p.Name == "q").IntegerQ));
    }

    [Fact]
    public void Hyperband_needs_a_metric_and_max_iter_or_min_iter()
    {
        var problems = Configs.Problems("method: random\nearly_terminate: {type: hyperband, eta: 1}\nparameters:\n  x: {value: 1}\n");
        Assert.Contains(problems, p => p.Message == "early terminate requires \"metric\" section");
        Assert.Contains(problems, p => p.Message.Contains("either \"max_iter\" or \"min_iter\" must be specified"));
        Assert.Contains(problems, p => p.Path == "early_terminate.eta");
    }

    [Fact]
    public void Nested_parameters_are_leaves_in_name_order_at_every_level()
    {
        var c = Configs.Parse("method: grid\nparameters:\n  b: {value: 1}\n  a:\n    parameters:\n      z: {value: 2}\n      y: {values: [3, 4]}\n");
        Assert.Equal(new[] { "a.y", "a.z", "b" }, c.Parameters.Leaves.Select(p => p.Name));
        var config = c.Parameters.ToConfig([3L, 2L, 1L]);
        var a = Assert.IsType<Dictionary<string, object?>>(config["a"]);
        Assert.Equal((3L, 2L, 1L), ((long)a["y"]!, (long)a["z"]!, (long)config["b"]!));
    }
}
