using System.Collections;
using System.Management.Automation;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;

namespace Sweeps;

/// <summary>One run in full: its parameters, summary, every history row and its program's output.</summary>
public sealed class RunDetail
{
    public string SweepId { get; init; } = "";
    public string Id { get; init; } = "";
    public int Number { get; init; }
    public string State { get; init; } = "";
    public Hashtable Config { get; init; } = [];
    public Hashtable Summary { get; init; } = [];
    public PSObject[] History { get; init; } = [];
    public string? Error { get; init; }
    public int? ExitCode { get; init; }
    public string Agent { get; init; } = "";
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset? Ended { get; init; }
    public TimeSpan? Runtime { get; init; }
    public string Directory { get; init; } = "";

    /// <summary>The end of what the run's program wrote to stdout (null: nothing kept), read from the store when first asked.</summary>
    public string? StdOut => _stdOut ??= _sweep?.ReadFile(Id, "stdout.log", Engine.Limits.MaxRunLogBytes);

    /// <summary>The end of what the run's program wrote to stderr, read from the store when first asked.</summary>
    public string? StdErr => _stdErr ??= _sweep?.ReadFile(Id, "stderr.log", Engine.Limits.MaxRunLogBytes);

    // A store that is not a folder keeps the logs where no path leads: they are read through it, and only when wanted.
    SweepHandle? _sweep;
    string? _stdOut, _stdErr;

    internal static RunDetail From(SweepHandle sweep, RunRecord run) => new()
    {
        SweepId = sweep.Id, Id = run.Id, Number = run.Number, State = run.State.ToName(),
        Config = PowerShellValues.ToHashtable(run.Config), Summary = PowerShellValues.ToHashtable(run.Summary),
        History = sweep.History(run.Id).Select(PowerShellValues.ToPSObject).ToArray(),
        Error = run.Error, ExitCode = run.ExitCode, Agent = run.Agent, Created = run.Created, Ended = run.Ended,
        Runtime = run.Runtime, Directory = sweep.FilesLocation(run.Id), _sweep = sweep,
    };
}
