using System.Globalization;
using System.Text.RegularExpressions;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Config;

/// <summary>
/// Validates a config tree against the W&amp;B sweep schema and builds a <see cref="SweepConfig"/>. Every problem
/// is collected (never only the first), each with its key path and line.
/// </summary>
public static partial class SweepConfigParser
{
    /// <summary>The search methods a config may name.</summary>
    public static readonly IReadOnlyList<string> Methods = ["grid", "random", "bayes"];
    static readonly string[] IgnoredKeys = ["entity", "project"], CloudKeys = ["controller", "apiVersion", "kind", "job", "image_uri"], Bounds = ["min", "max"];

    static readonly string[] TopLevelKeys =
        ["method", "metric", "parameters", "early_terminate", "command", "program", "run_cap", "name", "description", "seed",
         "entity", "project", "controller", "apiVersion", "kind", "job", "image_uri"];

    /// <summary>Parses and validates; throws <see cref="InvalidConfigException"/> listing every error.</summary>
    public static SweepConfig Parse(ConfigDocument doc, out IReadOnlyList<ConfigProblem> warnings)
    {
        var (config, problems) = Validate(doc);
        warnings = problems.Where(p => p.Severity == ConfigSeverity.Warning).ToList();
        var errors = problems.Where(p => p.Severity == ConfigSeverity.Error).ToList();
        if (errors.Count > 0 || config is null) throw new InvalidConfigException(errors, doc.Source);
        return config;
    }

    /// <summary>Every problem (errors and warnings) and, when there is no error, the config.</summary>
    public static (SweepConfig? Config, IReadOnlyList<ConfigProblem> Problems) Validate(ConfigDocument doc)
    {
        var v = new Validator(doc);
        var config = v.Run();
        return (v.Problems.Any(p => p.Severity == ConfigSeverity.Error) ? null : config, v.Problems);
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.-]*$")] private static partial Regex ParameterNamePattern();

    sealed class Validator(ConfigDocument doc)
    {
        public List<ConfigProblem> Problems { get; } = [];

        void Error(string path, string message) => Problems.Add(new ConfigProblem(path, message, doc.LineOf(path)));
        void Warn(string path, string message) => Problems.Add(new ConfigProblem(path, message, doc.LineOf(path), ConfigSeverity.Warning));

        public SweepConfig? Run()
        {
            var root = doc.Root;
            // A tree from anywhere (a hashtable, the journal) is checked as deeply as a file is, before anything walks it.
            if (TreeDepth.TooDeep(root) is { } deep)
            {
                Error(deep, TreeDepth.Problem);
                return null;
            }
            if (doc.IsInput) FindNul(root, new KeyPath());
            foreach (var key in root.Keys.Where(k => !TopLevelKeys.Contains(k)))
                Error(key, $"unknown key; expected one of {string.Join(", ", TopLevelKeys.Take(10))}");
            foreach (var key in IgnoredKeys.Where(root.ContainsKey))
                Warn(key, "ignored: sweeps are local, there is no W&B entity or project");
            foreach (var key in CloudKeys.Where(root.ContainsKey))
                Warn(key, "ignored: W&B cloud and launch settings have no meaning for a local sweep");

            var method = Method(root);
            var metric = root.TryGetValue("metric", out var m) ? Metric(m) : null;
            ParameterSpace? space = null;
            if (!root.TryGetValue("parameters", out var parameters)) Error("parameters", "Sweep config must contain parameters section"); // W&B's words (run.py)
            else space = Parameters(parameters);
            var early = root.TryGetValue("early_terminate", out var et) ? EarlyTerminate(et, metric is not null) : null;
            var command = root.TryGetValue("command", out var c) ? Command(c) : null;
            var program = OptionalString(root, "program");
            var name = OptionalString(root, "name");
            if (doc.IsInput && name is not null && Printable.NameProblem(name) is { } badName) Error("name", badName);
            var description = OptionalString(root, "description");
            var runCap = OptionalInteger(root, "run_cap", min: 1);
            var seed = OptionalInteger(root, "seed", min: 0);

            if (method == "grid" && space is not null)
                foreach (var p in space.Leaves.Where(p => p.Kind is not (DistributionKind.Constant or DistributionKind.Categorical or DistributionKind.IntUniform or DistributionKind.QUniform)))
                    Error(ParamPath(p.Keys), $"Parameter {p.Name} is a disallowed type with grid search. Grid search requires all parameters to be categorical, constant, int_uniform, or q_uniform. Specification of probabilities for categorical parameters is disallowed in grid search");

            if (method == "bayes" && metric is null && !root.ContainsKey("metric"))
                Error("metric", "Bayesian search requires \"metric\" section");
            if (method == "bayes" && space is not null && !space.Searchable.Any())
                Error("parameters", "Need at least one searchable parameter for bayes search.");

            if (Problems.Any(p => p.Severity == ConfigSeverity.Error)) return null;
            return new SweepConfig
            {
                Method = method!, Metric = metric, Parameters = space!, EarlyTerminate = early, Command = command,
                Program = program, Name = name, Description = description, RunCap = runCap, Seed = seed, Tree = root,
            };
        }

