using System.Text;
using Sweeps.Engine.Space;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sweeps.Engine.Config;

/// <summary>
/// Reads a YAML or JSON sweep config into a <see cref="ConfigDocument"/>; scalars mean what <see cref="CoreSchema"/>
/// says. Anchors and aliases work as in PyYAML, which W&amp;B uses. Whatever the input, reading ends in a document or an
/// <see cref="InvalidConfigException"/> naming the line and key path, in bounded time and memory: the text is at most
/// <see cref="Limits.MaxConfigBytes"/>, nesting is refused past <see cref="Limits.MaxValueDepth"/> before anything
/// recurses (<see cref="NestingGuard"/>), and aliases expand to at most <see cref="Limits.MaxConfigNodes"/> values whose
/// key paths add up to at most <see cref="Limits.MaxConfigPathChars"/> characters; an alias inside the value it names is refused.
/// </summary>
public static class YamlConfigReader
{
    /// <summary>Reads a config file; throws ConfigNotFound when there is none.</summary>
    public static ConfigDocument ReadFile(string path)
    {
        if (!File.Exists(path))
            throw new SweepsException(SweepsErrorKind.ConfigNotFound, $"Sweep config file not found: '{path}'.");
        return Read(ReadText(path), path);
    }

    // At most one byte past the limit is read, so a huge file or an endless one (/dev/zero, a pipe) is refused at once.
    static string ReadText(string path)
    {
        var bytes = new byte[Limits.MaxConfigBytes + 1];
        int length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            length = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (length > Limits.MaxConfigBytes) throw TooLarge("file", path);
        using var reader = new StreamReader(new MemoryStream(bytes, 0, length), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    static InvalidConfigException TooLarge(string what, string? source) =>
        new([new ConfigProblem("", $"the {what} is larger than {Limits.MaxConfigBytes} bytes, the most a sweep config may be")], source);

    /// <summary>Reads config text; <paramref name="source"/> names it in problems (a path, or null).</summary>
    public static ConfigDocument Read(string text, string? source = null)
    {
        if (text.Length > Limits.MaxConfigBytes || Encoding.UTF8.GetByteCount(text) > Limits.MaxConfigBytes) throw TooLarge("text", source);
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(new NestingGuard(parser, source));
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

        var rootNode = stream.Documents[0].RootNode;
        if (rootNode is not YamlMappingNode)
            throw new InvalidConfigException([new ConfigProblem("", "the config must be a mapping of keys (method, metric, parameters, ...)", (int)rootNode.Start.Line)], source);
        var tree = new TreeBuilder(source);
        var root = (Dictionary<string, object?>)tree.Convert(rootNode, "", 1)!;
        if (tree.Problems.Count > 0) throw new InvalidConfigException(tree.Problems, source);
        return new ConfigDocument(root, tree.Lines, source, text, isInput: true);
    }

    static Exception Inner(Exception e) => e.InnerException is YamlException inner ? Inner(inner) : e;

    /// <summary>Turns YAML nodes into a config tree, expanding aliases (each use a copy), under the limits above.</summary>
    sealed class TreeBuilder(string? source)
    {
        public Dictionary<string, int> Lines { get; } = [];
        public List<ConfigProblem> Problems { get; } = [];
        readonly HashSet<YamlNode> _inside = new(ReferenceEqualityComparer.Instance); // the lists and maps being converted
        int _values;
        long _pathChars;

        public object? Convert(YamlNode node, string path, int depth)
        {
            if (++_values > Limits.MaxConfigNodes)
                Stop(node, path, $"the config holds more than {Limits.MaxConfigNodes} values once its aliases are expanded, the most it may");
            if ((_pathChars += path.Length) > Limits.MaxConfigPathChars)
                Stop(node, path, $"the config's key paths add up to more than {Limits.MaxConfigPathChars} characters once its aliases are expanded, the most they may");
            if (node is YamlScalarNode scalar)
            {
                var value = CoreSchema.Resolve(scalar, out var problem);
                if (problem is not null) Problem(node, path, problem);
                return value;
            }
            if (depth > Limits.MaxValueDepth) return Problem(node, path, TreeDepth.Problem);
            if (!_inside.Add(node)) // the alias here names a list or map that holds it: a value without end
                return Problem(node, path, $"the alias *{node.Anchor.Value} is inside the value &{node.Anchor.Value} it names (line {node.Start.Line}), so that value would contain itself");
            object? converted = node switch
            {
                YamlMappingNode map => Mapping(map, path, depth),
                YamlSequenceNode seq => Sequence(seq, path, depth),
                _ => Problem(node, path, $"unsupported YAML node {node.NodeType}"),
            };
            _inside.Remove(node);
            return converted;
        }

        Dictionary<string, object?> Mapping(YamlMappingNode map, string path, int depth)
        {
            var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (keyNode, valueNode) in map.Children)
            {
                var key = ((YamlScalarNode)keyNode).Value ?? ""; // NestingGuard lets only plain keys through
                var childPath = KeyPath.Child(path, key);
                Lines[childPath] = (int)keyNode.Start.Line; // YamlDotNet itself rejects duplicate keys
                dict[key] = Convert(valueNode, childPath, depth + 1);
            }
            return dict;
        }

        List<object?> Sequence(YamlSequenceNode seq, string path, int depth)
        {
            var list = new List<object?>(seq.Children.Count);
            for (var i = 0; i < seq.Children.Count; i++)
            {
                var itemPath = KeyPath.Item(path, i);
                // An alias is replaced by the node it names, written before this list: the list's line is nearer the alias.
                var item = seq.Children[i];
                Lines[itemPath] = (int)(item.Start.Index < seq.Start.Index ? seq.Start : item.Start).Line;
                list.Add(Convert(seq.Children[i], itemPath, depth + 1));
            }
            return list;
        }

        // The line is where the path was written (for an alias, where it is used rather than where its anchor is).
        object? Problem(YamlNode node, string path, string problem)
        {
            Problems.Add(new ConfigProblem(path, problem, Lines.TryGetValue(path, out var line) ? line : (int)node.Start.Line));
            return null;
        }

        // A limit on the whole config: reading stops here, with the problems found so far.
        void Stop(YamlNode node, string path, string problem) =>
            throw new InvalidConfigException([.. Problems, new ConfigProblem(path, problem, (int)node.Start.Line)], source);
    }
}
