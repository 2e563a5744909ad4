using System.Text.RegularExpressions;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Runs;

/// <summary>
/// Builds a run's argument array from W&amp;B's command template and macros (<c>${env}</c>, <c>${interpreter}</c>,
/// <c>${program}</c>, <c>${args}</c>, ...), formatting values as Python's <c>str()</c> does, as W&amp;B's agent does.
/// The result is an argument array for a process: no shell ever sees it, so a value such as <c>a; rm -rf ~</c>
/// reaches the program as one literal argument.
/// </summary>
public static partial class CommandLine
{
    /// <summary>W&amp;B's default command: <c>${env} ${interpreter} ${program} ${args}</c>.</summary>
    public static readonly IReadOnlyList<string> DefaultTemplate = ["${env}", "${interpreter}", "${program}", "${args}"];

    /// <summary>Interpreters by program extension; a program with another extension is run directly.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Interpreters = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        [".py"] = PythonInterpreter.Here(),
        [".ps1"] = ["pwsh", "-NoProfile", "-NonInteractive", "-File"],
        [".sh"] = ["bash"],
        [".bash"] = ["bash"],
        [".js"] = ["node"],
        [".mjs"] = ["node"],
        [".rb"] = ["ruby"],
        [".pl"] = ["perl"],
        [".R"] = ["Rscript"],
        [".jl"] = ["julia"],
        [".dll"] = ["dotnet"],
    };

    /// <param name="template">The config's <c>command</c>, or null for W&amp;B's default.</param>
    /// <param name="program">The config's <c>program</c> (what <c>${program}</c> stands for).</param>
    /// <param name="config">The run's parameters, nested; top-level keys become arguments in ordinal order.</param>
    /// <param name="jsonFile">Where <c>${args_json_file}</c> points; the caller writes the JSON there.</param>
    /// <param name="environment">Looks up <c>${envvar:NAME}</c>.</param>
    /// <param name="interpreters">Interpreters by extension; <see cref="Interpreters"/> when null.</param>
    public static List<string> Build(IReadOnlyList<string>? template, string? program, IReadOnlyDictionary<string, object?> config,
        string jsonFile, Func<string, string?> environment, IReadOnlyDictionary<string, string[]>? interpreters = null)
    {
        var args = config.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var argv = new List<string>();
        foreach (var raw in template is { Count: > 0 } ? template : DefaultTemplate)
        {
            var item = EnvVar().Replace(raw, m => environment(m.Groups[1].Value) ?? m.Groups[1].Value);
            if (!(item.StartsWith("${", StringComparison.Ordinal) && item.EndsWith('}')))
            {
                argv.Add(item);
                continue;
            }
            switch (item[2..^1])
            {
                case "env": if (!OperatingSystem.IsWindows()) argv.Add("/usr/bin/env"); break;
                case "interpreter": argv.AddRange(InterpreterFor(program, interpreters ?? Interpreters)); break;
                case "program": if (program is not null) argv.Add(program); break;
                case "args": argv.AddRange(args.Select(a => $"--{a.Key}={TreeValue.Format(a.Value)}")); break;
                case "args_no_hyphens": argv.AddRange(args.Select(a => $"{a.Key}={TreeValue.Format(a.Value)}")); break;
                case "args_no_equals": argv.AddRange(args.SelectMany(a => new[] { $"--{a.Key}", TreeValue.Format(a.Value) })); break;
                case "args_no_boolean_flags":
                    argv.AddRange(args.Where(a => a.Value is not false).Select(a => a.Value is true ? $"--{a.Key}" : $"--{a.Key}={TreeValue.Format(a.Value)}"));
                    break;
                case "args_json": argv.Add(PythonJson.Dumps(config.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value))); break;
                case "args_json_file": argv.Add(jsonFile); break;
                case "args_append_hydra": argv.AddRange(args.Select(a => $"+{a.Key}={TreeValue.Format(a.Value)}")); break;
                case "args_override_hydra": argv.AddRange(args.Select(a => $"++{a.Key}={TreeValue.Format(a.Value)}")); break;
                default: break; // W&B drops unknown macros
            }
        }
        return argv;
    }

    /// <summary>The interpreter words for a program, by its extension (none for a binary or an unknown extension).</summary>
    internal static IReadOnlyList<string> InterpreterFor(string? program, IReadOnlyDictionary<string, string[]> interpreters) =>
        program is not null && interpreters.TryGetValue(Path.GetExtension(program), out var words) ? words : [];

    [GeneratedRegex(@"\$\{envvar:([A-Z0-9_]*)\}")] private static partial Regex EnvVar();
}
