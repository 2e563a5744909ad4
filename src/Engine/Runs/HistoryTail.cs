using System.Text.Json;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Runs;

/// <summary>Reads a run's history file incrementally: each call returns the complete rows appended since the last.</summary>
public sealed class HistoryTail(string runDirectory)
{
    readonly JsonLinesTail _tail = new(Path.Combine(runDirectory, RunRecorder.HistoryFile));

    /// <summary>Whether a read has found the history file (a run that has logged nothing yet may have none).</summary>
    public bool Seen => _tail.Seen;

    public List<Dictionary<string, object?>> ReadNew()
    {
        var rows = new List<Dictionary<string, object?>>();
        foreach (var (_, line) in _tail.ReadNew())
        {
            try
            {
                if (TreeJson.ParseObject(line.Span) is { } row) rows.Add(row);
            }
            catch (JsonException) { } // a damaged row of a dead run: the metric just lacks that value
        }
        return rows;
    }
}
