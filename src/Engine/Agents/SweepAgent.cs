using System.Collections.Concurrent;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;

namespace Sweeps.Engine.Agents;

/// <summary>
/// The agent loop: claim the next run, launch it, record how it ended, until the count is reached, the sweep has
/// nothing left or stops running, runs keep failing, or the caller cancels. With a throttle above one, that many
/// workers run at once on their own threads; events still arrive on the enumerating thread. A launcher that must
/// run on the caller's thread (a scriptblock in the caller's runspace) runs there, one run at a time.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The stop watch is disposed by the run that made it (using); the field only lets a worker reach it.")]
internal sealed class SweepAgent(SweepHandle sweep, IRunLauncher launcher, AgentOptions options)
{
    readonly object _gate = new();
    readonly DateTime _started = DateTime.UtcNow;
    readonly List<DateTime> _failureTimes = [];
    readonly string? _metric = sweep.State.Config.Metric?.Name; // its range is recorded for model-based search
    int _claimed, _consecutiveFailures;
    string? _stopReason;
    StopWatch? _stopWatch;

    /// <summary>Why the loop stopped, once it has.</summary>
    public string? StopReason => _stopReason;

    /// <summary>True when the agent stopped because runs kept failing (W&amp;B's failure policy).</summary>
    public bool StoppedForFailures { get; private set; }

    public IEnumerable<AgentEvent> Run(CancellationToken cancel) =>
        launcher.RequiresCallerThread ? RunOnCallerThread(cancel) : RunOnWorkers(cancel);

    // Cancellation of the sweep and its early-termination rule, applied while this agent works.
    StopWatch WatchForStops()
    {
        var config = sweep.State.Config;
        return _stopWatch = new StopWatch(sweep, Termination.EarlyTerminations.For(config), config.Metric?.Name, options.StopCheckInterval);
    }

    IEnumerable<AgentEvent> RunOnCallerThread(CancellationToken cancel)
    {
        using var heartbeat = new Heartbeat(sweep.Backend, options.AgentId, options.HeartbeatInterval);
        using var stops = WatchForStops();
        var claim = FirstClaim(cancel);
        while (claim is not null)
        {
            yield return new RunStarted(claim);
            (var ended, claim) = Execute(claim, null, cancel);
            yield return Completed(ended);
        }
    }

