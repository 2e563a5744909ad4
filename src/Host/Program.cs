// sweeps: W&B-style verbs over the Sweeps cmdlets, for machines and pipelines without pwsh. Each verb is one cmdlet
// call in an embedded PowerShell with the module loaded, so the command line and the cmdlets never drift.
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Sweeps.Host;

return Cli.Run(args);

namespace Sweeps.Host
{
    /// <summary>Exit codes a pipeline can rely on.</summary>
    static class ExitCode
    {
        public const int Ok = 0, Error = 1, Usage = 2, FailedRuns = 3, InvalidConfig = 4, UnknownSweep = 5, Interrupted = 130;
    }

    static class Cli
    {
        const string Usage = """
            usage: sweeps [--store STORE] <verb> [arguments]

              sweep CONFIG                  create a sweep from a W&B sweep.yaml (or JSON); prints its id
              agent ID [--count N] [--throttle N] [--fail-on-failed-runs]
                                            run the sweep's program for its runs (W&B's `wandb agent`)
              ls                            list the sweeps
              results ID [--top N] [--format table|csv|json]
                                            the runs with their parameters and metrics
              importance ID [--format table|csv|json]
                                            each parameter's importance and correlation with the metric
              report ID -o FILE             write the HTML report
              pause|resume|stop|cancel ID   change the sweep's state
              run SCRIPT.ps1 [ARGS...]      run a PowerShell script with the Sweeps module loaded

              --store STORE                 the store: a folder, postgres://user@host/db, or an Azure Blob container
                                            https://ACCOUNT.blob.core.windows.net/CONTAINER (default: $SWEEPS_STORE, else ./.sweeps)
              --help                        this text (also after a verb)
              --version                     the version

            exit codes: 0 ok, 1 error, 2 usage, 3 failed runs (with --fail-on-failed-runs), 4 invalid config, 5 unknown sweep,
                        130 stopped by Ctrl+C or SIGTERM (running runs ended and recorded as killed)
            """;

        public static int Run(string[] argv)
        {
            var args = new List<string>(argv);
            if (args.Count == 0 || args.Contains("--help") || args.Contains("-h")) { Console.WriteLine(Usage); return args.Count == 0 ? ExitCode.Usage : ExitCode.Ok; }
            if (args.Contains("--version")) { Console.WriteLine(typeof(Cli).Assembly.GetName().Version?.ToString(3)); return ExitCode.Ok; }
            var store = Take(args, "--store");
            var verb = args[0];
            args.RemoveAt(0);
            try
            {
                using var shell = new Shell(store);
                return verb switch
                {
                    "sweep" => shell.Print("New-Sweep", new() { ["Path"] = Arg(args, 0, "CONFIG") }, select: "Id"),
                    "agent" => Agent(shell, args),
                    "ls" => shell.Print("Get-Sweep", new(), format: "table"),
                    "results" => shell.Print("Get-SweepResult", WithTop(new() { ["Sweep"] = Arg(args, 0, "ID") }, args), format: Take(args, "--format") ?? "table"),
                    "importance" => shell.Print("Get-SweepParameterImportance", new() { ["Sweep"] = Arg(args, 0, "ID") }, format: Take(args, "--format") ?? "table"),
                    "report" => shell.Print("Export-SweepReport", new() { ["Sweep"] = Arg(args, 0, "ID"), ["Path"] = Take(args, "-o") ?? Take(args, "--output") ?? throw new UsageException("report needs -o FILE"), ["Force"] = true }, select: "FullName"),
                    "pause" => shell.Print("Suspend-Sweep", new() { ["Sweep"] = Arg(args, 0, "ID") }),
                    "resume" => shell.Print("Resume-Sweep", new() { ["Sweep"] = Arg(args, 0, "ID") }),
                    "stop" => shell.Print("Stop-Sweep", new() { ["Sweep"] = Arg(args, 0, "ID"), ["Confirm"] = false }),
                    "cancel" => shell.Print("Stop-Sweep", new() { ["Sweep"] = Arg(args, 0, "ID"), ["Cancel"] = true, ["Confirm"] = false }),
                    "run" => shell.Script(Arg(args, 0, "SCRIPT"), args.Skip(1).ToArray()),
                    _ => throw new UsageException($"unknown verb '{verb}'"),
                };
            }
            catch (UsageException e)
            {
                Console.Error.WriteLine($"sweeps: {e.Message} (see sweeps --help)");
                return ExitCode.Usage;
            }
            catch (Exception e) when (e is RuntimeException or IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                // Whatever escapes the cmdlets' own error handling is still one line and an exit code, never a stack trace.
                Console.Error.WriteLine($"sweeps: error: {e.Message}");
                return ExitCode.Error;
            }
        }

