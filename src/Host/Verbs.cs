using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Management.Automation;

namespace Sweeps.Host;

/// <summary>
/// The verbs and their options (System.CommandLine: unknown options are usage errors, `--opt=value` works, every verb
/// has its own --help, `--` ends the options). Each verb binds its values to one cmdlet's parameters.
/// </summary>
static class Verbs
{
    static readonly Option<string?> Store = new("--store")
    {
        Description = "The store: a folder, postgres://user@host/db, or an Azure Blob container https://ACCOUNT.blob.core.windows.net/CONTAINER (default: $SWEEPS_STORE, else ./.sweeps)",
        HelpName = "STORE",
        Recursive = true,
    };

    /// <summary>Parses the command line and runs its verb; a usage error is one line per problem and exit 2.</summary>
    public static int Invoke(string[] argv)
    {
        var (ours, scriptArgs) = ScriptArguments.Split(argv);
        var parsed = Root(scriptArgs).Parse(ours);
        if (parsed.Errors.Count > 0 && parsed.Action is not HelpWithExitCodes)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine($"sweeps: {error.Message.Replace(":" + Environment.NewLine + "\t", " ").Replace(Environment.NewLine + "\t", ", ")}");
            var verb = parsed.CommandResult.Command.Name == "sweeps" ? "" : parsed.CommandResult.Command.Name + " ";
            Console.Error.WriteLine($"see: sweeps {verb}--help");
            return ExitCode.Usage;
        }
        // Ctrl+C is the verb's (Interruption), not the parser's.
        return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
    }

    // A Command, not a RootCommand: help says "sweeps", not the assembly's name.
    static Command Root(string[] scriptArgs)
    {
        var root = new Command("sweeps", "Hyperparameter sweeps with W&B's sweep.yaml, run locally: no server, no account.")
        {
            Store, new HelpOption(), new VersionOption { Action = new PrintVersion() },
        };
        root.Add(Sweep());
        root.Add(Agent());
        root.Add(List());
        root.Add(Results());
        root.Add(Importance());
        root.Add(Report());
        root.Add(Change("pause", "Pause the sweep: agents start no new runs until it resumes.", "Suspend-Sweep"));
        root.Add(Change("resume", "Resume a paused sweep.", "Resume-Sweep"));
        root.Add(Change("stop", "Stop the sweep: no new runs; running runs finish.", "Stop-Sweep", ("Confirm", false)));
        root.Add(Change("cancel", "Cancel the sweep: no new runs; running runs are killed.", "Stop-Sweep", ("Cancel", true), ("Confirm", false)));
        root.Add(Dashboard());
        root.Add(Run(scriptArgs));
        // `sweeps` alone: the help, and 2, as a usage error.
        root.SetAction(r => { new HelpAction().Invoke(r); Console.WriteLine(ExitCode.Explained); return ExitCode.Usage; });
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new HelpWithExitCodes((HelpAction)help.Action!);
        return root;
    }

    static Command Sweep()
    {
        var config = new Argument<string>("CONFIG") { Description = "A W&B sweep.yaml (or JSON)." };
        var name = new Option<string?>("--name") { Description = "The sweep's name (default: the config's name, else its id)." };
        var seed = new Option<long?>("--seed") { Description = "Seed for the search, for a sweep that can be repeated." };
        var command = new Command("sweep", "Create a sweep from a W&B sweep.yaml; prints its id.") { config, name, seed };
        command.SetAction(r => Cmdlet(r, "New-Sweep", new() { ["Path"] = r.GetValue(config), ["Name"] = r.GetValue(name), ["Seed"] = r.GetValue(seed) }, select: "Id"));
        return command;
    }

    static Command Agent()
    {
        var id = SweepId();
        var count = PositiveOption("--count", "The most runs this agent does (default: until the sweep has none left).");
        var throttle = PositiveOption("--throttle", "How many runs at once (default 1).");
        var failOnFailed = new Option<bool>("--fail-on-failed-runs") { Description = "Exit 3 when a run failed or crashed." };
        var retry = new Option<bool>("--retry-crashed") { Description = "Run a crashed run's parameters again, once, as a new run." };
        var timeout = PositiveOption("--heartbeat-timeout", "Seconds an agent may be silent before its running runs count as crashed (default 60).");
        var maxFailures = new Option<int?>("--max-consecutive-failures") { Description = "Stop after this many failed runs in a row (default 5; 0: never).", HelpName = "N", CustomParser = r => Whole(r, 0) };
        var idle = new Option<bool>("--exit-when-idle") { Description = "Exit when the sweep is paused instead of waiting for it to resume." };
        var command = new Command("agent", "Run the sweep's program for its runs (W&B's `wandb agent`).") { id, count, throttle, failOnFailed, retry, timeout, maxFailures, idle };
        command.SetAction(r => Execute(r, shell =>
        {
            var code = shell.Print("Start-SweepAgent", new()
            {
                ["Sweep"] = r.GetValue(id), ["Count"] = r.GetValue(count), ["ThrottleLimit"] = r.GetValue(throttle),
                ["RetryCrashed"] = r.GetValue(retry) ? true : null, ["HeartbeatTimeoutSeconds"] = r.GetValue(timeout),
                ["MaxConsecutiveFailures"] = r.GetValue(maxFailures), ["ExitWhenIdle"] = r.GetValue(idle) ? true : null,
            }, format: "table", columns: ["Number", "Id", "State", "Runtime", "Error"]);
            var failed = shell.LastOutput.Any(o => o.Properties["State"]?.Value is "failed" or "crashed");
            return code == ExitCode.Ok && r.GetValue(failOnFailed) && failed ? ExitCode.FailedRuns : code;
        }));
        return command;
    }

    static Command List()
    {
        var format = Format();
        var command = new Command("ls", "List the sweeps of the store.") { format };
        command.SetAction(r => Cmdlet(r, "Get-Sweep", new(), format: r.GetValue(format)));
        return command;
    }

    static Command Results()
    {
        var id = SweepId();
        var top = PositiveOption("--top", "Only the best N runs by the sweep's metric.");
        var best = new Option<bool>("--best") { Description = "Only the best finished run." };
        var state = new Option<string[]>("--state") { Description = "Only runs in these states.", HelpName = "STATE", AllowMultipleArgumentsPerToken = true };
        state.AcceptOnlyFromAmong("pending", "running", "finished", "failed", "crashed", "killed", "stopped");
        var format = Format();
        var command = new Command("results", "The runs with their parameters and metrics.") { id, top, best, state, format };
        command.SetAction(r => Cmdlet(r, "Get-SweepResult", new()
        {
            ["Sweep"] = r.GetValue(id), ["Top"] = r.GetValue(top), ["Best"] = r.GetValue(best) ? true : null,
            ["State"] = r.GetValue(state) is { Length: > 0 } states ? states : null,
        }, format: r.GetValue(format)));
        return command;
    }

    static Command Importance()
    {
        var id = SweepId();
        var format = Format();
        var command = new Command("importance", "Each parameter's importance and correlation with the metric.") { id, format };
        command.SetAction(r => Cmdlet(r, "Get-SweepParameterImportance", new() { ["Sweep"] = r.GetValue(id) }, format: r.GetValue(format)));
        return command;
    }

    static Command Report()
    {
        var id = SweepId();
        var output = new Option<string>("--output", "-o") { Description = "The HTML file to write (replaced if it exists).", HelpName = "FILE", Required = true };
        var command = new Command("report", "Write the sweep's HTML report, one file that works offline.") { id, output };
        command.SetAction(r => Cmdlet(r, "Export-SweepReport", new() { ["Sweep"] = r.GetValue(id), ["Path"] = r.GetValue(output), ["Force"] = true }, select: "FullName"));
        return command;
    }

    static Command Dashboard()
    {
        var id = new Argument<string?>("ID") { Description = "The sweep to open the page at (default: the list of the store's sweeps).", Arity = ArgumentArity.ZeroOrOne };
        var port = new Option<int?>("--port") { Description = "The TCP port (default 8765).", HelpName = "N", CustomParser = r => Whole(r, 1) };
        var address = new Option<string?>("--address") { Description = "The address to listen on (default 127.0.0.1: this machine only).", HelpName = "ADDRESS" };
        var control = new Option<bool>("--allow-control") { Description = "Let the page pause, resume, stop and cancel sweeps (read-only without it)." };
        var command = new Command("dashboard", "Serve a live dashboard of the store's sweeps until Ctrl+C.") { id, port, address, control };
        command.SetAction(r => Cmdlet(r, "Start-SweepDashboard", new()
        {
            ["Sweep"] = r.GetValue(id), ["Port"] = r.GetValue(port), ["Address"] = r.GetValue(address), ["AllowControl"] = r.GetValue(control) ? true : null,
        }, select: "Url"));
        return command;
    }

    static Command Change(string verb, string description, string cmdlet, params (string Name, object Value)[] fixedParameters)
    {
        var id = SweepId();
        var command = new Command(verb, description) { id };
        command.SetAction(r =>
        {
            var parameters = new Dictionary<string, object?> { ["Sweep"] = r.GetValue(id) };
            foreach (var (name, value) in fixedParameters) parameters[name] = value;
            return Cmdlet(r, cmdlet, parameters);
        });
        return command;
    }

    static Command Run(string[] scriptArgs)
    {
        var script = new Argument<string>("SCRIPT") { Description = "A .ps1 script; everything after it is the script's own arguments." };
        var command = new Command("run", "Run a PowerShell script with the Sweeps module loaded; exits with the script's exit code.") { script };
        command.SetAction(r => Execute(r, shell => shell.Script(r.GetValue(script)!, scriptArgs)));
        return command;
    }

    static Argument<string> SweepId() => new("ID") { Description = "The sweep's id or name." };

    static Option<string> Format()
    {
        var format = new Option<string>("--format") { Description = "How to print: table, csv or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        return format;
    }

    static Option<int?> PositiveOption(string name, string description) =>
        new(name) { Description = description, HelpName = "N", CustomParser = r => Whole(r, 1) };

    // "--count lots" says what it needs, not which .NET type failed to parse.
    static int? Whole(ArgumentResult result, int least)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= least) return n;
        var option = (result.Parent as OptionResult)?.Option.Name;
        result.AddError($"{option} needs a {(least > 0 ? "positive" : "non-negative")} whole number, not '{text}'");
        return null;
    }

    static int Cmdlet(ParseResult r, string cmdlet, Dictionary<string, object?> parameters, string? format = null, string? select = null) =>
        Execute(r, shell => shell.Print(cmdlet, parameters, format, select));

    static int Execute(ParseResult r, Func<Shell, int> verb)
    {
        try
        {
            using var shell = new Shell(r.GetValue(Store));
            return verb(shell);
        }
        catch (Exception e) when (e is RuntimeException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            // Whatever escapes the cmdlets' own error handling is still one line and an exit code, never a stack trace.
            Console.Error.WriteLine($"sweeps: error: {e.Message}");
            return ExitCode.Error;
        }
    }

    /// <summary>The root's help, then what its exit codes mean.</summary>
    sealed class HelpWithExitCodes(HelpAction help) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            help.Invoke(parseResult);
            if (parseResult.CommandResult.Command.Parents.Any() is false) Console.WriteLine(ExitCode.Explained);
            return ExitCode.Ok;
        }
    }

    sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            Console.WriteLine(typeof(Verbs).Assembly.GetName().Version?.ToString(3));
            return ExitCode.Ok;
        }
    }
}
