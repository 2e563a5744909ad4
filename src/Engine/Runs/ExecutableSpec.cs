namespace Sweeps.Engine.Runs;

/// <summary>What an executable run starts: the command template (W&amp;B's <c>command</c>), the program, and where.</summary>
public sealed record ExecutableSpec
{
    /// <summary>The command template with macros; null for W&amp;B's default <c>${env} ${interpreter} ${program} ${args}</c>.</summary>
    public IReadOnlyList<string>? Command { get; init; }
    /// <summary>The program (W&amp;B's <c>program</c>), relative to <see cref="WorkingDirectory"/>.</summary>
    public string? Program { get; init; }
    /// <summary>The folder the program runs in.</summary>
    public required string WorkingDirectory { get; init; }
    /// <summary>Interpreters by extension (the module points .ps1 at the PowerShell it runs in).</summary>
    public IReadOnlyDictionary<string, string[]> Interpreters { get; init; } = CommandLine.Interpreters;
    /// <summary>How long a run has to exit after it is asked to stop, before it is killed.</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Checks, before any run is claimed, that the program and the interpreter exist, with an error that says which
    /// is missing and where it was looked for.
    /// </summary>
    public void Validate()
    {
        if (!Directory.Exists(WorkingDirectory))
            throw new SweepsException(SweepsErrorKind.ProgramNotFound, $"The working directory '{WorkingDirectory}' does not exist.");
        var template = Command is { Count: > 0 } ? Command : CommandLine.DefaultTemplate;
        if (template.Contains("${program}") && Program is null)
            throw new SweepsException(SweepsErrorKind.ProgramNotFound, "The command uses ${program} but the sweep config has no 'program': add one, or give -Command.");
        if (Program is not null && template.Contains("${program}") && Executables.Find(Program.Contains('/') || Program.Contains('\\') ? Program : "./" + Program, WorkingDirectory) is null)
            throw new SweepsException(SweepsErrorKind.ProgramNotFound, $"The program '{Program}' does not exist in '{WorkingDirectory}'.");
        var argv = CommandLine.Build(Command, Program, new Dictionary<string, object?>(), "args.json", Environment.GetEnvironmentVariable, Interpreters);
        if (argv.Count == 0) throw new SweepsException(SweepsErrorKind.ProgramNotFound, "The command is empty.");
        var first = argv[0] == "/usr/bin/env" && argv.Count > 1 ? argv[1] : argv[0];
        var found = Executables.Find(first, WorkingDirectory);
        if (found is not null && PythonInterpreter.IsStoreAlias(found) && Path.GetFileNameWithoutExtension(found).StartsWith("python", StringComparison.OrdinalIgnoreCase))
            throw new SweepsException(SweepsErrorKind.ProgramNotFound,
                $"'{found}' is the Microsoft Store's alias for Python, which opens the Store instead of running the program: install Python "
                + "(python.org, or winget install Python.Python.3.13) so the py launcher finds it, or activate a virtual environment.");
        if (found is null)
            throw new SweepsException(SweepsErrorKind.ProgramNotFound,
                $"Cannot find '{first}' (the command starts '{string.Join(' ', argv.Take(3))}'): it is not a file and not on PATH.");
    }
}