        static int Agent(Shell shell, List<string> args)
        {
            var failOnFailed = args.Remove("--fail-on-failed-runs");
            var parameters = new Dictionary<string, object?> { ["Sweep"] = Arg(args, 0, "ID") };
            if (Take(args, "--count") is { } count) parameters["Count"] = Positive(count, "--count");
            if (Take(args, "--throttle") is { } throttle) parameters["ThrottleLimit"] = Positive(throttle, "--throttle");
            var code = shell.Print("Start-SweepAgent", parameters, format: "table", columns: ["Number", "Id", "State", "Runtime", "Error"]);
            return code == ExitCode.Ok && failOnFailed && shell.LastOutput.Any(o => o.Properties["State"]?.Value is "failed" or "crashed") ? ExitCode.FailedRuns : code;
        }

        static Dictionary<string, object?> WithTop(Dictionary<string, object?> parameters, List<string> args)
        {
            if (Take(args, "--top") is { } top) parameters["Top"] = Positive(top, "--top");
            return parameters;
        }

        static int Positive(string value, string option) =>
            int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
                ? n : throw new UsageException($"{option} needs a positive whole number, not '{value}'");

        static string Arg(List<string> args, int index, string name) =>
            index < args.Count && !args[index].StartsWith("--") ? args[index] : throw new UsageException($"missing {name}");

        // Removes "--name value" from the list and returns the value.
        static string? Take(List<string> args, string name)
        {
            var i = args.IndexOf(name);
            if (i < 0) return null;
            if (i + 1 >= args.Count) throw new UsageException($"{name} needs a value");
            var value = args[i + 1];
            args.RemoveRange(i, 2);
            return value;
        }
    }

    sealed class UsageException(string message) : Exception(message);

    /// <summary>An embedded PowerShell with the Sweeps module, running one cmdlet per verb and printing its output.</summary>
    sealed class Shell : IDisposable
    {
        readonly Runspace _runspace;
        readonly string? _store;

        public Shell(string? store)
        {
            _store = store;
            var iss = InitialSessionState.CreateDefault2();
            if (OperatingSystem.IsWindows()) iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
            iss.ImportPSModule(Path.Combine(AppContext.BaseDirectory, "Sweeps", "Sweeps.psd1"));
            _runspace = RunspaceFactory.CreateRunspace(iss);
            _runspace.Open();
            _runspace.SessionStateProxy.Path.SetLocation(WildcardPattern.Escape(Environment.CurrentDirectory)); // a folder named a[1] is not a pattern
        }

        public List<PSObject> LastOutput { get; private set; } = [];

        public int Print(string cmdlet, Dictionary<string, object?> parameters, string? format = null, string? select = null, string[]? columns = null)
        {
            using var ps = PowerShell.Create(_runspace);
            ps.AddCommand(cmdlet);
            foreach (var (k, v) in parameters) ps.AddParameter(k, v);
            if (_store is not null && cmdlet != "Test-SweepConfig") ps.AddParameter("Store", _store);
            ps.Streams.Information.DataAdded += (_, e) => Console.WriteLine(ps.Streams.Information[e.Index].MessageData);
            ps.Streams.Warning.DataAdded += (_, e) => Console.Error.WriteLine("warning: " + ps.Streams.Warning[e.Index].Message);
            var output = new PSDataCollection<PSObject>();
            using (var interruption = new Interruption(ps))
            {
                try { ps.Invoke(null, output); }
                catch (PipelineStoppedException) when (interruption.Happened) { }
                LastOutput = output.ToList();
                foreach (var line in Render(LastOutput, format, select, columns)) Console.WriteLine(line);
                if (interruption.Happened) return Stopped(ps);
            }
            return Errors(ps);
        }

