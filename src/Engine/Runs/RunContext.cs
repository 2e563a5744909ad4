using Sweeps.Engine.Store;

namespace Sweeps.Engine.Runs;

/// <summary>What a launcher gets for one run: which run, its parameters, its folder, where to log metrics and print.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A token source without a timer holds nothing to release; a run's context is dropped when the run ends.")]
public sealed class RunContext
{
    readonly RunClaim _claim;
    readonly Action<string>? _output;

    internal RunContext(RunClaim claim, RunRecorder recorder, Action<string>? output = null)
    {
        _claim = claim;
        Recorder = recorder;
        _output = output;
    }

    /// <summary>The sweep the run belongs to.</summary>
    public string SweepId => _claim.SweepId;
    /// <summary>The run's id.</summary>
    public string RunId => _claim.Run.Id;
    /// <summary>The run's 1-based number within its sweep.</summary>
    public int Number => _claim.Run.Number;
    /// <summary>The run's parameters, nested.</summary>
    public Dictionary<string, object?> Config => _claim.Run.Config;
    /// <summary>The run's working folder.</summary>
    public string Directory => _claim.Directory;
    /// <summary>Where the run's metrics are logged.</summary>
    public RunRecorder Recorder { get; }

    /// <summary>
    /// Logs a row a program reported. One the history refuses (<see cref="RunRecorder.Log"/> says why) is kept as a
    /// <c>_protocol_error</c> row instead, as a line that is not JSON is: a program's bad output never stops the agent.
    /// Code that should hear of the refusal (a scriptblock's Write-SweepMetric) logs to <see cref="Recorder"/> itself.
    /// </summary>
    public void Log(IReadOnlyDictionary<string, object?> row)
    {
        try
        {
            Recorder.Log(row);
        }
        catch (SweepsException e) when (e.Kind == SweepsErrorKind.InvalidMetric)
        {
            Recorder.Log(new Dictionary<string, object?> { ["_protocol_error"] = e.Message });
        }
    }

    /// <summary>Passes a line the run printed to whoever watches the agent (null: nobody).</summary>
    public void Output(string line) => _output?.Invoke(line);

    readonly CancellationTokenSource _stop = new();

    /// <summary>Why the run was asked to stop early (an early-termination rule), or null.</summary>
    public string? StopReason { get; private set; }

    /// <summary>Fires when the run is asked to stop early; the launcher ends it (cooperatively first).</summary>
    public CancellationToken StopRequested => _stop.Token;

    /// <summary>True once the run has been asked to stop.</summary>
    public bool ShouldStop => StopReason is not null;

    /// <summary>True when the run must end at once, with no grace period (a canceled sweep, as W&amp;B's cancel kills).</summary>
    public bool StopAtOnce { get; private set; }

    internal void RequestStop(string reason, bool atOnce = false)
    {
        if (StopReason is not null) return;
        StopAtOnce = atOnce; // before the reason: a launcher that sees ShouldStop sees how
        StopReason = reason;
        _stop.Cancel();
    }
}
