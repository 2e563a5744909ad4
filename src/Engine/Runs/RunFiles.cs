using System.Text;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Runs;

/// <summary>
/// The files and environment a program run gets: its parameters as JSON (and as W&amp;B's params YAML), where to
/// append metrics, and its ids and folder.
/// </summary>
public sealed record RunFiles(string ArgsJson, string MetricsFile, IReadOnlyDictionary<string, string> Environment)
{
    public static RunFiles Write(RunContext run)
    {
        var argsJson = Path.Combine(run.Directory, "params.json");
        File.WriteAllText(argsJson, PythonJson.Dumps(run.Config.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value)));
        var wandbParams = Path.Combine(run.Directory, "wandb-params.yaml");
        File.WriteAllText(wandbParams, WandbParamsYaml(run.Config));
        var metrics = Path.Combine(run.Directory, "metrics.jsonl");
        var env = new Dictionary<string, string>
        {
            ["SWEEPS_SWEEP_ID"] = run.SweepId,
            ["SWEEPS_RUN_ID"] = run.RunId,
            ["SWEEPS_RUN_DIR"] = run.Directory,
            ["SWEEPS_PARAMS_FILE"] = argsJson,
            ["SWEEPS_METRICS_FILE"] = metrics,
            ["WANDB_SWEEP_ID"] = run.SweepId,
            ["WANDB_RUN_ID"] = run.RunId,
            ["WANDB_SWEEP_PARAM_PATH"] = wandbParams,
        };
        return new RunFiles(argsJson, metrics, env);
    }

    // W&B's params file: "wandb_version: 1" then {name: {value: v}} per parameter. Values are written as JSON,
    // which is valid YAML and keeps their types.
    static string WandbParamsYaml(IReadOnlyDictionary<string, object?> config)
    {
        var sb = new StringBuilder("wandb_version: 1\n\n");
        foreach (var (k, v) in config.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            sb.Append(PythonJson.Dumps(k)).Append(":\n  value: ").Append(PythonJson.Dumps(v)).Append('\n');
        return sb.ToString();
    }

    /// <summary>The last <paramref name="maxBytes"/> of a text file (a run's log), or null when there is none.</summary>
    public static string? ReadTail(string path, int maxBytes)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var start = Math.Max(0, fs.Length - maxBytes);
            fs.Seek(start, SeekOrigin.Begin);
            var bytes = new byte[fs.Length - start];
            fs.ReadExactly(bytes);
            return Encoding.UTF8.GetString(bytes);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return null; }
    }
}
