using Sweeps.Engine.Space;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Sweeps.Engine.Config;

/// <summary>
/// Passes a YAML parser's events on to YamlDotNet's loader and refuses, with the line and key path, what the loader
/// cannot take safely: nesting deeper than <see cref="Limits.MaxValueDepth"/> (the loader recurses once per level, so
/// <c>[[[[...</c> a hundred thousand deep would overflow the stack and end the process), a list or mapping as a key
/// (hashed recursively by the loader, and unhashable in PyYAML too), and an alias before its anchor (PyYAML's "found
/// undefined alias"; the loader would resolve it later, which lets a key become a list). The parser itself is iterative,
/// so the guard sees a deep document at the cost of <see cref="Limits.MaxValueDepth"/> levels.
/// </summary>
internal sealed class NestingGuard(IParser parser, string? source) : IParser
{
    sealed class Level(bool isMapping)
    {
        public bool IsMapping { get; } = isMapping;
        public int Nodes { get; set; } // keys and values for a mapping, so an even count means a key comes next
        public string? Key { get; set; }
    }

    readonly List<Level> _open = [];
    readonly Dictionary<string, string?> _anchors = new(StringComparer.Ordinal); // anchor -> its scalar's text, null for a list or mapping

    public ParsingEvent? Current => parser.Current;

    public bool MoveNext()
    {
        if (!parser.MoveNext()) return false;
        switch (parser.Current)
        {
            case NodeEvent node and (MappingStart or SequenceStart):
                if (Enter() is true) Refuse(node, "a list or mapping cannot be a key: a key is a plain value such as a name");
                if (_open.Count >= Limits.MaxValueDepth) Refuse(node, TreeDepth.Problem);
                if (!node.Anchor.IsEmpty) _anchors[node.Anchor.Value] = null;
                _open.Add(new Level(node is MappingStart));
                break;
            case MappingEnd or SequenceEnd:
                _open.RemoveAt(_open.Count - 1);
                break;
            case Scalar scalar:
                if (Enter() is true) _open[^1].Key = scalar.Value;
                if (!scalar.Anchor.IsEmpty) _anchors[scalar.Anchor.Value] = scalar.Value;
                break;
            case AnchorAlias alias:
                var isKey = Enter() is true;
                var name = alias.Value.Value;
                if (!_anchors.TryGetValue(name, out var text))
                    Refuse(alias, $"the alias *{name} comes before any anchor &{name}: an anchor must come first");
                if (isKey && text is null) Refuse(alias, $"the alias *{name} names a list or mapping, which cannot be a key");
                if (isKey) _open[^1].Key = text;
                break;
        }
        return true;
    }

    // Counts a node in the level it opens in; true when it is a mapping's key, null at the top.
    bool? Enter()
    {
        if (_open.Count == 0) return null;
        var level = _open[^1];
        level.Nodes++;
        return level.IsMapping && level.Nodes % 2 == 1;
    }

    // The key path of the node just entered: each level's current key, or its current item's index.
    string PathHere()
    {
        var path = new KeyPath();
        foreach (var level in _open)
        {
            if (!level.IsMapping) path.Push(level.Nodes - 1);
            else if (level.Nodes % 2 == 0 && level.Key is { } key) path.Push(key);
        }
        return path.ToString();
    }

    void Refuse(ParsingEvent at, string problem) =>
        throw new InvalidConfigException([new ConfigProblem(PathHere(), problem, (int)at.Start.Line)], source);
}