        // A value reaches a program's command line as an argument, and no argument can hold NUL (the OS ends it there):
        // every string is checked, keys too, wherever it sits.
        void FindNul(object? value, KeyPath path)
        {
            const string problem = "holds a NUL character (\\0): a command line cannot carry NUL, so no string in a config may";
            switch (value)
            {
                case string s when s.Contains('\0'):
                    Error(path.ToString(), problem);
                    break;
                case Dictionary<string, object?> map:
                    foreach (var (key, item) in map)
                    {
                        path.Push(key);
                        if (key.Contains('\0')) Error(path.ToString(), "the key " + problem);
                        FindNul(item, path);
                        path.Pop();
                    }
                    break;
                case List<object?> list:
                    for (var i = 0; i < list.Count; i++)
                    {
                        path.Push(i);
                        FindNul(list[i], path);
                        path.Pop();
                    }
                    break;
            }
        }

        static string ParamPath(IReadOnlyList<string> keys) => "parameters." + string.Join(".parameters.", keys);

        string? Method(Dictionary<string, object?> root)
        {
            if (!root.TryGetValue("method", out var value)) { Error("method", $"Sweep config must contain method section (one of {string.Join(", ", Methods)})"); return null; }
            if (value is not string s) { Error("method", $"must be a string, one of {string.Join(", ", Methods)}"); return null; }
            if (Methods.Contains(s)) return s;
            Error("method", $"unknown method '{s}'; expected one of {string.Join(", ", Methods)}");
            return null;
        }

        MetricSpec? Metric(object? value)
        {
            if (value is not Dictionary<string, object?> map) { Error("metric", "must be a mapping with at least 'name'"); return null; }
            foreach (var key in map.Keys.Where(k => k is not ("name" or "goal" or "target" or "impute" or "impute_while_running")))
                Error($"metric.{key}", "unknown key; expected name, goal, target, impute or impute_while_running");
            string? name = null;
            if (!map.TryGetValue("name", out var n)) Error("metric.name", "required: the name of the metric the runs log");
            else if (n is not string s || s.Length == 0) Error("metric.name", "must be a non-empty string");
            else name = s;
            var goal = MetricGoal.Minimize;
            if (map.TryGetValue("goal", out var g))
            {
                if (g is "minimize") goal = MetricGoal.Minimize;
                else if (g is "maximize") goal = MetricGoal.Maximize;
                else Error("metric.goal", $"'{TreeValue.Format(g)}' is not a goal; expected minimize or maximize");
            }
            double? target = null;
            if (map.TryGetValue("target", out var t))
            {
                target = TreeValue.AsDouble(t);
                if (target is null) Error("metric.target", "must be a number");
            }
            var impute = Choice(map, "impute", "metric.impute", ["worst", "best", "latest"], "worst");
            var whileRunning = map.TryGetValue("impute_while_running", out var iw) && iw is false ? "false"
                : Choice(map, "impute_while_running", "metric.impute_while_running", ["false", "worst", "best", "latest"], "false");
            return name is null ? null : new MetricSpec(name, goal, target, impute, whileRunning);
        }

