using System.Globalization;
using System.Text;

namespace Sweeps.Engine.Runs;

/// <summary>
/// What of a run's working folder a store that is not a folder keeps when the run ends: the logs first (their last
/// <see cref="Limits.MaxRunLogBytes"/> each), then the other files the program left, smallest first, up to
/// <see cref="Limits.MaxRunFilesBytes"/> in all. What does not fit is named in <c>files-left-out.txt</c>, which is kept
/// too: nothing is dropped silently. (A folder store keeps the whole folder where it is.)
/// </summary>
internal static class RunArtifacts
{
    public const string LeftOut = "files-left-out.txt";
    static readonly string[] Logs = ["stdout.log", "stderr.log"];

    public static List<(string Name, byte[] Content)> Collect(string directory)
    {
        var kept = new List<(string, byte[])>();
        if (!Directory.Exists(directory)) return kept;
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => (Name: Path.GetRelativePath(directory, f).Replace('\\', '/'), Info: new FileInfo(f)))
            .OrderBy(f => Logs.Contains(f.Name) ? 0 : 1).ThenBy(f => f.Info.Length).ThenBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        var left = new StringBuilder();
        long total = 0;
        foreach (var (name, info) in files)
        {
            if (Logs.Contains(name))
            {
                var tail = RunFiles.ReadTail(info.FullName, Limits.MaxRunLogBytes) ?? "";
                if (info.Length > Limits.MaxRunLogBytes) left.Append(CultureInfo.InvariantCulture, $"{name}: only its last {Limits.MaxRunLogBytes} of {info.Length} bytes are kept\n");
                var bytes = Encoding.UTF8.GetBytes(tail);
                kept.Add((name, bytes));
                total += bytes.Length;
            }
            else if (total + info.Length <= Limits.MaxRunFilesBytes)
            {
                kept.Add((name, File.ReadAllBytes(info.FullName)));
                total += info.Length;
            }
            else left.Append(CultureInfo.InvariantCulture, $"{name}: {info.Length} bytes, beyond the {Limits.MaxRunFilesBytes} bytes kept of a run's files\n");
        }
        if (left.Length > 0) kept.Add((LeftOut, Encoding.UTF8.GetBytes(left.ToString())));
        return kept;
    }
}
