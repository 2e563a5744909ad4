using System.Buffers;
namespace Sweeps.Engine.Runs;

/// <summary>
/// A <c>.cmd</c> or <c>.bat</c> program runs through cmd.exe, which reads its arguments again: <c>%PATH%</c> is
/// expanded, <c>&amp;</c> and <c>|</c> start other commands, and quotes cannot make every value safe (the BatBadBut
/// class of flaws). A parameter value from a sweep config (shared in a pull request) must not become a command, so a
/// run whose arguments hold any of cmd's special characters is refused, naming the value; safe values pass unchanged.
/// </summary>
internal static class BatchFileArguments
{
    static readonly SearchValues<char> Special = SearchValues.Create("%!^&|<>\"()\r\n\0");

    /// <summary>Whether Windows runs this program through cmd.exe.</summary>
    public static bool IsBatchFile(string program) =>
        Path.GetExtension(program).Equals(".cmd", StringComparison.OrdinalIgnoreCase) || Path.GetExtension(program).Equals(".bat", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why <paramref name="argv"/> cannot be passed to a batch file safely, or null when it can (or argv[0] is no batch file).</summary>
    public static string? Problem(IReadOnlyList<string> argv)
    {
        if (argv.Count == 0 || !IsBatchFile(argv[0])) return null;
        var unsafeArgument = argv.Skip(1).FirstOrDefault(a => a.AsSpan().IndexOfAny(Special) >= 0);
        return unsafeArgument is null ? null
            : $"The argument '{Printable.Text(unsafeArgument)}' cannot be passed safely to the batch file '{Path.GetFileName(argv[0])}': cmd.exe would interpret its "
              + "special characters (% ! ^ & | < > \" parentheses). Run a .ps1, .py or .exe program instead, or read the parameters from "
              + "SWEEPS_PARAMS_FILE (or ${args_json_file}) rather than from the command line.";
    }
}
