using System.Globalization;
using System.Text;
using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Results;

/// <summary>
/// What an agent tells a CI system it runs in: Azure DevOps logging commands (progress, a warning per failed run,
/// a markdown summary uploaded at the end) or GitHub Actions workflow commands (warnings, the step summary file).
/// Detected from the environment (TF_BUILD, GITHUB_ACTIONS); null elsewhere.
/// </summary>
public abstract class PipelineReporter
{
    /// <summary>The reporter for the CI system the environment names, or null outside CI.</summary>
    public static PipelineReporter? Detect(Func<string, string?> environment)
    {
        if (string.Equals(environment("TF_BUILD"), "True", StringComparison.OrdinalIgnoreCase)) return new AzureDevOps();
        if (string.Equals(environment("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase) && environment("GITHUB_STEP_SUMMARY") is { Length: > 0 } summary)
            return new GitHubActions(summary);
        return null;
    }

    /// <summary>Lines to print as the agent progresses.</summary>
    public abstract IEnumerable<string> Progress(string sweep, int done, long? total);

    /// <summary>Lines to print for a run that failed or crashed.</summary>
    public abstract IEnumerable<string> Failed(RunRecord run);

    /// <summary>Publishes the end-of-agent summary (writing <paramref name="summaryPath"/> if needed); returns lines to print.</summary>
    public abstract IEnumerable<string> Finished(string markdown, string summaryPath);

    sealed class AzureDevOps : PipelineReporter
    {
        public override IEnumerable<string> Progress(string sweep, int done, long? total)
        {
            var percent = total is long t && t > 0 ? (int)Math.Min(100, 100 * done / t) : 0;
            yield return $"##vso[task.setprogress value={percent};]Sweep {sweep}: {done}{(total is null ? "" : $" of {total}")} runs";
        }

        public override IEnumerable<string> Failed(RunRecord run)
        {
            yield return $"##vso[task.logissue type=warning]Run {run.Number} ({run.Id}) {run.State.ToName()}: {Escape(run.Error ?? "")}";
        }

        public override IEnumerable<string> Finished(string markdown, string summaryPath)
        {
            File.WriteAllText(summaryPath, markdown);
            yield return $"##vso[task.uploadsummary]{summaryPath}";
        }

        // Logging command data cannot hold line breaks or the command delimiters.
        static string Escape(string s) => s.Replace("%", "%AZP25").Replace("\r", "%0D").Replace("\n", "%0A").Replace("]", "%5D").Replace(";", "%3B");
    }

    sealed class GitHubActions(string stepSummary) : PipelineReporter
    {
        public override IEnumerable<string> Progress(string sweep, int done, long? total) => [];

        public override IEnumerable<string> Failed(RunRecord run)
        {
            yield return $"::warning title=Sweeps run {run.Number} {run.State.ToName()}::{(run.Error ?? "").Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A")}";
        }

        public override IEnumerable<string> Finished(string markdown, string summaryPath)
        {
            File.AppendAllText(stepSummary, markdown + "\n");
            return [];
        }
    }

    /// <summary>A markdown summary of a sweep: its state, counts, and its best runs with their parameters.</summary>
    public static string Summary(string id, string name, string state, SweepConfig config, IReadOnlyList<RunRecord> runs, int top = 5)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"## Sweep {name} ({id}): {state}\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"{runs.Count} runs: {string.Join(", ", runs.GroupBy(r => r.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToName()}"))}.\n\n");
        if (config.Metric is not { } metric) return sb.ToString();
        var best = Ranking.Best(config, runs, top).ToList();
        if (best.Count == 0) return sb.Append("No run logged the metric.\n").ToString();
        var leaves = config.Parameters.Searchable.ToList();
        sb.Append(CultureInfo.InvariantCulture, $"Best runs by {metric.Name} ({metric.Goal.ToString().ToLowerInvariant()}):\n\n");
        sb.Append("| run | ").Append(string.Join(" | ", leaves.Select(l => l.Name))).Append(CultureInfo.InvariantCulture, $" | {metric.Name} |\n");
        sb.Append("|---|").Append(string.Concat(leaves.Select(_ => "---|"))).Append("---|\n");
        foreach (var run in best)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {run.Number} ({run.Id}) | ");
            foreach (var leaf in leaves)
            {
                Space.ParameterSpace.TryGetValue(run.Config, leaf, out var v);
                sb.Append(TreeValue.Format(v)).Append(" | ");
            }
            sb.Append(TreeValue.Format(run.Summary[metric.Name])).Append(" |\n");
        }
        return sb.ToString();
    }
}
