using System.Collections;
using System.Management.Automation;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;

namespace Sweeps;

/// <summary>One run in full: its parameters, summary, every history row and its program's output.</summary>
public sealed class RunDetail
{
    /// <summary>The sweep the run belongs to.</summary>
    public string SweepId { get; init; } = "";
    /// <summary>The run's id.</summary>
    public string Id { get; init; } = "";
    /// <summary>The run's 1-based number in its sweep.</summary>
    public int Number { get; init; }
    /// <summary>pending, running, finished, failed, crashed or killed.</summary>
    public string State { get; init; } = "";
    /// <summary>The run's parameters.</summary>
    public Hashtable Config { get; init; } = [];
    /// <summary>The last logged value of each metric.</summary>
    public Hashtable Summary { get; init; } = [];
    /// <summary>Every row the run logged, in order.</summary>
    public PSObject[] History { get; init; } = [];
    /// <summary>Why the run failed or crashed, or null.</summary>
    public string? Error { get; init; }
    /// <summary>The program's exit code, or null (a scriptblock, or not ended).</summary>
    public int? ExitCode { get; init; }
    /// <summary>The agent that ran it.</summary>
    public string Agent { get; init; } = "";
    /// <summary>When the run was claimed.</summary>
    public DateTimeOffset Created { get; init; }
    /// <summary>When the run ended, or null.</summary>
    public DateTimeOffset? Ended { get; init; }
    /// <summary>From claim to end, or null while running.</summary>
    public TimeSpan? Runtime { get; init; }
    /// <summary>Where the run's files are kept (a folder, or a URL).</summary>
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