        // What an interrupted verb leaves: its errors, then one line, and 130 (128 + SIGINT), as shells report it.
        static int Stopped(PowerShell ps)
        {
            Errors(ps);
            Console.Error.WriteLine("sweeps: stopped by the user");
            return ExitCode.Interrupted;
        }

        public int Script(string path, string[] args)
        {
            if (!File.Exists(path)) { Console.Error.WriteLine($"sweeps: error: the script '{path}' does not exist"); return ExitCode.Error; }
            using var ps = PowerShell.Create(_runspace);
            // Never script text built from user input: PowerShell also ends a string at typographic quotes.
            if (_store is not null) Environment.SetEnvironmentVariable("SWEEPS_STORE", _store);
            ps.AddCommand(Path.GetFullPath(path));
            foreach (var a in args) ps.AddArgument(a);
            ps.AddCommand("Out-String").AddParameter("Stream");
            ps.Streams.Information.DataAdded += (_, e) => Console.WriteLine(ps.Streams.Information[e.Index].MessageData);
            ps.Streams.Warning.DataAdded += (_, e) => Console.Error.WriteLine("warning: " + ps.Streams.Warning[e.Index].Message);
            using var interruption = new Interruption(ps);
            var output = new PSDataCollection<PSObject>();
            output.DataAdded += (_, e) => Console.WriteLine(output[e.Index]);
            try
            {
                ps.Invoke(null, output);
            }
            catch (PipelineStoppedException) when (interruption.Happened)
            {
                return Stopped(ps);
            }
            catch (RuntimeException e)
            {
                Console.Error.WriteLine($"sweeps: error: {e.Message}");
                return ExitCode.Error;
            }
            if (interruption.Happened) return Stopped(ps);
            var errors = Errors(ps);
            // `exit N` in the script, as pwsh -File reports it: a program run by an agent that exits 3 has failed.
            return _runspace.SessionStateProxy.GetVariable("LASTEXITCODE") is int code && code != 0 ? code : errors;
        }

        IEnumerable<string> Render(List<PSObject> output, string? format, string? select, string[]? columns)
        {
            if (output.Count == 0) yield break;
            if (select is not null) { foreach (var o in output) yield return o.Properties[select]?.Value?.ToString() ?? ""; yield break; }
            using var ps = PowerShell.Create(_runspace);
            ps.AddCommand(format switch { "csv" => "ConvertTo-Csv", "json" => "ConvertTo-Json", _ => "Format-Table" });
            if (format == "json") ps.AddParameter("Depth", 5).AddParameter("AsArray");
            if (format is null or "table" && columns is not null) ps.AddParameter("Property", columns);
            if (format is null or "table") ps.AddCommand("Out-String").AddParameter("Stream").AddParameter("Width", 200);
            foreach (var line in ps.Invoke(format is null or "table" ? output.Select(Readable) : output)) yield return line.ToString().TrimEnd();
        }

        // A table shows a double as pwsh 7.6 does (two decimals: a learning rate of 1.05e-4 reads 0.00): as six
        // significant digits instead. CSV and JSON keep every digit.
        static PSObject Readable(PSObject row)
        {
            if (!row.Properties.Any(p => p.Value is double or float)) return row;
            var shown = new PSObject();
            foreach (var p in row.Properties)
                shown.Properties.Add(new PSNoteProperty(p.Name, p.Value is double or float ? Convert.ToDouble(p.Value, System.Globalization.CultureInfo.InvariantCulture).ToString("G6", System.Globalization.CultureInfo.InvariantCulture) : p.Value));
            return shown;
        }

        // One clear line per error on stderr; the exit code says which kind.
        static int Errors(PowerShell ps)
        {
            var code = ExitCode.Ok;
            foreach (var error in ps.Streams.Error)
            {
                Console.Error.WriteLine($"sweeps: error: {error.Exception.Message.Replace(Environment.NewLine, " ")}");
                var id = error.FullyQualifiedErrorId.Split(',')[0];
                var kind = id switch
                {
                    "InvalidSweepConfig" or "ConfigFileNotFound" => ExitCode.InvalidConfig,
                    "SweepNotFound" => ExitCode.UnknownSweep,
                    "AgentStoppedOnFailures" => ExitCode.FailedRuns,
                    _ => ExitCode.Error,
                };
                if (code == ExitCode.Ok) code = kind;
            }
            return code;
        }

        public void Dispose() => _runspace.Dispose();
    }
}
