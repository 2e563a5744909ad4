using System.Collections;
using System.Globalization;
using System.Management.Automation;

namespace Sweeps;

/// <summary>Converts between PowerShell values (hashtables, PSObjects, arrays) and the engine's plain value trees.</summary>
internal static class PowerShellValues
{
    /// <summary>A PowerShell value as a tree value: dictionaries and PSCustomObjects become maps, enumerables lists.</summary>
    public static object? ToTree(object? value)
    {
        if (value is PSObject pso)
        {
            if (pso.BaseObject is PSCustomObject) return FromProperties(pso);
            value = pso.BaseObject;
        }
        switch (value)
        {
            case null: return null;
            case string or bool or long or double: return value;
            case int or short or byte or sbyte or ushort or uint: return Convert.ToInt64(value, CultureInfo.InvariantCulture);
            case ulong u: return u <= long.MaxValue ? (object)(long)u : (double)u;
            case float f: return (double)f;
            case decimal m: return (double)m;
            case char c: return c.ToString();
            case IDictionary dict:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (DictionaryEntry e in dict) map[Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? ""] = ToTree(e.Value);
                return map;
            case IEnumerable list:
                return list.Cast<object?>().Select(ToTree).ToList();
            default: return Convert.ToString(value, CultureInfo.InvariantCulture);
        }
    }

    public static Dictionary<string, object?>? ToMap(object? value) => ToTree(value) as Dictionary<string, object?>;

    static Dictionary<string, object?> FromProperties(PSObject pso)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var p in pso.Properties) map[p.Name] = ToTree(p.Value);
        return map;
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
