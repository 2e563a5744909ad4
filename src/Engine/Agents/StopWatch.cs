using System.Collections.Concurrent;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;
using Sweeps.Engine.Termination;

namespace Sweeps.Engine.Agents;

/// <summary>
/// Watches the sweep while an agent works, every interval: when the sweep is canceled, ends all of this agent's
/// running runs at once (W&amp;B's cancel kills; stop lets them finish); otherwise applies the early-termination rule (if any) over every run's metric history
/// (read incrementally) and asks this agent's own runs the rule names to stop. Other agents' runs are their agents'
/// business: each agent evaluates the same pure rule.
/// </summary>
internal sealed class StopWatch : IDisposable
{
    readonly SweepHandle _sweep;
    readonly IEarlyTermination? _rule;
    readonly string? _metric;
    readonly Timer _timer;
    readonly ConcurrentDictionary<string, RunContext> _mine = new();
    readonly Dictionary<string, (IHistoryReader Tail, List<double> Values, bool Complete)> _histories = new();
    int _busy;

    public StopWatch(SweepHandle sweep, IEarlyTermination? rule, string? metric, TimeSpan interval)
    {
        _sweep = sweep;
        _rule = rule;
        _metric = metric;
        _timer = new Timer(_ => Check(), null, interval, interval);
    }

    public void Watch(RunContext run) => _mine[run.RunId] = run;

    public void Forget(string runId) => _mine.TryRemove(runId, out _);

    void Check()
    {
        if (_mine.IsEmpty || Interlocked.Exchange(ref _busy, 1) == 1) return;
        try
        {
            var sweep = _sweep.Snapshot();
            if (sweep.State == "canceled")
            {
                foreach (var run in _mine.Values) run.RequestStop("the sweep was canceled", atOnce: true);
                return;
            }
            if (_rule is null || _metric is null) return;
            var progress = sweep.Runs.Select(r => new RunProgress(r.Id, r.State, ValuesOf(r))).ToList();
            foreach (var stop in _rule.Evaluate(sweep.Config, progress))
                if (_mine.TryGetValue(stop.RunId, out var run)) run.RequestStop(stop.Reason);
        }
        catch (Exception) { } // a failed look (a file being replaced, a damaged journal) is retried at the next tick
        finally { Volatile.Write(ref _busy, 0); }
    }

    // A run's history is read on from where the last look stopped; once the run has ended and been read after that,
    // it cannot grow, so a sweep with thousands of ended runs costs no file reads per tick.
    List<double> ValuesOf(RunRecord run)
    {
        if (!_histories.TryGetValue(run.Id, out var h)) h = (_sweep.Backend.ReadHistory(run.Id), [], false);
        if (!h.Complete)
        {
            var ended = run.State.IsTerminal(); // judged before reading: rows written before the end are all there
            h.Values.AddRange(RunProgress.MetricValues(h.Tail.ReadNew(), _metric!)); // only called with a rule, which has a metric
            // Not before its file has been seen: a network share can report a fresh file missing for a while.
            h.Complete = ended && h.Tail.Seen;
        }
        _histories[run.Id] = h;
        return h.Values;
    }

    public void Dispose() => _timer.Dispose();
}
