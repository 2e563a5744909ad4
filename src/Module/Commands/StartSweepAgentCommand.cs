using System.Management.Automation;
using Sweeps.Engine;
using Sweeps.Engine.Agents;
using Sweeps.Engine.Runs;

namespace Sweeps.Commands;

/// <summary>
/// Start-SweepAgent: claims runs of a sweep and runs each one, with a training scriptblock or with the sweep's
/// program (or -Command), writing each ended run to the pipeline as a result object.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "SweepAgent", DefaultParameterSetName = ProgramSet)]
[OutputType(ResultObject.TypeName)]
public sealed class StartSweepAgentCommand : SweepTargetCmdlet, IDisposable
{
    const string ScriptBlockSet = "ScriptBlock", ProgramSet = "Program";
    readonly CancellationTokenSource _stop = new();

    /// <summary>The training code; it receives $Run (Id, Config, SweepId, Dir) as its first parameter.</summary>
    [Parameter(ParameterSetName = ScriptBlockSet, Mandatory = true, Position = 1, HelpMessage = "The training scriptblock; it receives $Run.")]
    [ValidateNotNull]
    public ScriptBlock? ScriptBlock { get; set; }

    /// <summary>The command to run per run, with W&amp;B's macros (${program}, ${args}, ...); default: the sweep's command or program.</summary>
    [Parameter(ParameterSetName = ProgramSet)]
    [ValidateNotNullOrEmpty]
    public string[]? Command { get; set; }

    /// <summary>The most runs this agent does; without it, the agent runs until the sweep has nothing left.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Count { get; set; }

    /// <summary>How many runs at once: runspaces for a scriptblock, processes for a program.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int ThrottleLimit { get; set; } = 1;

    /// <summary>Run the parameters of a crashed run again, once, as a new run.</summary>
    [Parameter]
    public SwitchParameter RetryCrashed { get; set; }

    /// <summary>A running run whose agent has been silent this long is marked crashed.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int HeartbeatTimeoutSeconds { get; set; } = 60;

    /// <summary>Exit when the sweep is paused instead of waiting for it to resume.</summary>
    [Parameter]
    public SwitchParameter ExitWhenIdle { get; set; }

