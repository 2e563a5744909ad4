using System.Collections.Concurrent;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;
using Sweeps.Engine.Termination;

namespace Sweeps.Engine.Agents;

/// <summary>
/// Applies the sweep's early-termination rule while an agent works: every interval it reads every run's metric
/// history (incrementally), evaluates the rule over all runs, and asks this agent's own runs that the rule names to
/// stop. Other agents' runs are their agents' business: each agent evaluates the same pure rule.
/// </summary>
internal sealed class StopWatch : IDisposable
{
    readonly SweepHandle _sweep;
    readonly IEarlyTermination _rule;
    readonly string _metric;
    readonly Timer _timer;
    readonly ConcurrentDictionary<string, RunContext> _mine = new();
    readonly Dictionary<string, (HistoryTail Tail, List<double> Values)> _histories = new();
    int _busy;

    public StopWatch(SweepHandle sweep, IEarlyTermination rule, string metric, TimeSpan interval)
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
            var (config, runs) = _sweep.Snapshot();
            var progress = runs.Select(r => new RunProgress(r.Id, r.State, ValuesOf(r.Id))).ToList();
            foreach (var stop in _rule.Evaluate(config, progress))
                if (_mine.TryGetValue(stop.RunId, out var run)) run.RequestStop(stop.Reason);
        }
        catch (Exception) { } // a failed look (a file being replaced, a damaged journal) is retried at the next tick
        finally { Volatile.Write(ref _busy, 0); }
    }

    List<double> ValuesOf(string runId)
    {
        if (!_histories.TryGetValue(runId, out var h)) _histories[runId] = h = (new HistoryTail(_sweep.RunDirectory(runId)), []);
        h.Values.AddRange(RunProgress.MetricValues(h.Tail.ReadNew(), _metric));
        return h.Values;
    }

    public void Dispose() => _timer.Dispose();
}
