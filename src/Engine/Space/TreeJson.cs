using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sweeps.Engine.Space;

/// <summary>
/// JSON for tree values. Doubles keep their float-ness (<c>42.0</c>, not <c>42</c>) so a value reads back with
/// the type it was written with; non-finite doubles are written as the strings <c>"NaN"</c>, <c>"Infinity"</c>.
/// </summary>
public static class TreeJson
{
    static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize(object? value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) Write(writer, value);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case string s: writer.WriteStringValue(s); break;
            case long l: writer.WriteNumberValue(l); break;
            case int i: writer.WriteNumberValue(i); break;
            case double d: WriteDouble(writer, d); break;
            case float f: WriteDouble(writer, f); break;
            case decimal m: writer.WriteNumberValue(m); break;
            case DateTimeOffset t: writer.WriteStringValue(t.ToString("O", CultureInfo.InvariantCulture)); break;
            case IReadOnlyDictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (k, v) in map) { writer.WritePropertyName(k); Write(writer, v); }
                writer.WriteEndObject();
                break;
            case IEnumerable<object?> list:
                writer.WriteStartArray();
                foreach (var item in list) Write(writer, item);
                writer.WriteEndArray();
                break;
            default: writer.WriteStringValue(System.Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    static void WriteDouble(Utf8JsonWriter writer, double d)
    {
        if (double.IsNaN(d)) { writer.WriteStringValue("NaN"); return; }
        if (double.IsInfinity(d)) { writer.WriteStringValue(d > 0 ? "Infinity" : "-Infinity"); return; }
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        if (!text.Contains('.') && !text.Contains('E')) text += ".0";
        writer.WriteRawValue(text, skipInputValidation: true);
    }

    public static object? Deserialize(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Read(doc.RootElement);
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
