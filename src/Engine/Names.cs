namespace Sweeps.Engine;

/// <summary>Names a user may have misspelt: the nearest of those that exist, for a "did you mean" in an error.</summary>
public static class Names
{
    /// <summary>The known name within a third of <paramref name="name"/>'s length in edits (at most 2), ignoring case, or null.</summary>
    public static string? Nearest(string name, IEnumerable<string> known)
    {
        var wanted = name.ToLowerInvariant();
        var limit = Math.Min(2, name.Length / 3);
        return known.Select(k => (Name: k, Edits: Edits(k.ToLowerInvariant(), wanted))).Where(k => k.Edits <= limit).OrderBy(k => k.Edits).Select(k => k.Name).FirstOrDefault();
    }

    // Levenshtein distance: how many single-character edits turn one name into the other.
    static int Edits(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