        string Choice(Dictionary<string, object?> map, string key, string path, string[] allowed, string fallback)
        {
            if (!map.TryGetValue(key, out var value)) return fallback;
            if (value is string s && allowed.Contains(s)) return s;
            Error(path, $"'{TreeValue.Format(value)}' is not allowed; expected one of {string.Join(", ", allowed)}");
            return fallback;
        }

        ParameterSpace? Parameters(object? value)
        {
            var leaves = new List<Parameter>();
            if (!ParameterMap(value, "parameters", [], leaves)) return null;
            return new ParameterSpace(leaves);
        }

        bool ParameterMap(object? value, string path, string[] prefix, List<Parameter> leaves)
        {
            if (value is not Dictionary<string, object?> map || map.Count == 0)
            {
                Error(path, path == "parameters" ? "Parameters section of sweep config must be a dict of at least length 1" // W&B's words
                    : "must be a mapping of at least one parameter name to its definition");
                return false;
            }
            foreach (var (name, definition) in map)
            {
                var p = $"{path}.{name}";
                if (!ParameterNamePattern().IsMatch(name))
                    Error(p, "a parameter name must start with a letter or '_' and hold only letters, digits, '_', '.' and '-'");
                if (definition is not Dictionary<string, object?> def)
                {
                    Error(p, "must be a mapping such as {value: x}, {values: [...]}, {min: a, max: b} or {distribution: ...}");
                    continue;
                }
                if (def.TryGetValue("parameters", out var nested))
                {
                    foreach (var extra in def.Keys.Where(k => k != "parameters"))
                        Error($"{p}.{extra}", "a nested parameter holds only 'parameters'");
                    ParameterMap(nested, $"{p}.parameters", [.. prefix, name], leaves);
                    continue;
                }
                if (Leaf(def, p, [.. prefix, name]) is { } leaf) leaves.Add(leaf);
            }
            return true;
        }

        Parameter? Leaf(Dictionary<string, object?> def, string path, string[] keys)
        {
            var info = InferDistribution(def, path);
            if (info is null) return null;
            var ok = true;
            foreach (var key in def.Keys.Where(k => k != "distribution" && !info.Keys.Contains(k)))
            {
                Error($"{path}.{key}", $"not allowed with distribution {info.Name} (it takes {string.Join(", ", info.Keys)})");
                ok = false;
            }
            foreach (var key in info.Required.Where(k => !def.ContainsKey(k)))
            {
                Error($"{path}.{key}", $"required by distribution {info.Name}");
                ok = false;
            }
            if (!ok) return null;
            if (info.Deprecated)
                Warn($"{path}.distribution", $"{string.Join('.', keys)} uses {info.Name}, where min/max specify base-e exponents. Use {info.Name}_values to specify limit values.");

            var p = new Parameter { Keys = keys, Kind = info.Kind };
            switch (info.Kind)
            {
                case DistributionKind.Constant:
                    return p with { Value = def["value"] };
                case DistributionKind.Categorical:
                    return ValueList(def, path) is { } values ? p with { Values = values } : null;
                case DistributionKind.CategoricalWithProbabilities:
                    return WeightedValues(def, path, p);
            }
            var q = Number(def, "q", path, 1.0, positive: true);
            p = p with { Q = q ?? 1, IntegerQ = def.TryGetValue("q", out var qv) && TreeValue.IsInteger(qv) };
            if (info.Keys.Contains("min"))
            {
                var min = Number(def, "min", path, null);
                var max = Number(def, "max", path, null);
                if (min is null || max is null || q is null) return null;
                var intBounds = TreeValue.IsInteger(def["min"]) && TreeValue.IsInteger(def["max"]);
                if (info.Kind == DistributionKind.IntUniform && !intBounds)
                {
                    foreach (var k in Bounds.Where(k => !TreeValue.IsInteger(def[k])))
                        Error($"{path}.{k}", $"int_uniform needs an integer, got {TreeValue.Format(def[k])}");
                    return null;
                }
                if (min >= max)
                {
                    Error($"{path}.min", $"{string.Join('.', keys)}: min {TreeValue.Format(def["min"])} is not less than max {TreeValue.Format(def["max"])}");
                    return null;
                }
                if (info.Kind is DistributionKind.LogUniformValues or DistributionKind.QLogUniformValues or DistributionKind.InvLogUniformValues && min <= 0)
                {
                    Error($"{path}.min", $"{info.Name} needs min > 0 (its bounds are values, not exponents), got {TreeValue.Format(def["min"])}");
                    return null;
                }
                return p with { Min = min.Value, Max = max.Value, IntegerBounds = intBounds };
            }
            if (info.Keys.Contains("mu"))
            {
                var mu = Number(def, "mu", path, 0.0);
                var sigma = Number(def, "sigma", path, 1.0, nonNegative: true);
                return mu is null || sigma is null || q is null ? null : p with { Mu = mu.Value, Sigma = sigma.Value };
            }
            var a = Number(def, "a", path, 1.0, nonNegative: true);
            var b = Number(def, "b", path, 1.0, nonNegative: true);
            return a is null || b is null || q is null ? null : p with { A = a.Value, B = b.Value };
        }

