using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sweeps.Engine.Config;

/// <summary>
/// What a YAML scalar means, by the YAML 1.2 core schema: <c>1e-5</c> is a float (PyYAML, which W&amp;B uses, reads it
/// as a string); quoted and block scalars are strings; <c>!!str</c>, <c>!!int</c>, <c>!!float</c>, <c>!!bool</c> and
/// <c>!!null</c> tags are honoured. Integers are 64-bit: one beyond that range (decimal, <c>0x</c> or <c>0o</c>) becomes
/// the nearest float, where PyYAML keeps Python's exact integer (docs/configuration.md).
/// </summary>
internal static partial class CoreSchema
{
    /// <summary>The value of a scalar node; <paramref name="problem"/> says why when its tag does not fit its text.</summary>
    public static object? Resolve(YamlScalarNode node, out string? problem)
    {
        problem = null;
        var text = node.Value ?? "";
        var tag = node.Tag.IsEmpty ? "" : node.Tag.Value;
        switch (tag)
        {
            case "tag:yaml.org,2002:str": return text;
            case "tag:yaml.org,2002:null": return null;
            case "tag:yaml.org,2002:bool":
            case "tag:yaml.org,2002:int":
            case "tag:yaml.org,2002:float":
                var typed = Plain(text);
                object? converted = tag switch
                {
                    "tag:yaml.org,2002:bool" => typed as bool?,
                    "tag:yaml.org,2002:int" => typed is long ? typed : null,
                    _ => typed is long l ? (double)l : typed as double?,
                };
                if (converted is null)
                    problem = typed is double && IsIntegerText(text)
                        ? $"'{text}' does not fit in a 64-bit integer"
                        : $"'{text}' is not a valid {tag[(tag.LastIndexOf(':') + 1)..]}";
                return converted;
        }
        if (node.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            return text;
        return Plain(text);
    }

    /// <summary>Resolves a plain (unquoted, untagged) scalar.</summary>
    public static object? Plain(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return true;
            case "false" or "False" or "FALSE": return false;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF": return double.PositiveInfinity;
            case "-.inf" or "-.Inf" or "-.INF": return double.NegativeInfinity;
            case ".nan" or ".NaN" or ".NAN": return double.NaN;
        }
        if (IntPattern().IsMatch(text))
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? (object)l : double.Parse(text, CultureInfo.InvariantCulture);
        if (HexPattern().IsMatch(text)) return Integer(text.AsSpan(2), 16);
        if (OctalPattern().IsMatch(text)) return Integer(text.AsSpan(2), 8);
        if (FloatPattern().IsMatch(text))
            return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return text;
    }

    static bool IsIntegerText(string text) => IntPattern().IsMatch(text) || HexPattern().IsMatch(text) || OctalPattern().IsMatch(text);

    // Digits in base 16 or 8: a long when it fits, else the nearest double, as for decimal integers.
    static object Integer(ReadOnlySpan<char> digits, int radix)
    {
        digits = digits.TrimStart('0');
        var bitsPerDigit = radix == 16 ? 4 : 3;
        // Past 2^1024 every double is infinity: stop there, so a megabyte of digits costs no quadratic arithmetic.
        if (digits.Length * bitsPerDigit > 1024 + bitsPerDigit) return double.PositiveInfinity;
        var value = BigInteger.Zero;
        foreach (var c in digits) value = value * radix + (char.IsAsciiDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
        // Through decimal text: parsing rounds to the nearest double, where BigInteger's own conversion truncates.
        return value <= long.MaxValue ? (object)(long)value : double.Parse(value.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")] private static partial Regex IntPattern();
    [GeneratedRegex(@"^0x[0-9a-fA-F]+$")] private static partial Regex HexPattern();
    [GeneratedRegex(@"^0o[0-7]+$")] private static partial Regex OctalPattern();
    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")] private static partial Regex FloatPattern();
}
