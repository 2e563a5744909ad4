using System.Text.Json;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Store;

/// <summary>One line of a run's history read back, as every store's history reader reads it.</summary>
internal static class HistoryRow
{
    /// <summary>
    /// Adds the line's row to <paramref name="rows"/>; false for a line that is no row (one a dying run left half
    /// written, or not an object), which the reader counts as damaged and skips.
    /// </summary>
    public static bool TryAdd(List<Dictionary<string, object?>> rows, ReadOnlySpan<byte> line)
    {
        try
        {
            if (TreeJson.ParseObject(line) is not { } row) return false;
            rows.Add(row);
            return true;
        }
        catch (JsonException) { return false; }
    }
}
