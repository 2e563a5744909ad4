using System.Text;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Runs;

/// <summary>
/// A run's history (like <c>wandb.log</c>): each row is one JSON object written to the store's history of the run
/// (<see cref="Store.IHistoryWriter"/>), with <c>_step</c> and <c>_timestamp</c> added. The summary is the last logged
/// value of each key. One writer per run, safe to call from any thread.
/// </summary>
public sealed class RunRecorder : IDisposable
{
    readonly Dictionary<string, object?> _summary = new(StringComparer.Ordinal);
    readonly Store.IHistoryWriter _writer;
    readonly object _gate = new();
    readonly string? _metric;
    long _steps;
    double _min = double.PositiveInfinity, _max = double.NegativeInfinity;

    /// <param name="writer">The store's history of the run.</param>
    /// <param name="metric">The sweep's metric, whose lowest and highest valid values are kept (model-based search uses them).</param>
    internal RunRecorder(Store.IHistoryWriter writer, string? metric = null)
    {
        _writer = writer;
        _metric = metric;
    }

    /// <summary>The lowest and highest valid values of the sweep's metric logged so far, or null.</summary>
    public (double Min, double Max)? MetricRange
    {
        get { lock (_gate) return _min <= _max ? (_min, _max) : null; }
    }

    /// <summary>How many rows have been logged.</summary>
    public long Steps { get { lock (_gate) return _steps; } }

    /// <summary>The last value of each metric (keys starting with '_' are bookkeeping and left out).</summary>
    public Dictionary<string, object?> Summary
    {
        get { lock (_gate) return new Dictionary<string, object?>(_summary, StringComparer.Ordinal); }
    }

    /// <summary>
    /// Appends one history row. A row that nests deeper than <see cref="Limits.MaxValueDepth"/> is refused, naming the
    /// key, before anything is written (<see cref="SweepsErrorKind.InvalidMetric"/>): every source of rows comes through here.
    /// </summary>
    public void Log(IReadOnlyDictionary<string, object?> row)
    {
        if (TreeDepth.TooDeep(row) is { } path)
            throw new SweepsException(SweepsErrorKind.InvalidMetric, $"The metric row cannot be logged: '{path}' {TreeDepth.Problem}.");
        lock (_gate)
        {
            var line = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (key, value) in row) line[key] = value;
            line["_step"] = _steps;
            line["_timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
            _writer.Append(Encoding.UTF8.GetBytes(TreeJson.Serialize(line)));
            _steps++;
            Summarize(_summary, row);
            if (_metric is not null && row.TryGetValue(_metric, out var v) && TreeValue.AsDouble(v) is double d && double.IsFinite(d))
                (_min, _max) = (Math.Min(_min, d), Math.Max(_max, d));
        }
    }

    /// <summary>The summary of a history: the last value of each key, bookkeeping keys ('_') left out.</summary>
    internal static Dictionary<string, object?> SummaryOf(IEnumerable<IReadOnlyDictionary<string, object?>> rows)
    {
        var summary = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var row in rows) Summarize(summary, row);
        return summary;
    }

    static void Summarize(Dictionary<string, object?> summary, IReadOnlyDictionary<string, object?> row)
    {
        foreach (var (key, value) in row)
            if (!key.StartsWith('_')) summary[key] = value;
    }

    /// <summary>Closes the run's history.</summary>
    public void Dispose()
    {
        lock (_gate) _writer.Dispose();
    }
}
