using System.Text;
using System.Text.Json;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Runs;

/// <summary>Tails a run's metrics file (JSON lines): each complete line is one history row, in order. Thread-safe.</summary>
public sealed class MetricsFileReader(string path)
{
    readonly object _gate = new();
    long _offset;
    int _line;

    public void Drain(Action<Dictionary<string, object?>> log)
    {
        lock (_gate) DrainLocked(log);
    }

    void DrainLocked(Action<Dictionary<string, object?>> log)
    {
        if (!File.Exists(path)) return;
        byte[] bytes;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            if (fs.Length <= _offset) return;
            fs.Seek(_offset, SeekOrigin.Begin);
            bytes = new byte[fs.Length - _offset];
            fs.ReadExactly(bytes);
        }
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n') continue;
            var text = Encoding.UTF8.GetString(bytes, start, i - start).Trim();
            _line++;
            if (text.Length > 0)
                log(TryParse(text) ?? new Dictionary<string, object?> { ["_protocol_error"] = $"{Path.GetFileName(path)} line {_line}: not a JSON object: {text}" });
            _offset += i + 1 - start;
            start = i + 1;
        }
    }

    /// <summary>A JSON object as a history row; null when the text is not one.</summary>
    public static Dictionary<string, object?>? TryParse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true });
            return doc.RootElement.ValueKind == JsonValueKind.Object ? TreeJson.ReadObject(doc.RootElement) : null;
        }
        catch (JsonException) { return null; }
    }
}
