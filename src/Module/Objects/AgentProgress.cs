using System.Management.Automation;

namespace Sweeps;

/// <summary>The agent's progress bar: runs done of what is asked (count, run cap or grid size) and the best so far.</summary>
internal static class AgentProgress
{
    /// <param name="record">The progress record to fill in.</param>
    /// <param name="sweep">A snapshot (config and a copy of the runs): agents' worker threads change the live state.</param>
    /// <param name="done">The runs this agent has ended.</param>
    /// <param name="count">The runs asked for (-Count), or null.</param>
    public static ProgressRecord Update(ProgressRecord record, Engine.Store.SweepSnapshot sweep, int done, int? count)
    {
        var total = Engine.Agents.AgentSession.Total(sweep, count);
        var doneNow = count is null ? sweep.Runs.Count : done;
        var best = SweepInfo.BestRun(sweep.Config, sweep.Runs);
        var bestText = best is null || sweep.Config.Metric is null ? "" :
            $", best {sweep.Config.Metric.Name} {Engine.Results.ResultColumns.MetricValue(sweep.Config, best):G6} (run {best.Number})";
        record.StatusDescription = total is long t ? $"{doneNow} of {t} runs{bestText}" : $"{doneNow} runs{bestText}";
        record.PercentComplete = total is long all && all > 0 ? (int)Math.Min(100, 100 * doneNow / all) : -1;
        return record;
    }
}