        Distributions.Info? InferDistribution(Dictionary<string, object?> def, string path)
        {
            if (def.TryGetValue("distribution", out var d))
            {
                if (d is string name && Distributions.TryGet(name, out var info)) return info;
                Error($"{path}.distribution", $"unknown distribution '{TreeValue.Format(d)}'; expected one of {string.Join(", ", Distributions.Names)}");
                return null;
            }
            if (def.ContainsKey("value")) return Distributions.Get(DistributionKind.Constant);
            if (def.ContainsKey("values"))
                return Distributions.Get(def.ContainsKey("probabilities") ? DistributionKind.CategoricalWithProbabilities : DistributionKind.Categorical);
            if (def.ContainsKey("min") && def.ContainsKey("max"))
                return Distributions.Get(TreeValue.IsInteger(def["min"]) && TreeValue.IsInteger(def["max"]) ? DistributionKind.IntUniform : DistributionKind.Uniform);
            Error(path, "cannot tell the distribution: give 'value', 'values', both 'min' and 'max', 'parameters', or 'distribution'");
            return null;
        }

        List<object?>? ValueList(Dictionary<string, object?> def, string path)
        {
            if (def["values"] is List<object?> { Count: > 0 } values) return values;
            Error($"{path}.values", "must be a non-empty list");
            return null;
        }

        Parameter? WeightedValues(Dictionary<string, object?> def, string path, Parameter p)
        {
            var values = ValueList(def, path);
            if (def["probabilities"] is not List<object?> raw || raw.Any(x => TreeValue.AsDouble(x) is not >= 0))
            {
                Error($"{path}.probabilities", "must be a list of numbers, each at least 0");
                return null;
            }
            if (values is null) return null;
            var probs = raw.Select(x => TreeValue.AsDouble(x)!.Value).ToList();
            var name = path["parameters.".Length..];
            if (probs.Count != values.Count)
            {
                Error($"{path}.probabilities", $"Parameter {name}: values {TreeValue.Format(values)} and probabilities {TreeValue.Format(raw)} are not the same length");
                return null;
            }
            if (Math.Abs(probs.Sum() - 1) > 1e-8 + 1e-5)
            {
                Error($"{path}.probabilities", $"Parameter {name}: Probabilities {TreeValue.Format(raw)} do not sum to 1");
                return null;
            }
            return p with { Values = values, Probabilities = probs };
        }

