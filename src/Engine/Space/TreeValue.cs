using System.Globalization;
using System.Text;

namespace Sweeps.Engine.Space;

/// <summary>
/// Helpers over config/metric values: null, bool, long, double, string, <see cref="List{T}"/> of values and
/// <see cref="Dictionary{TKey,TValue}"/> of string to value.
/// </summary>
public static class TreeValue
{
    /// <summary>
    /// A canonical identity for a value, as W&amp;B's grid dedupe sees it: bool differs from int, dict key order
    /// does not matter, NaN equals NaN, and at the top level an integral float equals the int.
    /// </summary>
    public static string Key(object? value) => Key(value, topLevel: true);

    static string Key(object? value, bool topLevel)
    {
        var sb = new StringBuilder();
        Append(sb, value, topLevel);
        return sb.ToString();
    }

    static void Append(StringBuilder sb, object? value, bool topLevel)
    {
        switch (value)
        {
            case null: sb.Append('n'); break;
            case bool b: sb.Append(b ? "b1" : "b0"); break;
            case string s: sb.Append('s').Append(s.Length).Append(':').Append(s); break;
            case double d when topLevel && Math.Floor(d) == d && Math.Abs(d) < 9.2e18: sb.Append('i').Append(((long)d).ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append('f').Append(double.IsNaN(d) ? "nan" : d.ToString("R", CultureInfo.InvariantCulture)); break;
            case long or int: sb.Append('i').Append(System.Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)); break;
            case IReadOnlyDictionary<string, object?> map:
                sb.Append('{');
                foreach (var key in map.Keys.Order(StringComparer.Ordinal))
                {
                    sb.Append(key.Length).Append(':').Append(key).Append('=');
                    Append(sb, map[key], false);
                    sb.Append(',');
                }
                sb.Append('}');
                break;
            case IEnumerable<object?> list:
                sb.Append('[');
                foreach (var item in list) { Append(sb, item, false); sb.Append(','); }
                sb.Append(']');
                break;
            default: sb.Append('?').Append(value); break;
        }
    }

    /// <summary>The value as a number when it is one (bool is not a number here).</summary>
    public static double? AsDouble(object? value) => value switch
    {
        long l => l,
        int i => i,
        double d => d,
        float f => f,
        decimal m => (double)m,
        _ => null,
    };

    internal static bool IsInteger(object? value) => value is long or int;

    /// <summary>Formats a value as Python's <c>str()</c> does, which is what W&amp;B puts on a command line.</summary>
    public static string Format(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string s => s,
        double d => FormatFloat(d),
        long or int => System.Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        IReadOnlyDictionary<string, object?> map => "{" + string.Join(", ", map.Select(kv => $"'{kv.Key}': {Repr(kv.Value)}")) + "}",
        IEnumerable<object?> list => "[" + string.Join(", ", list.Select(Repr)) + "]",
        _ => System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    static string Repr(object? value) => value is string s ? $"'{s}'" : Format(value);

    /// <summary>Python's float repr: shortest round-trip digits, <c>1e-05</c>, <c>1.0</c>, <c>nan</c>, <c>inf</c>.</summary>
    internal static string FormatFloat(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsInfinity(d)) return d > 0 ? "inf" : "-inf";
        var r = d.ToString("R", CultureInfo.InvariantCulture);
        var sign = r.StartsWith('-') ? "-" : "";
        r = r.TrimStart('-');
        var e = r.IndexOf('E');
        var exponent = e < 0 ? 0 : int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? r : r[..e];
        var dot = mantissa.IndexOf('.');
        var digits = mantissa.Replace(".", "");
        // value = 0.<digits> x 10^point
        var point = (dot < 0 ? mantissa.Length : dot) + exponent;
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        if (digits.Length == 0) return sign + "0.0";
        point -= leading;
        var sci = point - 1;
        if (sci is >= -4 and < 16)
        {
            if (point <= 0) return sign + "0." + new string('0', -point) + digits;
            if (point >= digits.Length) return sign + digits + new string('0', point - digits.Length) + ".0";
            return sign + digits[..point] + "." + digits[point..];
        }
        var m = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
        return $"{sign}{m}e{(sci < 0 ? "-" : "+")}{Math.Abs(sci):00}";
    }

    /// <summary>A deep copy of a tree value (so callers can never change a stored tree).</summary>
    public static object? Clone(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => Clone(kv.Value), StringComparer.Ordinal),
        List<object?> list => list.Select(Clone).ToList(),
        _ => value,
    };
}
