using System.Collections;
using Sweeps.Engine.Runs;

namespace Sweeps;

/// <summary>The <c>$Run</c> a training scriptblock receives: which run, its parameters, and its folder.</summary>
public sealed class SweepRunInfo
{
    readonly RunContext _context;

    internal SweepRunInfo(RunContext context)
    {
        _context = context;
        Config = PowerShellValues.ToHashtable(context.Config);
    }

    public string Id => _context.RunId;
    public string SweepId => _context.SweepId;
    public int Number => _context.Number;
    /// <summary>The parameters; nested parameters are nested hashtables.</summary>
    public Hashtable Config { get; }
    /// <summary>The run's own folder, for checkpoints and artefacts.</summary>
    public string Dir => _context.Directory;

    /// <summary>Appends one history row, like <c>wandb.log</c>.</summary>
    public void Log(IDictionary metrics) => _context.Log(PowerShellValues.ToMap(metrics)!);

    internal void Log(Dictionary<string, object?> row) => _context.Log(row);

    /// <summary>The run the current thread is executing, for Write-SweepMetric.</summary>
    [ThreadStatic] internal static SweepRunInfo? Current;

    public override string ToString() => $"{SweepId}/{Id}";
}
