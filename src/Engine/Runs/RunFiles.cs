using System.Text;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Runs;

/// <summary>
/// The files and environment a program run gets: its parameters as JSON (and as W&amp;B's params YAML), where to
/// append metrics, its ids and folder, and W&amp;B's variables as its agent sets them (<c>WANDB_DIR</c> the agent's
/// working directory unless set; the params file is in the run's folder, not under <c>WANDB_DIR</c>).
/// </summary>
internal sealed record RunFiles(string ArgsJson, string MetricsFile, IReadOnlyDictionary<string, string> Environment)
{
    public static RunFiles Write(RunContext run, string workingDirectory)
    {
        var argsJson = Path.Combine(run.Directory, "params.json");
        File.WriteAllText(argsJson, PythonJson.Dumps(run.Config.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value)));
        var wandbParams = Path.Combine(run.Directory, "wandb-params.yaml");
        File.WriteAllText(wandbParams, PyYaml.WandbParams(run.Config));
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
        if (string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("WANDB_DIR"))) env["WANDB_DIR"] = workingDirectory;
        return new RunFiles(argsJson, metrics, env);
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
