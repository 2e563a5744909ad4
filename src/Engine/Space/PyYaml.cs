using System.Text;
using System.Text.RegularExpressions;
namespace Sweeps.Engine.Space;

/// <summary>
/// YAML as PyYAML's <c>safe_dump(default_flow_style=False, sort_keys=False)</c> writes it, for W&amp;B's params file
/// (<c>WANDB_SWEEP_PARAM_PATH</c>: <c>"wandb_version: 1\n\n"</c> then <c>{name: {value: v}}</c>, as its agent writes
/// it) and for showing a sweep's config. PyYAML's block style,
/// indentless sequences, <c>.nan</c>/<c>.inf</c>, <c>1.0e-05</c>, and its quoting: a string that would read back
/// as another type (<c>'yes'</c>, <c>'1'</c>, <c>''</c>) or holds an indicator (<c>'a: b'</c>) is single-quoted, one
/// with control or non-ASCII characters double-quoted. One difference: PyYAML folds plain strings longer than 80
/// columns onto several lines; they are written on one line here, which reads back the same.
/// </summary>
internal static partial class PyYaml
{
    /// <summary>A mapping as a YAML document, keys in their order.</summary>
    public static string Dump(IReadOnlyDictionary<string, object?> map)
    {
        var sb = new StringBuilder();
        Mapping(sb, map, 0, inline: false);
        return sb.ToString();
    }

    /// <summary>W&amp;B's params file: the parameters in ordinal order, each as <c>{value: v}</c>.</summary>
    public static string WandbParams(IReadOnlyDictionary<string, object?> config)
    {
        var sb = new StringBuilder("wandb_version: 1\n\n");
        foreach (var (name, value) in config.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sb.Append(Scalar(name)).Append(":\n  value:");
            Value(sb, value, column: 2);
        }
        return sb.ToString();
    }

    // After "key:" at this column: a scalar on the same line, a mapping indented below, a sequence not indented.
    static void Value(StringBuilder sb, object? value, int column)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> { Count: > 0 } map: sb.Append('\n'); Mapping(sb, map, column + 2, inline: false); break;
            case IList<object?> { Count: > 0 } list: sb.Append('\n'); Sequence(sb, list, column, inline: false); break;
            default: sb.Append(' ').Append(Scalar(value)).Append('\n'); break;
        }
    }

    // After "- " at this column: a collection starts on the same line.
    static void Item(StringBuilder sb, object? value, int column)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> { Count: > 0 } map: Mapping(sb, map, column, inline: true); break;
            case IList<object?> { Count: > 0 } list: Sequence(sb, list, column, inline: true); break;
            default: sb.Append(Scalar(value)).Append('\n'); break;
        }
    }

    static void Mapping(StringBuilder sb, IReadOnlyDictionary<string, object?> map, int column, bool inline)
    {
        var first = true;
        foreach (var (key, value) in map)
        {
            if (!(first && inline)) sb.Append(' ', column);
            sb.Append(Scalar(key)).Append(':');
            Value(sb, value, column);
            first = false;
        }
    }

    static void Sequence(StringBuilder sb, IList<object?> list, int column, bool inline)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (!(i == 0 && inline)) sb.Append(' ', column);
            sb.Append("- ");
            Item(sb, list[i], column + 2);
        }
    }

    static string Scalar(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        long or int => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
        double d => Float(d),
        float f => Float(f),
        string s => Text(s),
        IReadOnlyDictionary<string, object?> => "{}",
        IList<object?> => "[]",
        _ => Text(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""),
    };

    // PyYAML's represent_float: repr, lower case, and an exponent without a point gets ".0" (1e-05 -> 1.0e-05).
    static string Float(double d)
    {
        if (double.IsNaN(d)) return ".nan";
        if (double.IsInfinity(d)) return d > 0 ? ".inf" : "-.inf";
        var text = TreeValue.FormatFloat(d).ToLowerInvariant();
        return !text.Contains('.') && text.Contains('e') ? text.Replace("e", ".0e") : text;
    }

    static string Text(string s)
    {
        if (s.Any(c => c < ' ' || c > '~')) return DoubleQuoted(s);
        return Plain(s) ? s : "'" + s.Replace("'", "''") + "'";
    }

    // Whether PyYAML writes the string bare in block context: it must not read back as another type, nor start or
    // hold an indicator.
    static bool Plain(string s)
    {
        if (s.Length == 0 || s[0] == ' ' || s[^1] == ' ' || Implicit().IsMatch(s)) return false;
        if ("#,[]{}&*!|>'\"%@`".Contains(s[0])) return false;
        if ((s.StartsWith("---", StringComparison.Ordinal) || s.StartsWith("...", StringComparison.Ordinal)) && (s.Length == 3 || s[3] == ' ')) return false;
        for (var i = 0; i < s.Length; i++)
        {
            var followedBySpace = i + 1 == s.Length || s[i + 1] == ' ';
            if (s[i] == ':' && followedBySpace) return false;
            if (s[i] == '#' && i > 0 && s[i - 1] == ' ') return false;
            if (i == 0 && s[i] is '-' or '?' && followedBySpace) return false;
        }
        return true;
    }

    static string DoubleQuoted(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                '\0' => "\\0",
                < ' ' or (> '~' and <= '\u00ff') => $"\\x{(int)c:X2}",
                > '~' => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        return sb.Append('"').ToString();
    }

    // YAML 1.1's implicit types as PyYAML resolves them: a string spelt like one must be quoted.
    [GeneratedRegex("""^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|<<|=|[-+]?(?:0b[0-1_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$""")]
    private static partial Regex Implicit();
}
