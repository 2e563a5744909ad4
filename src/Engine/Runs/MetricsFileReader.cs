using System.Text;
using System.Text.Json;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Runs;

/// <summary>Tails a run's metrics file (JSON lines): each complete line is one history row, in order. Thread-safe.</summary>
public sealed class MetricsFileReader(string path)
{
    readonly JsonLinesTail _tail = new(path);
    readonly object _gate = new();

    public void Drain(Action<Dictionary<string, object?>> log)
    {
        lock (_gate) // rows reach the log in file order even when two threads drain at once
            foreach (var (number, line) in _tail.ReadNew())
            {
                var text = Encoding.UTF8.GetString(line.Span).Trim();
                if (text.Length > 0)
                    log(TryParse(text) ?? new Dictionary<string, object?> { ["_protocol_error"] = $"{Path.GetFileName(path)} line {number}: not a JSON object: {text}" });
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
