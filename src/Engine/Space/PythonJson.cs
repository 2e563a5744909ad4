using System.Globalization;
using System.Text;

namespace Sweeps.Engine.Space;

/// <summary>
/// JSON exactly as Python's <c>json.dumps</c> writes it with default settings (what W&amp;B's <c>${args_json}</c> holds):
/// <c>", "</c> and <c>": "</c> separators, non-ASCII escaped, floats in Python's repr, NaN/Infinity bare.
/// </summary>
internal static class PythonJson
{
    public static string Dumps(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value);
        return sb.ToString();
    }

    static void Write(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case string s: WriteString(sb, s); break;
            case double d when double.IsNaN(d): sb.Append("NaN"); break;
            case double d when double.IsInfinity(d): sb.Append(d > 0 ? "Infinity" : "-Infinity"); break;
            case double d: sb.Append(TreeValue.FormatFloat(d)); break;
            case long or int: sb.Append(Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)); break;
            case IReadOnlyDictionary<string, object?> map:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in map)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    WriteString(sb, k);
                    sb.Append(": ");
                    Write(sb, v);
                }
                sb.Append('}');
                break;
            case IEnumerable<object?> list:
                sb.Append('[');
                sb.AppendJoin(", ", list.Select(Dumps));
                sb.Append(']');
                break;
            default: WriteString(sb, Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""); break;
        }
    }

    static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