    /// <summary>Stop after this many failed runs in a row (0: never).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaxConsecutiveFailures { get; set; } = 5;

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        try
        {
            var (_, handle) = ResolveOneSweep(Sweep);
            var state = handle.Refresh();
            var launcher = CreateLauncher(state.Config);
            using var _ = launcher as IDisposable;
            var options = new AgentOptions
            {
                Count = Count, ThrottleLimit = ThrottleLimit, RetryCrashed = RetryCrashed,
                HeartbeatTimeout = TimeSpan.FromSeconds(HeartbeatTimeoutSeconds), MaxConsecutiveFailures = MaxConsecutiveFailures,
                ExitWhenIdle = ExitWhenIdle,
            };
            var session = new AgentSession(handle, launcher, options, Engine.Results.PipelineReporter.Detect(Environment.GetEnvironmentVariable));
            var progress = new ProgressRecord(1, $"Sweep {Printable.Text(state.Name)} ({handle.Id})", "Starting the first run");
            foreach (var e in session.Run(_stop.Token))
            {
                switch (e)
                {
                    case SessionRunStarted s:
                        WriteVerbose($"Run {s.Run.Number} ({s.Run.Id}) started: {Engine.Space.TreeValue.Format(s.Run.Config)}");
                        break;
                    case SessionOutput o:
                        WriteInformation(new HostInformationMessage { Message = o.Line }, ["PSHOST", "SweepsRunOutput"]);
                        break;
                    case SessionRunEnded r:
                        if (r.Warning is { } warning) WriteWarning(warning);
                        var result = ResultObject.From(handle.State, r.Run);
                        ResultView.Apply(this, [result]);
                        WriteObject(result);
                        break;
                    case SessionProgress p:
                        WriteProgress(AgentProgress.Update(progress, p.Sweep, p.Done, p.Count));
                        break;
                    case PipelineLines lines:
                        foreach (var line in lines.Lines) WriteInformation(new HostInformationMessage { Message = line }, ["PSHOST", "SweepsPipeline"]);
                        break;
                    case SessionEnded end:
                        progress.RecordType = ProgressRecordType.Completed;
                        WriteProgress(progress);
                        WriteVerbose($"Agent stopped after {end.Done} run{(end.Done == 1 ? "" : "s")}: {end.Reason}.");
                        if (end.Outcome == SessionOutcome.StoppedOnFailures)
                            WriteError(new SweepsException(SweepsErrorKind.AgentFailing, $"The agent stopped: {end.Reason}"), Sweep);
                        else if (end.Outcome == SessionOutcome.NothingToRun)
                            WriteWarning($"Sweep {handle.Id} has no runs to give: {end.Reason}.");
                        break;
                }
            }
        }
        catch (SweepsException e)
        {
            WriteError(e, Sweep);
        }
        catch (UsingVariableUndefinedException e)
        {
            WriteError(ErrorRecords.Create("UsingVariableIsUndefined", ErrorCategory.InvalidOperation, e.Message, ScriptBlock));
        }
    }

    IRunLauncher CreateLauncher(Engine.Config.SweepConfig config)
    {
        if (ParameterSetName == ScriptBlockSet)
        {
            var usings = UsingVariables.Of(ScriptBlock!, SessionState);
            return ThrottleLimit == 1
                ? new ScriptBlockLauncher(ScriptBlock!, usings, config.Metric, this)
                : new RunspaceLauncher(usings, config.Metric, System.IO.Path.Combine(System.IO.Path.GetDirectoryName(typeof(StartSweepAgentCommand).Assembly.Location)!, "Sweeps.psd1"),
                    SessionState.Path.CurrentFileSystemLocation.ProviderPath);
        }
        var spec = new ExecutableSpec
        {
            Command = Command ?? config.Command, Program = config.Program,
            WorkingDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
            Interpreters = InterpretersHere(),
        };
        spec.Validate(); // a missing program or interpreter is an error before any run is claimed
        return new ProcessLauncher(spec);
    }

    // .ps1 programs run in the PowerShell this agent runs in, even when it is `dotnet pwsh` and pwsh is not on PATH.
    Dictionary<string, string[]> InterpretersHere()
    {
        var map = new Dictionary<string, string[]>(CommandLine.Interpreters, StringComparer.OrdinalIgnoreCase);
        var process = Environment.ProcessPath ?? "pwsh";
        // Inside the `sweeps` host (no pwsh on the machine), the host itself runs .ps1 programs: `sweeps run script.ps1`,
        // started as it was started: `dotnet Sweeps.Host.dll` (the build's launcher), or its own executable (an installed
        // .NET tool's apphost), which must not be given the dll as its first argument.
        if (System.Reflection.Assembly.GetEntryAssembly() is { } entry && entry.GetName().Name == "Sweeps.Host")
        {
            var viaDotnet = System.IO.Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
            map[".ps1"] = viaDotnet ? [process, entry.Location, "run"] : [process, "run"];
            return map;
        }
        var psHome = SessionState.PSVariable.GetValue("PSHOME") as string ?? "";
        var pwsh = System.IO.Path.GetFileNameWithoutExtension(process).Equals("pwsh", StringComparison.OrdinalIgnoreCase) ? new[] { process }
            : File.Exists(System.IO.Path.Combine(psHome, "pwsh.dll")) ? [process, System.IO.Path.Combine(psHome, "pwsh.dll")]
            : ["pwsh"];
        map[".ps1"] = [.. pwsh, "-NoProfile", "-NonInteractive", "-File"];
        return map;
    }

    /// <inheritdoc/>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Releases the stop signal; PowerShell calls it when the pipeline ends.</summary>
    public void Dispose() => _stop.Dispose();
}
