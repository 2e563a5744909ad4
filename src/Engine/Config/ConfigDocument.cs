namespace Sweeps.Engine.Config;

/// <summary>
/// A config as a plain tree (<see cref="Dictionary{TKey,TValue}"/> of string to value, <see cref="List{T}"/>,
/// string, long, double, bool, null) plus where each key path was written, so problems can name a line.
/// </summary>
public sealed class ConfigDocument
{
    readonly IReadOnlyDictionary<string, int> _lines;

    /// <summary>A tree with, optionally, the line of each key path, the source's name and text, and whether it is new input.</summary>
    public ConfigDocument(Dictionary<string, object?> root, IReadOnlyDictionary<string, int>? lines = null, string? source = null, string? text = null, bool isInput = false)
    {
        Root = root;
        _lines = lines ?? new Dictionary<string, int>();
        Source = source;
        Text = text;
        IsInput = isInput;
    }

    /// <summary>
    /// The config comes from someone now (a file, text, a hashtable), not from a sweep already stored. Rules for new
    /// input (a printable name, no NUL in a string) apply only then, so a sweep stored before a rule existed still reads back.
    /// </summary>
    public bool IsInput { get; }

    /// <summary>The config tree: its top-level keys.</summary>
    public Dictionary<string, object?> Root { get; }

    /// <summary>The file the config came from, if any.</summary>
    public string? Source { get; }

    /// <summary>The original text, kept beside the sweep for people to read.</summary>
    public string? Text { get; }

    /// <summary>The 1-based line of a key path such as <c>parameters.lr.max</c>, or of its nearest written parent.</summary>
    internal int? LineOf(string path)
    {
        for (var p = path; p.Length > 0; p = p.Contains('.') ? p[..p.LastIndexOf('.')] : "")
        {
            if (_lines.TryGetValue(p, out var line)) return line;
        }
        return null;
    }
}
