using System.Globalization;
using System.Text;

namespace Sweeps.Engine;

/// <summary>
/// Text that reaches a terminal or a CI log. A control character (C0, DEL, C1) printed raw can move the cursor,
/// recolour or retitle the terminal, or start a CI logging command on a new line (<c>##vso[...]</c>), so names are
/// refused with one at input and shown with any that came from elsewhere (a hand-edited journal) as <c>\x1b</c>.
/// </summary>
public static class Printable
{
    /// <summary><paramref name="text"/> with every control character written as <c>\xHH</c>.</summary>
    public static string Text(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (char.IsControl(c)) sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Why <paramref name="name"/> cannot be a sweep's name, or null when it can.</summary>
    public static string? NameProblem(string name)
    {
        var i = name.AsSpan().IndexOfAnyInRange('\0', '\x1f');
        var j = name.AsSpan().IndexOfAnyInRange('\x7f', '\x9f');
        var at = i < 0 ? j : j < 0 ? i : Math.Min(i, j);
        return at < 0 ? null
            : $"'{Text(name)}' holds the control character {Text(name[at].ToString())} (at {at + 1}): a sweep's name is printed as it is, so it may hold only printable characters";
    }
}
