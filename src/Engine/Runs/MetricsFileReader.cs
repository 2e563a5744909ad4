using System.Text;
using System.Text.Json;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Runs;

/// <summary>Tails a run's metrics file (JSON lines): each complete line is one history row, in order. Thread-safe.</summary>
internal sealed class MetricsFileReader(string path)
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
                    log(TryParse(text, out var why) ?? ProtocolError($"{Path.GetFileName(path)} line {number}", why, text));
            }
    }

    /// <summary>A JSON object as a history row; null when the text is not one.</summary>
    public static Dictionary<string, object?>? TryParse(string json) => TryParse(json, out _);

    /// <summary>
    /// The row that records a line that is not a metrics row: where it was, why, and its start (a program that prints
    /// one huge line must not make a huge history row; the whole line stays in the run's log).
    /// </summary>
    public static Dictionary<string, object?> ProtocolError(string where, string? why, string line) => new()
    {
        ["_protocol_error"] = $"{where}: {why ?? "not a JSON object"}: {(line.Length <= 200 ? line : line[..200] + $"... ({line.Length} characters)")}",
    };

    /// <summary>A JSON object as a history row; null when the text is not one, with <paramref name="why"/> saying so.</summary>
    public static Dictionary<string, object?>? TryParse(string json, out string? why)
    {
        try
        {
            var row = TreeJson.ParseObject(Encoding.UTF8.GetBytes(json), allowTrailingCommas: true);
            why = row is null ? "not a JSON object" : null;
            return row;
        }
        catch (JsonException e)
        {
            why = $"not a JSON object ({e.Message})";
            return null;
        }
    }
}
