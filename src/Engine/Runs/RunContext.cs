using Sweeps.Engine.Store;

namespace Sweeps.Engine.Runs;

/// <summary>What a launcher gets for one run: which run, its parameters, its folder, where to log metrics and print.</summary>
public sealed class RunContext(RunClaim claim, RunRecorder recorder, Action<string>? output = null)
{
    public string SweepId => claim.SweepId;
    public string RunId => claim.Run.Id;
    public int Number => claim.Run.Number;
    public Dictionary<string, object?> Config => claim.Run.Config;
    public string Directory => claim.Directory;
    public RunRecorder Recorder { get; } = recorder;

    public void Log(IReadOnlyDictionary<string, object?> row) => Recorder.Log(row);

    /// <summary>Passes a line the run printed to whoever watches the agent (null: nobody).</summary>
    public void Output(string line) => output?.Invoke(line);
}
