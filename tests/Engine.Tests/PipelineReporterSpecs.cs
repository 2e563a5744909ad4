using Sweeps.Engine.Results;
using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Tests;

public sealed class PipelineReporterSpecs
{
    static readonly RunRecord Failed = new()
    {
        Id = "abcd1234", Number = 3, State = RunState.Failed, Config = new() { ["x"] = 1L }, Agent = "a", Created = default,
        Error = "exit code 1: out of memory; see ]log[\nsecond line",
    };

    [Fact]
    public void Nothing_is_reported_outside_a_pipeline()
    {
        Assert.Null(PipelineReporter.Detect(_ => null));
        Assert.Null(PipelineReporter.Detect(n => n == "GITHUB_ACTIONS" ? "true" : null)); // no step summary file: not a job step
    }

    [Fact]
    public void Azure_devops_gets_escaped_logging_commands_and_an_uploaded_summary()
    {
        var ado = PipelineReporter.Detect(n => n == "TF_BUILD" ? "True" : null)!;
        Assert.Equal("##vso[task.logissue type=warning]Run 3 (abcd1234) failed: exit code 1: out of memory%3B see %5Dlog[%0Asecond line", Assert.Single(ado.Failed(Failed)));
        Assert.Equal("##vso[task.setprogress value=25;]Sweep s: 3 of 12 runs", Assert.Single(ado.Progress("s", 3, 12)));
        var path = Path.Combine(Path.GetTempPath(), $"summary-{Guid.NewGuid():N}.md");
        try
        {
            Assert.Equal($"##vso[task.uploadsummary]{path}", Assert.Single(ado.Finished("## hello", path)));
            Assert.Equal("## hello", File.ReadAllText(path));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Github_actions_gets_warnings_and_the_step_summary()
    {
        var summary = Path.Combine(Path.GetTempPath(), $"step-{Guid.NewGuid():N}.md");
        try
        {
            var gh = PipelineReporter.Detect(n => n switch { "GITHUB_ACTIONS" => "true", "GITHUB_STEP_SUMMARY" => summary, _ => null })!;
            Assert.Equal("::warning title=Sweeps run 3 failed::exit code 1: out of memory; see ]log[%0Asecond line", Assert.Single(gh.Failed(Failed)));
            Assert.Empty(gh.Finished("## one", "unused"));
            Assert.Empty(gh.Finished("## two", "unused"));
            Assert.Equal("## one\n## two\n", File.ReadAllText(summary));
        }
        finally { File.Delete(summary); }
    }

    [Fact]
    public void The_summary_lists_the_best_runs_by_the_metric()
    {
        var config = Configs.Parse("method: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n");
        RunRecord Run(int n, double loss) => new()
        {
            Id = $"r{n}", Number = n, State = RunState.Finished, Config = new() { ["x"] = loss / 10 }, Agent = "a", Created = default,
            Summary = new Dictionary<string, object?> { ["loss"] = loss },
        };
        var md = PipelineReporter.Summary("id1", "demo", "finished", config, [Run(1, 0.5), Run(2, 0.2), Run(3, 0.9)], top: 2);
        Assert.Contains("## Sweep demo (id1): finished", md);
        Assert.Contains("3 runs: 3 finished.", md);
        Assert.Contains("| 2 (r2) | 0.02 | 0.2 |\n| 1 (r1) | 0.05 | 0.5 |\n", md);
        Assert.DoesNotContain("(r3)", md);
    }
}
