using System.Text;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Store;

/// <summary>
/// What of a run's ending goes into the journal: every agent replays the journal, so one program that prints 100 MB
/// to stderr, or logs a 50 MB string as a metric, must not make it a 100 MB line. The error keeps its start and end,
/// the summary its values up to a size (the largest are left out first); the whole texts stay in the run's logs
/// and history.
/// </summary>
internal static class JournalCaps
{
    public static string? Error(string? error)
    {
        if (error is null || error.Length <= Limits.MaxErrorChars) return error;
        var head = Limits.MaxErrorChars / 4;
        var tail = Limits.MaxErrorChars - head;
        return $"{error[..head]} … [{error.Length - head - tail} characters left out here; the whole text is in the run's logs] … {error[^tail..]}";
    }

    public static Dictionary<string, object?> Summary(IReadOnlyDictionary<string, object?> summary)
    {
        var copy = summary.ToDictionary(kv => kv.Key, kv => TreeValue.Clone(kv.Value), StringComparer.Ordinal);
        var sizes = copy.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetByteCount(TreeJson.Serialize(kv.Value)) + Encoding.UTF8.GetByteCount(kv.Key) + 4);
        var total = sizes.Values.Sum(s => (long)s);
        foreach (var (key, size) in sizes.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (total <= Limits.MaxSummaryBytes) break;
            var marker = $"(a value of {size} bytes, left out of the journal; it is in the run's history)";
            copy[key] = marker;
            total += marker.Length + key.Length + 6 - size;
        }
        return copy;
    }
}
