using System.Runtime.CompilerServices;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sweeps.Engine.Space;

/// <summary>
/// JSON for tree values. Doubles keep their float-ness (<c>42.0</c>, not <c>42</c>) so a value reads back with
/// the type it was written with. Non-finite doubles have no JSON form: in metrics they are written as the strings
/// <c>"NaN"</c>, <c>"Infinity"</c> (not a valid value of a metric, as in W&amp;B); in configs, where a grid value
/// <c>.nan</c> must reach the run as a float, as <c>{"__float__": "nan"}</c> (<see cref="WriteExact"/>, <see cref="Untag"/>).
/// </summary>
internal static class TreeJson
{
    static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize(object? value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) Write(writer, value);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes a config: as <see cref="Write(Utf8JsonWriter, object?)"/>, but NaN and infinities as a tagged object that reads back as the float.</summary>
    public static void WriteExact(Utf8JsonWriter writer, object? value) => Write(writer, value, exact: true);

    const string FloatTag = "__float__";

    public static void Write(Utf8JsonWriter writer, object? value) => Write(writer, value, exact: false);

    static void Write(Utf8JsonWriter writer, object? value, bool exact)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case string s: writer.WriteStringValue(s); break;
            case long l: writer.WriteNumberValue(l); break;
            case int i: writer.WriteNumberValue(i); break;
            case double d: WriteDouble(writer, d, exact); break;
            case float f: WriteDouble(writer, f, exact); break;
            case decimal m: writer.WriteNumberValue(m); break;
            case DateTimeOffset t: writer.WriteStringValue(t.ToString("O", CultureInfo.InvariantCulture)); break;
            case IReadOnlyDictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (k, v) in map) { writer.WritePropertyName(k); Write(writer, v, exact); }
                writer.WriteEndObject();
                break;
            case IEnumerable<object?> list:
                writer.WriteStartArray();
                foreach (var item in list) Write(writer, item, exact);
                writer.WriteEndArray();
                break;
            default: writer.WriteStringValue(System.Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    static void WriteDouble(Utf8JsonWriter writer, double d, bool exact)
    {
        if (!double.IsFinite(d) && exact)
        {
            writer.WriteStartObject();
            writer.WriteString(FloatTag, double.IsNaN(d) ? "nan" : d > 0 ? "inf" : "-inf");
            writer.WriteEndObject();
            return;
        }
        if (double.IsNaN(d)) { writer.WriteStringValue("NaN"); return; }
        if (double.IsInfinity(d)) { writer.WriteStringValue(d > 0 ? "Infinity" : "-Infinity"); return; }
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        if (!text.Contains('.') && !text.Contains('E')) text += ".0";
        writer.WriteRawValue(text, skipInputValidation: true);
    }

    /// <summary>A config read back: the tagged non-finite floats <see cref="WriteExact"/> wrote become floats again, in place.</summary>
    public static Dictionary<string, object?> Untag(Dictionary<string, object?> map)
    {
        foreach (var key in map.Keys.ToList()) map[key] = UntagValue(map[key]);
        return map;
    }

    static object? UntagValue(object? value)
    {
        switch (value)
        {
            case Dictionary<string, object?> { Count: 1 } tagged when tagged.TryGetValue(FloatTag, out var text) && text is string name:
                return name switch { "nan" => double.NaN, "inf" => double.PositiveInfinity, "-inf" => double.NegativeInfinity, _ => tagged };
            case Dictionary<string, object?> map: return Untag(map);
            case List<object?> list:
                for (var i = 0; i < list.Count; i++) list[i] = UntagValue(list[i]);
                return list;
            default: return value;
        }
    }

    /// <summary>
    /// How JSON that Sweeps stored (or a program wrote) is read: nested up to <see cref="Limits.MaxStoredJsonDepth"/>,
    /// more than any value that was let in (<see cref="Limits.MaxValueDepth"/>) plus the event or row around it.
    /// </summary>
    public static JsonReaderOptions ReaderOptions(bool allowTrailingCommas = false) =>
        new() { MaxDepth = Limits.MaxStoredJsonDepth, AllowTrailingCommas = allowTrailingCommas };

    public static object? Deserialize(string json)
    {
        var r = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), ReaderOptions());
        r.Read();
        var value = Read(ref r);
        r.Read(); // throws on anything but white space after the value
        return value;
    }

    /// <summary>
    /// One JSON text that must be an object (a history row, a line of a metrics file): its map, or null when the text
    /// is valid JSON but not an object. Throws <see cref="JsonException"/> when the text is not JSON.
    /// </summary>
    public static Dictionary<string, object?>? ParseObject(ReadOnlySpan<byte> utf8, bool allowTrailingCommas = false)
    {
        var r = new Utf8JsonReader(utf8, ReaderOptions(allowTrailingCommas));
        if (!r.Read()) throw new JsonException("empty: no JSON value");
        Dictionary<string, object?>? map = null;
        if (r.TokenType == JsonTokenType.StartObject) map = ReadObject(ref r);
        else r.Skip();
        r.Read(); // throws on anything but white space after the value
        return map;
    }

    public static object? Read(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => ReadNumber(e),
        JsonValueKind.Array => e.EnumerateArray().Select(Read).ToList(),
        JsonValueKind.Object => ReadObject(e),
        _ => null,
    };

    // Keys (parameter and metric names) repeat in every run: a replay keeps one string of each.
    [ThreadStatic] static Dictionary<string, string>? _interned;

    /// <summary>One shared instance of a string that repeats (a key, an agent's name).</summary>
    public static string Intern(string s)
    {
        var pool = _interned ??= new Dictionary<string, string>(StringComparer.Ordinal);
        if (pool.TryGetValue(s, out var shared)) return shared;
        if (pool.Count < 4096) pool[s] = s;
        return s;
    }

    /// <summary>Reads the object the reader is on (its StartObject token) and leaves it on the EndObject.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot in a replay: compiled optimized at once
    public static Dictionary<string, object?> ReadObject(ref Utf8JsonReader r)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var key = Intern(r.GetString()!);
            r.Read();
            map[key] = Read(ref r);
        }
        return map;
    }

    /// <summary>Reads the value the reader is on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot in a replay: compiled optimized at once
    public static object? Read(ref Utf8JsonReader r)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.Null: return null;
            case JsonTokenType.True: return true;
            case JsonTokenType.False: return false;
            case JsonTokenType.String: return r.GetString();
            case JsonTokenType.Number:
                ReadOnlySpan<byte> raw = r.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(r.ValueSequence) : r.ValueSpan;
                return raw.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0 && r.TryGetInt64(out var l) ? (object)l : r.GetDouble();
            case JsonTokenType.StartObject: return ReadObject(ref r);
            case JsonTokenType.StartArray:
                var list = new List<object?>();
                while (r.Read() && r.TokenType != JsonTokenType.EndArray) list.Add(Read(ref r));
                return list;
            default: throw new JsonException($"unexpected {r.TokenType}");
        }
    }

    public static Dictionary<string, object?> ReadObject(JsonElement e)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject()) map[p.Name] = Read(p.Value);
        return map;
    }

    static object ReadNumber(JsonElement e)
    {
        var raw = e.GetRawText();
        if (raw.IndexOfAny(['.', 'e', 'E']) < 0 && e.TryGetInt64(out var l)) return l;
        return e.GetDouble();
    }
}
