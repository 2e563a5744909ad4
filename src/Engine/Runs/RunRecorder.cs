using System.Text;
using System.Text.Json;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Runs;

/// <summary>
/// A run's history (like <c>wandb.log</c>): each row is one JSON line in <c>history.jsonl</c> in the run's folder,
/// with <c>_step</c> and <c>_timestamp</c> added. The summary is the last logged value of each key. One writer per run,
/// safe to call from any thread.
/// </summary>
public sealed class RunRecorder : IDisposable
{
    public const string HistoryFile = "history.jsonl";

    readonly Dictionary<string, object?> _summary = new(StringComparer.Ordinal);
    readonly string _path;
    readonly object _gate = new();
    readonly string? _metric;
    FileStream? _writer; // opened at the first row: a run that logs nothing costs no file
    long _steps;
    double _min = double.PositiveInfinity, _max = double.NegativeInfinity;

    /// <param name="metric">The sweep's metric, whose lowest and highest valid values are kept (model-based search uses them).</param>
    public RunRecorder(string runDirectory, string? metric = null)
    {
        Directory.CreateDirectory(runDirectory);
        _path = Path.Combine(runDirectory, HistoryFile);
        _metric = metric;
    }

    /// <summary>The lowest and highest valid values of the sweep's metric logged so far, or null.</summary>
    public (double Min, double Max)? MetricRange
    {
        get { lock (_gate) return _min <= _max ? (_min, _max) : null; }
    }

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
            try
            {
                // Unbuffered, one write per row: a failed write (a full disk) leaves nothing behind to fail again later.
                _writer ??= new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
                _writer.Write(Encoding.UTF8.GetBytes(TreeJson.Serialize(line) + "\n"));
            }
            catch (Exception e) when (Store.StoreErrors.IsStoreFailure(e))
            {
                throw Store.StoreErrors.From(e, "write the run's history", _path, Path.GetFullPath(Path.Combine(_path, "..", "..", "..", "..")));
            }
            _steps++;
            Summarize(_summary, row);
            if (_metric is not null && row.TryGetValue(_metric, out var v) && TreeValue.AsDouble(v) is double d && double.IsFinite(d))
                (_min, _max) = (Math.Min(_min, d), Math.Max(_max, d));
        }
    }

    /// <summary>The summary of a history: the last value of each key, bookkeeping keys ('_') left out.</summary>
    public static Dictionary<string, object?> SummaryOf(IEnumerable<IReadOnlyDictionary<string, object?>> rows)
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

    public void Dispose()
    {
        lock (_gate) _writer?.Dispose();
    }

    /// <summary>Reads a run's history back; a torn last row (the run died while writing it) is left out.</summary>
    /// <param name="tolerateDamage">Stop at the first bad row instead of throwing (for a run whose agent died).</param>
    public static List<Dictionary<string, object?>> ReadHistory(string runDirectory, bool tolerateDamage = false)
    {
        var path = Path.Combine(runDirectory, HistoryFile);
        var rows = new List<Dictionary<string, object?>>();
        if (!File.Exists(path)) return rows;
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(fs);
        var text = reader.ReadToEnd();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            try
            {
                rows.Add(TreeJson.ParseObject(Encoding.UTF8.GetBytes(lines[i])) ?? throw new JsonException("not a JSON object"));
            }
            catch (JsonException) when (i == lines.Length - 1 || tolerateDamage) { break; }
            catch (JsonException e)
            {
                throw new SweepsException(SweepsErrorKind.StoreCorrupt, $"{path}, line {i + 1}: not valid JSON ({e.Message}).", e);
            }
        }
        return rows;
    }
}