        double? Number(Dictionary<string, object?> def, string key, string path, double? fallback, bool positive = false, bool nonNegative = false)
        {
            if (!def.TryGetValue(key, out var value)) return fallback;
            var d = TreeValue.AsDouble(value);
            if (d is null || !double.IsFinite(d.Value)) Error($"{path}.{key}", $"must be a finite number, got {Describe(value)}");
            else if (positive && d <= 0) Error($"{path}.{key}", $"must be greater than 0, got {TreeValue.Format(value)}");
            else if (nonNegative && d < 0) Error($"{path}.{key}", $"must be at least 0, got {TreeValue.Format(value)}");
            else return d;
            return null;
        }

        EarlyTerminateSpec? EarlyTerminate(object? value, bool hasMetric)
        {
            const string path = "early_terminate";
            if (value is not Dictionary<string, object?> map) { Error(path, "must be a mapping with a 'type' (hyperband or median)"); return null; }
            if (!hasMetric) Error(path, "early terminate requires \"metric\" section");
            if (!map.TryGetValue("type", out var type)) { Error($"{path}.type", "required: hyperband or median"); return null; }
            if (type is "median")
            {
                foreach (var key in map.Keys.Where(k => k is not ("type" or "min_iter" or "min_runs")))
                    Error($"{path}.{key}", "unknown key for median stopping; expected type, min_iter or min_runs");
                return new EarlyTerminateSpec("median", OptionalInteger(map, "min_iter", min: 1, path), null, null)
                    { MinRuns = OptionalInteger(map, "min_runs", min: 1, path) };
            }
            if (type is not "hyperband") { Error($"{path}.type", $"Invalid early stopping type {TreeValue.Format(type)}, must be one of [\"hyperband\", \"median\"]"); return null; }
            foreach (var key in map.Keys.Where(k => k is not ("type" or "min_iter" or "max_iter" or "s" or "eta" or "strict")))
                Error($"{path}.{key}", "unknown key; expected type, min_iter, max_iter, s, eta or strict");
            var minIter = OptionalInteger(map, "min_iter", min: 1, path);
            var maxIter = OptionalInteger(map, "max_iter", min: 1, path);
            var s = Number(map, "s", path, null);
            var eta = Number(map, "eta", path, 3.0) ?? 3;
            if (eta <= 1) Error($"{path}.eta", $"must be greater than 1, got {TreeValue.Format(map["eta"])}");
            var strict = true;
            if (map.TryGetValue("strict", out var st))
            {
                if (st is bool b) strict = b;
                else Error($"{path}.strict", "must be true or false");
            }
            if (maxIter is null && minIter is null)
                Error(path, "invalid config for hyperband stopping: either \"max_iter\" or \"min_iter\" must be specified");
            else if (maxIter is not null && minIter is null && s is null)
                Error($"{path}.s", "required with max_iter: the number of brackets");
            var spec = new EarlyTerminateSpec("hyperband", minIter, maxIter, s, eta, strict);
            // A config with no band would be accepted and then never stop anything: refused here, with W&B's words.
            if (eta > 1 && (minIter is not null || maxIter is not null && s is not null))
            {
                try { Termination.HyperbandStopping.Bands(spec); }
                catch (ArgumentException e) { Error(path, e.Message); }
            }
            return spec;
        }

        List<string>? Command(object? value)
        {
            if (value is not List<object?> { Count: > 0 } list) { Error("command", "must be a non-empty list of arguments"); return null; }
            return list.Select(TreeValue.Format).ToList();
        }

        string? OptionalString(Dictionary<string, object?> map, string key)
        {
            if (!map.TryGetValue(key, out var value) || value is null) return null;
            if (value is string s) return s;
            Error(key, $"must be a string, got {Describe(value)}");
            return null;
        }

        long? OptionalInteger(Dictionary<string, object?> map, string key, long min, string prefix = "")
        {
            var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (!map.TryGetValue(key, out var value) || value is null) return null;
            if (value is long l && l >= min) return l;
            Error(path, $"must be an integer of at least {min}, got {Describe(value)}");
            return null;
        }

        static string Describe(object? value) => value switch
        {
            string s => $"the string '{s}'",
            _ => TreeValue.Format(value),
        };
    }
}
