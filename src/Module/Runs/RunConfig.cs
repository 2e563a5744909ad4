using System.Collections;
using System.Collections.Specialized;
using System.Dynamic;
using System.Management.Automation;
using Sweeps.Engine;

namespace Sweeps;

/// <summary>
/// <c>$Run.Config</c>: the run's parameters, read as <c>$Run.Config.lr</c> or <c>$Run.Config['lr']</c>. Reading a key
/// it does not have is an error naming the keys it has, as <c>wandb.config</c> raises: a hashtable would hand the
/// block <c>$null</c> and the run would go on with it. Each key is also a note property, so it shows, converts to JSON
/// and completes as a hashtable's keys do; <c>[hashtable]$Run.Config</c> gives a copy for splatting.
/// </summary>
public sealed class RunConfig : DynamicObject
{
    readonly OrderedDictionary _values; // in the config's order, as a hashtable would not keep it
    readonly string _path;

    RunConfig(OrderedDictionary values, string path) => (_values, _path) = (values, path);

    /// <summary>The config as PowerShell sees it; nested parameters are nested configs.</summary>
    internal static PSObject From(IReadOnlyDictionary<string, object?> map, string path = "$Run.Config")
    {
        var values = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in map)
            values[key] = value is IReadOnlyDictionary<string, object?> nested ? From(nested, $"{path}.{key}") : PowerShellValues.ToPowerShell(value);
        var shown = PSObject.AsPSObject(new RunConfig(values, path));
        foreach (DictionaryEntry entry in values) shown.Properties.Add(new PSNoteProperty((string)entry.Key, entry.Value));
        return shown;
    }

    /// <summary>Whether the run has this parameter (ask before reading one that may be absent).</summary>
    public bool ContainsKey(string key) => _values.Contains(key);

    /// <summary>The parameters as key/value entries, as a hashtable's GetEnumerator gives them.</summary>
    public IDictionaryEnumerator GetEnumerator() => _values.GetEnumerator();

    /// <summary>A copy as a hashtable (nested parameters as nested hashtables).</summary>
    public Hashtable ToHashtable()
    {
        var copy = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in _values) copy[entry.Key] = entry.Value is PSObject { BaseObject: RunConfig nested } ? nested.ToHashtable() : entry.Value;
        return copy;
    }

    /// <summary>The parameters as a hashtable (a copy), e.g. to splat.</summary>
    public static implicit operator Hashtable(RunConfig config) => config.ToHashtable();

    /// <inheritdoc/>
    public override bool TryGetMember(GetMemberBinder binder, out object? result) => Found(binder.Name, out result);

    /// <inheritdoc/>
    public override bool TryGetIndex(GetIndexBinder binder, object[] indexes, out object? result) =>
        indexes is [string key] ? Found(key, out result) : throw new SweepsException(SweepsErrorKind.UnknownConfigKey, $"{_path} is read with one key, as {_path}['lr'].");

    // A block may keep its own values in the config, as wandb.config.update does.
    /// <inheritdoc/>
    public override bool TrySetMember(SetMemberBinder binder, object? value)
    {
        _values[binder.Name] = value;
        return true;
    }

    bool Found(string key, out object? value)
    {
        if (_values.Contains(key)) { value = _values[key]; return true; }
        // .Keys and .Count as a hashtable has them, unless a parameter has the name; not properties, so that
        // ConvertTo-Json and Format-List show the parameters alone.
        if (key.Equals("Keys", StringComparison.OrdinalIgnoreCase)) { value = _values.Keys; return true; }
        if (key.Equals("Count", StringComparison.OrdinalIgnoreCase)) { value = _values.Count; return true; }
        var near = Names.Nearest(key, _values.Keys.Cast<string>());
        var keys = _values.Count == 0 ? "it has none" : "it has: " + string.Join(", ", _values.Keys.Cast<string>().Order(StringComparer.Ordinal));
        throw new SweepsException(SweepsErrorKind.UnknownConfigKey,
            $"{_path} has no key '{Printable.Text(key)}' ({Printable.Text(keys)}){(near is null ? "" : $"; did you mean '{Printable.Text(near)}'?")} Use {_path}.ContainsKey('{Printable.Text(key)}') for a parameter that may be absent.");
    }

    /// <summary>The parameters as <c>key=value</c> pairs, in key order.</summary>
    public override string ToString() => string.Join("; ", _values.Keys.Cast<string>().Order(StringComparer.Ordinal).Select(k => $"{k}={_values[k]}"));
}
