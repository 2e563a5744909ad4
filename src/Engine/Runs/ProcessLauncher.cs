using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Runs;

/// <summary>
/// Runs a program per run as a child process with an argument array (never a shell). The run learns its parameters
/// from the command line and from the files named in its environment, and reports metrics by the protocol in
/// <c>about_Sweeps_Protocol</c>: JSON lines appended to <c>$SWEEPS_METRICS_FILE</c>, or stdout lines
/// <c>@sweeps {json}</c>. stdout and stderr are kept in the run's folder.
/// </summary>
public sealed class ProcessLauncher(ExecutableSpec spec) : IRunLauncher
{
    /// <summary>The prefix of a stdout line that reports metrics.</summary>
    public const string StdoutMarker = "@sweeps ";
    const int StderrTailLines = 20;
    // Signals from outside that end a program: 128 + N is how a shell and .NET report them (or a program exits as
    // if). W&B's agent counts such an end (a negative return code) as no failure of the program; so does this one.
    // A crash of the program's own (SIGSEGV, SIGABRT, SIGBUS) stays a failure.
    static readonly Dictionary<int, string> EndingSignals = new() { [1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [9] = "SIGKILL", [15] = "SIGTERM" };

    /// <summary>Starts the program for <paramref name="run"/> and waits for it to end.</summary>
    public RunOutcome Launch(RunContext run, CancellationToken cancel)
    {
        var files = RunFiles.Write(run, spec.WorkingDirectory);
        var command = CommandLine.Build(spec.Command, spec.Program, run.Config, files.ArgsJson, Environment.GetEnvironmentVariable, spec.Interpreters);
        if (BatchFileArguments.Problem(command) is { } refused) return new RunOutcome(RunState.Failed, refused);
        var argv = ProgramLifetime.Tie(command, spec.WorkingDirectory);
        var psi = new ProcessStartInfo(argv[0])
        {
            WorkingDirectory = spec.WorkingDirectory,
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8, StandardErrorEncoding = Encoding.UTF8,
        };
        var stop = GracefulStops.For(OperatingSystem.IsWindows(), ownProcessGroup: OperatingSystem.IsWindows() && WindowsConsole.InOwnGroup(psi));
        foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
        foreach (var (k, v) in files.Environment) psi.Environment[k] = v;

        using var stdoutLog = new StreamWriter(Path.Combine(run.Directory, "stdout.log"), append: true, new UTF8Encoding(false));
        using var stderrLog = new StreamWriter(Path.Combine(run.Directory, "stderr.log"), append: true, new UTF8Encoding(false));
        var stderrTail = new Queue<string>();
        var metrics = new MetricsFileReader(files.MetricsFile);
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stdoutLog) stdoutLog.WriteLine(e.Data);
            if (e.Data.StartsWith(StdoutMarker, StringComparison.Ordinal))
            {
                metrics.Drain(row => run.Log(row)); // rows the program wrote to the file before printing this one come first
                LogLine(run, e.Data[StdoutMarker.Length..], "stdout");
            }
            else run.Output(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderrLog)
            {
                stderrLog.WriteLine(e.Data);
                stderrTail.Enqueue(e.Data.Length <= Limits.MaxErrorChars ? e.Data : e.Data[^Limits.MaxErrorChars..]); // the end of a huge line
                if (stderrTail.Count > StderrTailLines) stderrTail.Dequeue();
            }
            run.Output(e.Data);
        };
        try { process.Start(); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SweepsException(SweepsErrorKind.ProgramNotFound, $"Cannot start '{argv[0]}': {e.Message}", e);
        }
        ProgramLifetime.Started(process, run.Directory);
        process.StandardInput.Close(); // reading stdin gets end-of-file, as under W&B's agent
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var stopped = false;
        var killAt = DateTime.MaxValue;
        while (!process.WaitForExit(100))
        {
            metrics.Drain(row => run.Log(row));
            if ((cancel.IsCancellationRequested || run.ShouldStop) && !stopped)
            {
                stopped = true;
                killAt = run.StopAtOnce ? DateTime.UtcNow : DateTime.UtcNow + spec.GracePeriod; // a canceled sweep: at once, as W&B
                if (!run.StopAtOnce) Terminate(process, stop);
            }
            if (DateTime.UtcNow >= killAt) Kill(process);
        }
        process.WaitForExit(); // flushes the asynchronous stdout/stderr readers
        if (stopped) Kill(process); // what it started and left behind ends with the run
        metrics.Drain(row => run.Log(row));
        if (stopped || cancel.IsCancellationRequested) return new RunOutcome(RunState.Killed, "stopped by the user", process.ExitCode); // an early stop's reason replaces it
        if (process.ExitCode == 0) return RunOutcome.Finished;
        // Ctrl+C reaches the program too where it shares the agent's process group, and may end it first; so may
        // the OOM killer, a kill from the user, a pod's end.
        if (!OperatingSystem.IsWindows() && EndingSignals.TryGetValue(process.ExitCode - 128, out var signal))
            return new RunOutcome(RunState.Killed, $"killed by {signal} (exit code {process.ExitCode})", process.ExitCode);
        string tail;
        lock (stderrLog) tail = string.Join(Environment.NewLine, stderrTail);
        return new RunOutcome(RunState.Failed, $"exit code {process.ExitCode}" + (tail.Length > 0 ? ": " + tail : ""), process.ExitCode);
    }

    static void LogLine(RunContext run, string json, string source)
    {
        run.Log(MetricsFileReader.TryParse(json, out var why) ?? MetricsFileReader.ProtocolError(source, why, json));
    }

    // Asks the program to stop so it can save a checkpoint: SIGTERM to its whole group on Unix, Ctrl+Break to its
    // console group on Windows; killed at once where it cannot be asked. The grace period ends in a kill either way.
    static void Terminate(Process process, GracefulStop how)
    {
        try
        {
            switch (how)
            {
                case GracefulStop.Terminate: ProgramLifetime.Signal(process, 15); break;
                case GracefulStop.ConsoleBreak when OperatingSystem.IsWindows() && WindowsConsole.Break(process): break;
                default: Kill(process); break;
            }
        }
        catch (InvalidOperationException) { }
    }

    static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            ProgramLifetime.Signal(process, 9); // children reparented away from the tree, still in the group
        }
        catch (InvalidOperationException) { }
    }
}
