using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;

namespace Sweeps.Engine.Agents;

/// <summary>
/// The agent loop: claim the next run, launch it, record how it ended, repeat until the count is reached, the
/// sweep has nothing left or stops running, or the caller cancels. Yields each ended run as it ends.
/// </summary>
public sealed class SweepAgent(SweepHandle sweep, IRunLauncher launcher, AgentOptions options)
{
    /// <summary>Why the loop stopped, once it has.</summary>
    public string? StopReason { get; private set; }

    public IEnumerable<RunRecord> Run(CancellationToken cancel)
    {
        var done = 0;
        while (true)
        {
            if (options.Count is int count && done >= count) { StopReason = $"ran {count} run{(count == 1 ? "" : "s")} as asked"; yield break; }
            if (cancel.IsCancellationRequested) { StopReason = "stopped by the user"; yield break; }
            var claim = sweep.Claim(options.AgentId, cancel);
            if (claim is null)
            {
                var state = sweep.Refresh();
                StopReason = $"the sweep is {state.State}" + (state.StateReason is null ? "" : $" ({state.StateReason})");
                yield break;
            }
            yield return Execute(claim, cancel);
            done++;
        }
    }

    RunRecord Execute(RunClaim claim, CancellationToken cancel)
    {
        using var recorder = new RunRecorder(claim.Directory);
        RunOutcome outcome;
        try
        {
            outcome = launcher.Launch(new RunContext(claim, recorder), cancel);
        }
        catch (OperationCanceledException)
        {
            outcome = new RunOutcome(RunState.Killed, "stopped by the user");
        }
        catch (Exception e)
        {
            outcome = new RunOutcome(RunState.Failed, e.Message);
        }
        return sweep.EndRun(claim.Run.Id, outcome.State, recorder.Summary, recorder.Steps, outcome.Error, outcome.ExitCode);
    }
}
