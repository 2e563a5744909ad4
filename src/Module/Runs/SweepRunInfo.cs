using System.Collections;
using System.Management.Automation;
using Sweeps.Engine;
using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Space;

namespace Sweeps;

/// <summary>The <c>$Run</c> a training scriptblock receives: which run, its parameters, and its folder.</summary>
public sealed class SweepRunInfo
{
    readonly RunContext _context;
    readonly MetricSpec? _metric;
    readonly CmdletStreams? _streams;

    internal SweepRunInfo(RunContext context, MetricSpec? metric, CmdletStreams? streams = null)
    {
        _context = context;
        _metric = metric;
        _streams = streams;
        Config = RunConfig.From(context.Config);
    }

    /// <summary>The run's id.</summary>
    public string Id => _context.RunId;
    /// <summary>The sweep the run belongs to.</summary>
    public string SweepId => _context.SweepId;
    /// <summary>The run's 1-based number in its sweep.</summary>
    public int Number => _context.Number;
    /// <summary>The parameters (a <see cref="RunConfig"/>): <c>$Run.Config.lr</c>; reading a key it does not have is an error.</summary>
    public PSObject Config { get; }
    /// <summary>The run's own folder, for checkpoints and artefacts.</summary>
    public string Dir => _context.Directory;

    /// <summary>True once the sweep's early-termination rule has stopped this run: finish up and return. The next
    /// metric logged ends the run anyway.</summary>
    public bool ShouldStop => _context.ShouldStop;

    /// <summary>Why the run was stopped early, or null.</summary>
    public string? StopReason => _context.StopReason;

    /// <summary>
    /// Appends one history row, like <c>wandb.log</c>: a hashtable or object (its properties), or a bare number as
    /// a value of the sweep's metric. Anything else (a string the block wrote to its output) is shown as the run's
    /// output, as a program's printed lines are, never dropped without a word. A row that contains itself or nests deeper than
    /// <see cref="Engine.Limits.MaxValueDepth"/> is refused (<see cref="SweepsErrorKind.InvalidMetric"/>, naming the key).
    /// </summary>
    public void Log(object? metrics)
    {
        if (metrics is PSObject { BaseObject: not PSCustomObject } wrapped) metrics = wrapped.BaseObject;
        // A command the block calls that does not exist fails the run (see Finished): a typo, or a session function
        // a throttled block cannot see. Its error is shown as any other.
        if (metrics is ErrorRecord error) Saw(error);
        if (metrics is ErrorRecord shown && _streams is null) { _context.Output("error: " + shown); return; }
        if (_streams?.TryWrite(metrics) == true) return;
        if (_context.ShouldStop) throw new RunStoppedException($"The run was stopped early ({_context.StopReason}).");
        object? row;
        try
        {
            row = PowerShellValues.ToTree(metrics, Engine.Limits.MaxConfigNodes); // shared parts count at each use: no exponential row
        }
        catch (PowerShellValues.ShapeException e)
        {
            throw new SweepsException(SweepsErrorKind.InvalidMetric, $"The metric row cannot be logged: {e.Message}.");
        }
        // The recorder itself, not the context: the context turns a refused row into a _protocol_error row, as it must
        // for a program, but here the caller should hear of it.
        if (row is Dictionary<string, object?> map) _context.Recorder.Log(map);
        else if (_metric is not null && TreeValue.AsDouble(row) is double number)
            _context.Recorder.Log(new Dictionary<string, object?> { [_metric.Name] = number });
        else if (row is not null) Say(row is string text ? text : TreeValue.Format(row));
    }

    // On the caller's thread the cmdlet shows it; on a throttled worker it goes out as the run's output line.
    void Say(string line)
    {
        if (_streams is not null) _streams.Say(line);
        else _context.Output(line);
    }

    /// <summary>The first error that must fail the run although the block went on after it, if the block met one.</summary>
    internal ErrorRecord? Fatal { get; private set; }

    /// <summary>
    /// Takes note of an error the block wrote (from its output or its error stream). PowerShell goes on after a
    /// statement fails, so two errors would otherwise end in a run that looks finished: a command that does not exist
    /// (a typo, or a session function a throttled block cannot see) and a config key the run does not have.
    /// </summary>
    internal void Saw(ErrorRecord error)
    {
        if (error.Exception is CommandNotFoundException || UnknownKey(error.Exception) is not null) Fatal ??= error;
    }

    static SweepsException? UnknownKey(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is SweepsException { Kind: SweepsErrorKind.UnknownConfigKey } found) return found;
        return null;
    }

    /// <summary>
    /// How a block that ran to its end ended: finished, or failed after an error <see cref="Saw"/> keeps.
    /// <paramref name="ownRunspace"/>: a throttled run, which sees only the Sweeps module, not the session's functions.
    /// </summary>
    internal RunOutcome Finished(bool ownRunspace)
    {
        if (Fatal is not { } error) return RunOutcome.Finished;
        if (UnknownKey(error.Exception) is { } unknown) return new RunOutcome(RunState.Failed, unknown.Message); // the key's path says where
        var name = (error.Exception as CommandNotFoundException)?.CommandName ?? error.TargetObject?.ToString() ?? "a command";
        return new RunOutcome(RunState.Failed, ownRunspace
            ? $"The block called '{name}', which its runspace does not have: with -ThrottleLimit each run has a runspace of its own with only the Sweeps module. Define '{name}' inside the block, or import its module there."
            : $"The block called '{name}', which does not exist ({ScriptBlockLauncher.Describe(error)}).");
    }

    /// <summary>Where in the script the error happened, as " (at file:line)", or nothing.</summary>
    internal static string Where(ErrorRecord error) => error.InvocationInfo is { ScriptLineNumber: > 0 } at
        ? $" (at {(string.IsNullOrEmpty(at.ScriptName) ? "line " + at.ScriptLineNumber : $"{at.ScriptName}:{at.ScriptLineNumber}")})"
        : "";

    /// <summary>The run the current thread is executing, for Write-SweepMetric.</summary>
    [ThreadStatic] internal static SweepRunInfo? Current;

    /// <summary>The run as <c>sweep/run</c>.</summary>
    public override string ToString() => $"{SweepId}/{Id}";
}
