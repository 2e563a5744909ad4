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
public sealed class SweepAgent(SweepHandle sweep, IRunLauncher launcher, AgentOptions options)
{
    readonly object _gate = new();
    readonly DateTime _started = DateTime.UtcNow;
    readonly List<DateTime> _failureTimes = [];
    int _claimed, _consecutiveFailures;
    string? _stopReason;

    /// <summary>Why the loop stopped, once it has.</summary>
    public string? StopReason => _stopReason;

    /// <summary>True when the agent stopped because runs kept failing (W&amp;B's failure policy).</summary>
    public bool StoppedForFailures { get; private set; }

    public IEnumerable<AgentEvent> Run(CancellationToken cancel) =>
        launcher.RequiresCallerThread ? RunOnCallerThread(cancel) : RunOnWorkers(cancel);

    IEnumerable<AgentEvent> RunOnCallerThread(CancellationToken cancel)
    {
        using var heartbeat = new Heartbeat(sweep.Directory, options.AgentId, options.HeartbeatInterval);
        while (NextClaim(cancel) is { } claim)
        {
            yield return new RunStarted(claim);
            yield return new RunCompleted(Execute(claim, null, cancel));
        }
    }

    IEnumerable<AgentEvent> RunOnWorkers(CancellationToken cancel)
    {
        using var heartbeat = new Heartbeat(sweep.Directory, options.AgentId, options.HeartbeatInterval);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var events = new BlockingCollection<AgentEvent>();
        Exception? failure = null;
        var workers = Enumerable.Range(0, Math.Max(1, options.ThrottleLimit)).Select(_ => new Thread(() =>
        {
            try
            {
                while (NextClaim(stop.Token) is { } claim)
                {
                    events.Add(new RunStarted(claim));
                    events.Add(new RunCompleted(Execute(claim, line => events.Add(new RunOutput(claim.Run.Id, line)), stop.Token)));
                }
            }
            catch (Exception e)
            {
                lock (_gate) failure ??= e;
                Stop($"an agent worker failed: {e.Message}");
            }
        }) { IsBackground = true, Name = "sweeps-agent-worker" }).ToList();
        workers.ForEach(w => w.Start());
        new Thread(() => { workers.ForEach(w => w.Join()); events.CompleteAdding(); }) { IsBackground = true }.Start();
        try
        {
            foreach (var e in events.GetConsumingEnumerable()) yield return e;
        }
        finally
        {
            // The caller may stop listening early: stop the workers and let them record how their runs ended.
            stop.Cancel();
            workers.ForEach(w => w.Join());
        }
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    // One claim at a time per agent keeps --count exact across workers.
    RunClaim? NextClaim(CancellationToken cancel)
    {
        lock (_gate)
        {
            if (_stopReason is not null) return null;
            if (cancel.IsCancellationRequested) { Stop("stopped by the user"); return null; }
            if (options.Count is int count && _claimed >= count) { Stop($"ran {count} run{(count == 1 ? "" : "s")} as asked"); return null; }
            var claim = sweep.Claim(options.AgentId, cancel, options.HeartbeatTimeout, options.RetryCrashed);
            if (claim is null)
            {
                var state = sweep.Refresh();
                Stop($"the sweep is {state.State}" + (state.StateReason is null ? "" : $" ({state.StateReason})"));
                return null;
            }
            _claimed++;
            return claim;
        }
    }

    void Stop(string reason)
    {
        lock (_gate) _stopReason ??= reason;
    }

    RunRecord Execute(RunClaim claim, Action<string>? output, CancellationToken cancel)
    {
        using var recorder = new RunRecorder(claim.Directory);
        RunOutcome outcome;
        try
        {
            outcome = launcher.Launch(new RunContext(claim, recorder, output), cancel);
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
        var ended = sweep.EndRun(claim.Run.Id, outcome.State, recorder.Summary, recorder.Steps, outcome.Error, outcome.ExitCode);
        CountFailure(ended);
        return ended;
    }

    // W&B's agent stops when runs keep failing: flapping (several failures right after the start) or a run of failures.
    void CountFailure(RunRecord run)
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
