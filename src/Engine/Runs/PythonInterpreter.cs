namespace Sweeps.Engine.Runs;

/// <summary>
/// Which Python runs a <c>.py</c> program, found as the <c>py</c> launcher would: an active virtual environment
/// (<c>VIRTUAL_ENV</c>) or conda environment (<c>CONDA_PREFIX</c>) first; then on Windows the launcher itself
/// (<c>py -3</c>), then a <c>python</c> on PATH that is not the Microsoft Store's alias (a stub in WindowsApps that opens
/// the Store and exits 9009 instead of running anything); elsewhere <c>python3</c>.
/// </summary>
internal static class PythonInterpreter
{
    /// <summary>The interpreter words for this machine.</summary>
    public static string[] Here() => Resolve(OperatingSystem.IsWindows(), Environment.GetEnvironmentVariable, File.Exists, name => Executables.Find(name, Environment.CurrentDirectory));

    /// <param name="windows">Which rules: Windows' or the others'.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="exists">Whether a file exists.</param>
    /// <param name="onPath">Finds a bare command name on PATH.</param>
    public static string[] Resolve(bool windows, Func<string, string?> environment, Func<string, bool> exists, Func<string, string?> onPath)
    {
        var separator = windows ? '\\' : '/';
        string? InEnvironment(string variable, string relative) =>
            environment(variable) is { Length: > 0 } root && root.TrimEnd('\\', '/') + separator + relative is var path && exists(path) ? path : null;
        if (InEnvironment("VIRTUAL_ENV", windows ? @"Scripts\python.exe" : "bin/python") is { } venv) return [venv];
        if (InEnvironment("CONDA_PREFIX", windows ? "python.exe" : "bin/python") is { } conda) return [conda];
        if (!windows) return ["python3"];
        if (onPath("py") is { } launcher) return [launcher, "-3"];
        if (onPath("python") is { } python && !IsStoreAlias(python)) return [python];
        return ["python"]; // not found, or only the Store's alias: ExecutableSpec.Validate says which
    }

    /// <summary>Whether a python.exe is the Microsoft Store's alias, which opens the Store instead of running a program.</summary>
    public static bool IsStoreAlias(string path) => path.Replace('/', '\\').Contains(@"\Microsoft\WindowsApps\", StringComparison.OrdinalIgnoreCase);
}
