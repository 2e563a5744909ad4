using System.Collections;
using System.Globalization;
using System.Management.Automation;
using Sweeps.Engine;
using Sweeps.Engine.Space;

namespace Sweeps;

/// <summary>Converts between PowerShell values (hashtables, PSObjects, arrays) and the engine's plain value trees.</summary>
internal static class PowerShellValues
{
    /// <summary>
    /// A PowerShell value that cannot become a tree: it contains itself (<c>$h.self = $h</c>), nests deeper than
    /// <see cref="Limits.MaxValueDepth"/>, or holds more values than the caller allows. <see cref="Path"/> is the key path.
    /// </summary>
    public sealed class ShapeException(string path, string problem) : Exception(path.Length == 0 ? $"The value {problem}" : $"'{path}' {problem}")
    {
        public string Path { get; } = path;
        public string Problem { get; } = problem;
    }

    /// <summary>
    /// A PowerShell value as a tree value: dictionaries and PSCustomObjects become maps, enumerables lists. A value
    /// that contains itself or nests too deep (which would recurse until the session dies) is a <see cref="ShapeException"/>;
    /// so is one of more than <paramref name="maxValues"/> values, shared parts counted at each use.
    /// </summary>
    public static object? ToTree(object? value, int maxValues = int.MaxValue) => new Walk(maxValues).Convert(value);

    public static Dictionary<string, object?>? ToMap(object? value, int maxValues = int.MaxValue) => ToTree(value, maxValues) as Dictionary<string, object?>;

    sealed class Walk(int maxValues)
    {
        readonly KeyPath _path = new();
        readonly HashSet<object> _inside = new(ReferenceEqualityComparer.Instance); // the maps and lists being converted
        int _values;

        public object? Convert(object? value)
        {
            if (++_values > maxValues) throw Shape($"is where the value passes {maxValues} values in all (a part shared n times counts n times), the most allowed");
            var container = value;
            if (value is PSObject pso)
            {
                // Every PSCustomObject shares one base object: the PSObject itself is what can contain itself.
                if (pso.BaseObject is PSCustomObject) return Enter(pso, () => FromProperties(pso));
                value = container = pso.BaseObject;
            }
            switch (value)
            {
                case null: return null;
                case string or bool or long or double: return value;
                case int or short or byte or sbyte or ushort or uint: return System.Convert.ToInt64(value, CultureInfo.InvariantCulture);
                case ulong u: return u <= long.MaxValue ? (object)(long)u : (double)u;
                case float f: return (double)f;
                case decimal m: return (double)m;
                case char c: return c.ToString();
                case IDictionary dict: return Enter(container!, () => FromDictionary(dict));
                case IEnumerable list: return Enter(container!, () => FromList(list));
                default: return System.Convert.ToString(value, CultureInfo.InvariantCulture);
            }
        }

        object? Enter(object container, Func<object?> convert)
        {
            if (_path.Depth >= Limits.MaxValueDepth) throw Shape(TreeDepth.Problem);
            if (!_inside.Add(container)) throw Shape("refers back to a map or list that holds it, so the value would contain itself without end");
            var result = convert();
            _inside.Remove(container);
            return result;
        }

        Dictionary<string, object?> FromDictionary(IDictionary dict)
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (DictionaryEntry e in dict) Add(map, System.Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "", e.Value);
            return map;
        }

        Dictionary<string, object?> FromProperties(PSObject pso)
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var p in pso.Properties) Add(map, p.Name, p.Value);
            return map;
        }

        void Add(Dictionary<string, object?> map, string key, object? value)
        {
            _path.Push(key);
            map[key] = Convert(value);
            _path.Pop();
        }

        List<object?> FromList(IEnumerable items)
        {
            var list = new List<object?>();
            foreach (var item in items)
            {
                _path.Push(list.Count);
                list.Add(Convert(item));
                _path.Pop();
            }
            return list;
        }

        ShapeException Shape(string problem) => new(_path.ToString(), problem);
    }

    /// <summary>A tree value for PowerShell: maps become hashtables (nested), lists object arrays.</summary>
    public static object? ToPowerShell(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> map => ToHashtable(map),
        List<object?> list => list.Select(ToPowerShell).ToArray(),
        _ => value,
    };

    public static Hashtable ToHashtable(IReadOnlyDictionary<string, object?> map)
    {
        var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in map) table[k] = ToPowerShell(v);
        return table;
    }

    /// <summary>A map as a PSCustomObject with its keys as properties, in order.</summary>
    public static PSObject ToPSObject(IReadOnlyDictionary<string, object?> map)
    {
        var o = new PSObject();
        foreach (var (k, v) in map) o.Properties.Add(new PSNoteProperty(k, ToPowerShell(v)));
        return o;
    }
}
