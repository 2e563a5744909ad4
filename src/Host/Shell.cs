using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace Sweeps.Host;

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
        foreach (var (k, v) in parameters) if (v is not null) ps.AddParameter(k, v); // an option not given is a parameter not bound
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
        foreach (var p in ScriptParameters(args)) ps.Commands.Commands[0].Parameters.Add(p);
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

    // The arguments as `pwsh -File` binds them: `-Name x` names a parameter and its value, `-Name:x` and `-Name: x` too
    // (`$true`/`false` become booleans), `-Switch` alone is a switch; anything else (`x`, `--lr=0.1`) is a value.
    static IEnumerable<CommandParameter> ScriptParameters(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var colon = arg.IndexOf(':');
            if (arg.Length < 2 || arg[0] != '-') yield return new CommandParameter(null, arg);
            else if (colon < 0) yield return new CommandParameter(arg); // the leading dash makes it a name the binder pairs
            else if (colon < arg.Length - 1) yield return new CommandParameter(arg[..colon], BoolOrText(arg[(colon + 1)..]));
            else yield return new CommandParameter(arg[..colon], i + 1 < args.Length ? args[++i] : null);
        }
    }

    static object BoolOrText(string value) => bool.TryParse(value.AsSpan(value.StartsWith('$') ? 1 : 0), out var b) ? b : value;

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
