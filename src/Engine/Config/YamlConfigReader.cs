using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sweeps.Engine.Config;

/// <summary>
/// Reads a YAML or JSON sweep config into a <see cref="ConfigDocument"/>. Plain scalars follow the YAML 1.2
/// core schema, so <c>1e-5</c> is a float (PyYAML, which W&amp;B uses, reads it as a string); quoted scalars
/// are always strings; <c>!!str</c>, <c>!!int</c>, <c>!!float</c> and <c>!!bool</c> tags are honoured.
/// </summary>
public static partial class YamlConfigReader
{
    public static ConfigDocument ReadFile(string path)
    {
        if (!File.Exists(path))
            throw new SweepsException(SweepsErrorKind.ConfigNotFound, $"Sweep config file not found: '{path}'.");
        return Read(File.ReadAllText(path), path);
    }

    public static ConfigDocument Read(string text, string? source = null)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            var line = (int)e.Start.Line;
            throw new InvalidConfigException([new ConfigProblem("", $"not valid YAML: {Inner(e).Message}", line > 0 ? line : null)], source);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this on some malformed input (an unclosed flow sequence) instead of a YamlException.
            var line = (int?)parser.Current?.End.Line;
            throw new InvalidConfigException([new ConfigProblem("", $"not valid YAML near here: an unclosed [ or {{? ({e.Message})", line)], source);
        }
        if (stream.Documents.Count == 0)
            throw new InvalidConfigException([new ConfigProblem("", "the config is empty")], source);
        if (stream.Documents.Count > 1)
            throw new InvalidConfigException([new ConfigProblem("", "the config holds more than one YAML document", (int)stream.Documents[1].RootNode.Start.Line)], source);

        var lines = new Dictionary<string, int>();
        var problems = new List<ConfigProblem>();
        var rootNode = stream.Documents[0].RootNode;
        if (rootNode is not YamlMappingNode)
            throw new InvalidConfigException([new ConfigProblem("", "the config must be a mapping of keys (method, metric, parameters, ...)", (int)rootNode.Start.Line)], source);
        var root = (Dictionary<string, object?>)Convert(rootNode, "", lines, problems)!;
        if (problems.Count > 0) throw new InvalidConfigException(problems, source);
        return new ConfigDocument(root, lines, source, text);
    }

    static Exception Inner(Exception e) => e.InnerException is YamlException inner ? Inner(inner) : e;

    static object? Convert(YamlNode node, string path, Dictionary<string, int> lines, List<ConfigProblem> problems)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (keyNode, valueNode) in map.Children)
                {
                    var key = keyNode is YamlScalarNode k ? k.Value ?? "" : keyNode.ToString();
                    var childPath = path.Length == 0 ? key : path + "." + key;
                    lines[childPath] = (int)keyNode.Start.Line; // YamlDotNet itself rejects duplicate keys
                    dict[key] = Convert(valueNode, childPath, lines, problems);
                }
                return dict;
            case YamlSequenceNode seq:
                var list = new List<object?>(seq.Children.Count);
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    lines[$"{path}[{i}]"] = (int)seq.Children[i].Start.Line;
                    list.Add(Convert(seq.Children[i], $"{path}[{i}]", lines, problems));
                }
                return list;
            case YamlScalarNode scalar:
                return Scalar(scalar, path, problems);
            default:
                problems.Add(new ConfigProblem(path, "unsupported YAML node (aliases to other nodes are not supported)", (int)node.Start.Line));
                return null;
        }
    }

    static object? Scalar(YamlScalarNode node, string path, List<ConfigProblem> problems)
    {
        var text = node.Value ?? "";
        var tag = node.Tag.IsEmpty ? "" : node.Tag.Value;
        switch (tag)
        {
            case "tag:yaml.org,2002:str": return text;
            case "tag:yaml.org,2002:null": return null;
            case "tag:yaml.org,2002:bool":
            case "tag:yaml.org,2002:int":
            case "tag:yaml.org,2002:float":
                var typed = PlainScalar(text);
                object? converted = tag switch
                {
                    "tag:yaml.org,2002:bool" => typed as bool?,
                    "tag:yaml.org,2002:int" => typed is long ? typed : null,
                    _ => typed is long l ? (double)l : typed as double?,
                };
                if (converted is null) problems.Add(new ConfigProblem(path, $"'{text}' is not a valid {tag[(tag.LastIndexOf(':') + 1)..]}", (int)node.Start.Line));
                return converted;
        }
        if (node.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            return text;
        return PlainScalar(text);
    }

    /// <summary>Resolves a plain scalar by the YAML 1.2 core schema.</summary>
    public static object? PlainScalar(string text)
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
        if (text.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            return hex;
        if (text.StartsWith("0o", StringComparison.Ordinal) && OctalPattern().IsMatch(text[2..]))
            return System.Convert.ToInt64(text[2..], 8);
        if (FloatPattern().IsMatch(text))
            return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return text;
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")] private static partial Regex IntPattern();
    [GeneratedRegex(@"^[0-7]+$")] private static partial Regex OctalPattern();
    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")] private static partial Regex FloatPattern();
}
