namespace Sweeps.Host;

/// <summary>
/// `sweeps [--store S] run SCRIPT ARGS...`: everything after the script is the script's own, `-h` and `--store`
/// included, as `pwsh -File` passes them on; the parser sees only what comes before.
/// </summary>
static class ScriptArguments
{
    public static (string[] Ours, string[] Script) Split(string[] argv)
    {
        var i = 0;
        while (i < argv.Length && argv[i].StartsWith('-') && argv[i] != "--")
            i += argv[i] == "--store" ? 2 : 1; // sweeps' options before the verb
        if (i >= argv.Length || argv[i] != "run") return (argv, []);
        var script = i + 1 < argv.Length && argv[i + 1] == "--" ? i + 2 : i + 1;
        // `run --help` is help for run; `run -- -odd-name.ps1` is a script.
        if (script >= argv.Length || (script == i + 1 && argv[script].StartsWith('-'))) return (argv, []);
        return (argv[..(script + 1)], argv[(script + 1)..]);
    }
}
