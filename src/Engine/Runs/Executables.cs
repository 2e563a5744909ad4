namespace Sweeps.Engine.Runs;

/// <summary>Finds programs the way a shell would: a path as given, or a bare name on PATH (with PATHEXT on Windows).</summary>
internal static class Executables
{
    public static string? Find(string name, string workingDirectory)
    {
        if (name.Contains('/') || name.Contains('\\'))
        {
            var full = Path.GetFullPath(name, workingDirectory);
            return File.Exists(full) ? full : null;
        }
        var extensions = OperatingSystem.IsWindows()
            ? (Environment.GetEnvironmentVariable("PATHEXT") ?? ".EXE;.CMD;.BAT").Split(';', StringSplitOptions.RemoveEmptyEntries).Prepend("")
            : [""];
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var ext in extensions)
            {
                var candidate = Path.Combine(dir, name + ext);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }
}
