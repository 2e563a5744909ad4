using System.Text;

namespace Sweeps.Engine.Store;

/// <summary>
/// The ids that name folders and files in a store (sweeps, runs, agents): 1 to 128 of <c>[A-Za-z0-9_.-]</c>, not
/// starting with a dot. Checked wherever an id is read (a journal line, a command's argument), so an id can never
/// be a path that leads outside the store.
/// </summary>
internal static class StoreIds
{
    public const int MaxLength = 128;

    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength || id[0] == '.') return false;
        foreach (var c in id)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')) return false;
        return true;
    }

    /// <summary>A name turned into a valid id part: other characters become '-' (a host name in an agent id).</summary>
    public static string Sanitize(string name)
    {
        var sb = new StringBuilder(Math.Min(name.Length, 64));
        foreach (var c in name.Take(64)) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '-');
        var s = sb.ToString().TrimStart('.');
        return s.Length == 0 ? "host" : s;
    }

    /// <summary>An id quoted for an error message, with control characters made visible.</summary>
    public static string Describe(string id)
    {
        var shown = id.Length > 60 ? id[..60] + "..." : id;
        var sb = new StringBuilder("'");
        foreach (var c in shown) sb.Append(char.IsControl(c) ? $"\\x{(int)c:x2}" : c);
        return sb.Append('\'').ToString();
    }
}