    IEnumerable<AgentEvent> RunOnWorkers(CancellationToken cancel)
    {
        using var heartbeat = new Heartbeat(sweep.Backend, options.AgentId, options.HeartbeatInterval);
        using var stops = WatchForStops();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var events = new BlockingCollection<AgentEvent>();
        Exception? failure = null;
        var workers = Enumerable.Range(0, Math.Max(1, options.ThrottleLimit)).Select(_ => new Thread(() =>
        {
            try
            {
                var claim = FirstClaim(stop.Token);
                while (claim is not null)
                {
                    events.Add(new RunStarted(claim));
                    var id = claim.Run.Id;
                    (var ended, claim) = Execute(claim, line => events.Add(new RunOutput(id, line)), stop.Token);
                    events.Add(Completed(ended));
                }
            }
            catch (Exception e)
            {
                lock (_gate) failure ??= e;
                Stop($"an agent worker failed: {e.Message}");
            }
        }) { IsBackground = true, Name = "sweeps-agent-worker" }).ToList();
        workers.ForEach(w => w.Start());
        // The one writer of the collection's end. It is joined before the collection is disposed, so nothing (not even
        // CompleteAdding still returning) ever touches it disposed, however the caller stops listening.
        var completer = new Thread(() => { workers.ForEach(w => w.Join()); events.CompleteAdding(); }) { IsBackground = true, Name = "sweeps-agent-end" };
        completer.Start();
        try
        {
            // Drained to the end even when canceled: the workers then record how their runs ended.
            foreach (var e in events.GetConsumingEnumerable(CancellationToken.None)) yield return e;
        }
        finally
        {
            // The caller may stop listening early: stop the workers and let them record how their runs ended.
            stop.Cancel();
            completer.Join();
        }
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    ClaimRequest Request => new(options.AgentId, options.HeartbeatTimeout, options.RetryCrashed);

    // Nothing silent: a run that finished without ever logging the sweep's metric cannot be ranked nor guide the
    // search, which is most often a misspelt name (val_los for val_loss).
    RunCompleted Completed(RunRecord run)
    {
        if (run.State != RunState.Finished || _metric is null || run.Summary.ContainsKey(_metric)) return new RunCompleted(run);
        var logged = run.Summary.Keys.Where(k => !k.StartsWith('_')).Order(StringComparer.Ordinal).ToList();
        var near = Names.Nearest(_metric, logged);
        return new RunCompleted(run,
            $"Run {run.Number} ({run.Id}) finished without logging the sweep's metric '{Printable.Text(_metric)}'"
            + (logged.Count == 0 ? " (it logged nothing)" : $" (it logged: {Printable.Text(string.Join(", ", logged.Take(20)))})")
            + (near is null ? "" : $"; did you mean '{Printable.Text(near)}'?")
            + ": it cannot be ranked, and the search learns nothing from it.");
    }

    RunClaim? FirstClaim(CancellationToken cancel) => Reserve(cancel) ? Claimed(sweep.Claim(Request, cancel), cancel) : null;

    // Takes one of the agent's runs before claiming it, so -Count stays exact across workers; false when done.
    bool Reserve(CancellationToken cancel)
    {
        lock (_gate)
        {
            if (_stopReason is not null) return false;
            if (cancel.IsCancellationRequested) { Stop("stopped by the user"); return false; }
            if (options.Count is int count && _claimed >= count) { Stop($"ran {count} run{(count == 1 ? "" : "s")} as asked"); return false; }
            _claimed++;
            return true;
        }
    }

    // A reserved claim that found nothing: a paused sweep is waited for (unless ExitWhenIdle); otherwise the sweep
    // is over, and so is the agent.
    RunClaim? Claimed(RunClaim? claim, CancellationToken cancel)
    {
        while (claim is null && !options.ExitWhenIdle && sweep.Refresh().State == "paused" && !cancel.IsCancellationRequested)
        {
            if (cancel.WaitHandle.WaitOne(options.PausePollInterval)) break;
            claim = sweep.Claim(Request, cancel);
        }
        if (claim is not null) return claim;
        var state = sweep.Refresh();
        lock (_gate)
        {
            _claimed--;
            Stop(cancel.IsCancellationRequested ? "stopped by the user" : $"the sweep is {state.State}" + (state.StateReason is null ? "" : $" ({state.StateReason})"));
        }
        return null;
    }

    void Stop(string reason)
    {
        lock (_gate) _stopReason ??= reason;
    }

    // Runs one run, records how it ended and, when the agent goes on, claims its next run in the same change.
    (RunRecord Ended, RunClaim? Next) Execute(RunClaim claim, Action<string>? output, CancellationToken cancel)
    {
        RunEnding ending;
        using (var recorder = new RunRecorder(sweep.Backend.WriteHistory(claim.Run.Id), _metric))
        {
            var context = new RunContext(claim, recorder, output);
            _stopWatch?.Watch(context);
            RunOutcome outcome;
            try
            {
                outcome = launcher.Launch(context, cancel);
            }
            catch (OperationCanceledException)
            {
                outcome = new RunOutcome(RunState.Killed, "stopped by the user");
            }
            catch (SweepsException e) when (e.Kind == SweepsErrorKind.ProgramNotFound)
            {
                outcome = new RunOutcome(RunState.Failed, e.Message);
            }
            catch (Exception e) when (e is not SweepsException)
            {
                outcome = new RunOutcome(RunState.Failed, e.Message);
            }
            finally
            {
                _stopWatch?.Forget(claim.Run.Id);
            }
            // A run the early-termination rule stopped is killed, however its code reacted (W&B's semantics).
            if (context.StopReason is { } reason) outcome = new RunOutcome(RunState.Killed, reason, outcome.ExitCode);
            outcome = KeepFiles(claim, outcome);
            ending = new RunEnding(claim.Run.Id, outcome.State, recorder.Summary, recorder.Steps, outcome.Error, outcome.ExitCode) { MetricRange = recorder.MetricRange };
        }
        CountFailure(ending);
        if (!Reserve(cancel)) return (sweep.EndRun(ending), null);
        var (ended, next) = sweep.EndRunAndClaim(ending, Request, cancel);
        return (ended, Claimed(next, cancel));
    }

    // The run's logs and files go to the store before it is recorded as ended, so whoever sees it ended finds them.
    // A store that cannot take them does not undo the run: its ending says what was lost.
    RunOutcome KeepFiles(RunClaim claim, RunOutcome outcome)
    {
        try
        {
            sweep.Backend.KeepFiles(claim.Run.Id);
            return outcome;
        }
        catch (SweepsException e) when (e.Kind != SweepsErrorKind.StoreFull)
        {
            return outcome with { Error = (outcome.Error is null ? "" : outcome.Error + "; ") + $"its files were not kept: {e.Message}" };
        }
    }

    // W&B's agent stops when runs keep failing: flapping (several failures right after the start) or a run of failures.
    void CountFailure(RunEnding run)
    {
        lock (_gate)
        {
            if (run.State != RunState.Failed) { if (run.State == RunState.Finished) _consecutiveFailures = 0; return; }
            _consecutiveFailures++;
            _failureTimes.Add(DateTime.UtcNow);
            var early = _failureTimes.Count(t => t - _started <= options.FlappingWindow);
            string? why = null;
            if (options.MaxConsecutiveFailures > 0 && _consecutiveFailures >= options.MaxConsecutiveFailures)
                why = $"{_consecutiveFailures} runs in a row failed";
            else if (options.FlappingFailures > 0 && early >= options.FlappingFailures && _failureTimes.Count == early && _claimed == early)
                why = $"the first {early} runs failed within {options.FlappingWindow.TotalSeconds:0} s of the start";
            if (why is null) return;
            StoppedForFailures = true;
            Stop($"{why}; the last error: {run.Error}");
        }
    }
}
