using System.Collections;
using System.Management.Automation;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;

namespace Sweeps;

/// <summary>One run in full: its parameters, summary and every history row.</summary>
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

    internal static RunDetail From(SweepHandle sweep, RunRecord run) => new()
    {
        SweepId = sweep.Id, Id = run.Id, Number = run.Number, State = run.State.ToName(),
        Config = PowerShellValues.ToHashtable(run.Config), Summary = PowerShellValues.ToHashtable(run.Summary),
        History = sweep.History(run.Id).Select(PowerShellValues.ToPSObject).ToArray(),
        Error = run.Error, ExitCode = run.ExitCode, Agent = run.Agent, Created = run.Created, Ended = run.Ended,
        Runtime = run.Runtime, Directory = sweep.Backend.FilesLocation(run.Id),
    };
}
