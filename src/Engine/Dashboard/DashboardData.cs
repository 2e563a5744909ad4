using System.Collections.Concurrent;
using System.Text.Json;
using Sweeps.Engine.Config;
using Sweeps.Engine.Results;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Space;
using Sweeps.Engine.Store;
using Sweeps.Engine.Termination;

namespace Sweeps.Engine.Dashboard;

/// <summary>
/// Everything the dashboard and the report draw for one sweep, as one JSON document: the sweep and its config, each
/// parameter's scale (log for log distributions, categories in order), every run with its parameters, summary,
/// error and why it was stopped, each run's history of every numeric metric (by step, with epoch and wall time where
/// logged), the best runs by the one ranking rule, parameter importance and correlation, and what early termination
/// saved. Histories of ended runs are read once and kept (<see cref="HistoryCache"/>): a live page asks every second.
/// </summary>
public static class DashboardData
{
    /// <summary>Points kept per run and metric: longer histories are thinned evenly, keeping the last point.</summary>
    public const int MaxPoints = 400;

    /// <summary>The dashboard's JSON document for a sweep: its config, runs and thinned histories.</summary>
    /// <param name="sweep">The sweep, shown as every view shows it (runs of dead agents crashed).</param>
    /// <param name="outputBytes">How much of each run's output to put in (the report, which has no server to ask); 0: none.</param>
    public static string Build(SweepHandle sweep, int outputBytes = 0)
    {
        var histories = new HistoryCache();
        var state = sweep.Observe(); // runs of dead agents shown crashed, as in every view
        histories.CatchUp(sweep, state.Runs);
        return Build(sweep, state, histories, outputBytes);
    }

    /// <summary>The end of what a run printed (stdout, then stderr), or null when nothing was kept.</summary>
    public static string? Output(SweepHandle sweep, string runId, int maxBytes)
    {
        var text = new System.Text.StringBuilder();
        foreach (var name in new[] { "stdout.log", "stderr.log" })
            if (sweep.Backend.ReadFile(runId, name, maxBytes) is { Length: > 0 } tail) text.Append("== ").Append(name).Append(" ==\n").Append(tail).Append('\n');
        return text.Length == 0 ? null : text.ToString();
    }

    /// <summary>
    /// What the data depends on, cheap to take: the journal's state, each run's state (a dead agent's run turns
    /// crashed with no event) and the histories' growth. The same token means the same document.
    /// </summary>
    internal static string ChangeToken(SweepHandle sweep, HistoryCache histories, out SweepState state)
    {
        state = sweep.Observe();
        histories.CatchUp(sweep, state.Runs);
        var running = state.Runs.Count(r => r.State == RunState.Running);
        return $"{state.Updated.UtcTicks}/{state.State}/{state.Runs.Count}/{running}/{histories.Version}";
    }

    internal static string Build(SweepHandle sweep, SweepState state, HistoryCache histories, int outputBytes = 0)
    {
        var config = state.Config;
        var metric = config.Metric;
        var leaves = config.Parameters.Searchable.ToList();
        var runs = state.Runs.ToList();
        double? MetricOf(RunRecord r) => ResultColumns.MetricValue(config, r) is double d && double.IsFinite(d) ? d : null;

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("sweep");
            w.WriteString("id", sweep.Id);
            w.WriteString("name", state.Name);
            w.WriteString("method", config.Method);
            w.WriteString("state", state.State);
            w.WriteString("metric", metric?.Name);
            w.WriteString("goal", metric?.Goal.ToString().ToLowerInvariant());
            w.WriteString("earlyTerminate", config.EarlyTerminate is { } et ? EarlyTerminateText(et) : null);
            w.WriteString("config", PyYaml.Dump(config.Tree));
            w.WriteStartObject("counts");
            foreach (var group in runs.GroupBy(r => r.State).OrderBy(g => g.Key)) w.WriteNumber(group.Key.ToName(), group.Count());
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartArray("parameters");
            foreach (var leaf in leaves) WriteParameter(w, leaf);
            w.WriteEndArray();

            w.WriteStartArray("best");
            if (metric is not null) foreach (var run in Ranking.Best(config, runs, 10)) w.WriteStringValue(run.Id);
            w.WriteEndArray();

            var longest = runs.Where(r => r.State == RunState.Finished).Select(r => r.Steps).DefaultIfEmpty(0).Max();
            w.WriteStartArray("runs");
            foreach (var run in runs)
            {
                w.WriteStartObject();
                w.WriteNumber("number", run.Number);
                w.WriteString("id", run.Id);
                w.WriteString("state", run.State.ToName());
                w.WriteString("agent", run.Agent);
                w.WriteNumber("created", run.Created.ToUnixTimeMilliseconds());
                w.WriteStartObject("params");
                foreach (var leaf in leaves)
                {
                    ParameterSpace.TryGetValue(run.Config, leaf, out var v);
                    WriteValue(w, leaf.Name, v);
                }
                w.WriteEndObject();
                w.WriteStartObject("summary");
                foreach (var (key, value) in run.Summary.Where(kv => !kv.Key.StartsWith('_')).OrderBy(kv => kv.Key, StringComparer.Ordinal)) WriteValue(w, key, value);
                w.WriteEndObject();
                if (MetricOf(run) is double m) w.WriteNumber("metric", m); else w.WriteNull("metric");
                if (run.Runtime is TimeSpan t) w.WriteNumber("runtime", Math.Round(t.TotalSeconds, 3));
                w.WriteNumber("steps", run.Steps);
                if (run.Error is not null) w.WriteString("error", run.Error);
                if (EarlyStop.Reason(run) is { } stop)
                {
                    w.WriteString("stopped", stop);
                    if (longest > run.Steps) w.WriteNumber("saved", longest - run.Steps); // steps a full run would have taken more
                }
                if (outputBytes > 0 && Output(sweep, run.Id, outputBytes) is { } output) w.WriteString("output", output);
                w.WriteStartObject("history");
                foreach (var (key, values) in histories.Of(sweep, run)) { w.WriteStartArray(key); foreach (var v in values) WriteNumber(w, v); w.WriteEndArray(); }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartArray("correlations");
            foreach (var effect in ParameterEffects.Of(config, runs))
            {
                w.WriteStartObject();
                w.WriteString("parameter", effect.Parameter);
                w.WriteNumber("importance", Math.Round(effect.Importance, 4));
                if (effect.Correlation is double r) w.WriteNumber("correlation", Math.Round(r, 4)); else w.WriteNull("correlation");
                w.WriteNumber("runs", effect.Runs);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Every sweep of a store, for the dashboard's first page.</summary>
    public static string List(SweepStore store)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("store", store.Location);
            w.WriteStartArray("sweeps");
            foreach (var handle in store.List())
            {
                SweepState state;
                try { state = handle.Observe(); }
                catch (SweepsException) { continue; } // a damaged sweep does not hide the others
                var best = state.Config.Metric is null ? null : Ranking.BestOrNull(state.Config, state.Runs);
                w.WriteStartObject();
                w.WriteString("id", handle.Id);
                w.WriteString("name", state.Name);
                w.WriteString("method", state.Config.Method);
                w.WriteString("state", state.State);
                w.WriteString("metric", state.Config.Metric?.Name);
                w.WriteString("goal", state.Config.Metric?.Goal.ToString().ToLowerInvariant());
                w.WriteNumber("runs", state.Runs.Count);
                w.WriteNumber("running", state.Runs.Count(r => r.State == RunState.Running));
                w.WriteNumber("failed", state.Runs.Count(r => r.State is RunState.Failed or RunState.Crashed));
                if (best is not null && ResultColumns.MetricValue(state.Config, best) is double b && double.IsFinite(b)) w.WriteNumber("best", b);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    static string EarlyTerminateText(EarlyTerminateSpec et) =>
        string.Join(", ", new[] { et.Type, et.MinIter is long min ? $"min_iter {min}" : null, et.MaxIter is long max ? $"max_iter {max}" : null, et.S is double s ? $"s {s}" : null, $"eta {et.Eta}" }.Where(p => p is not null));

    // A parameter's scale on the page: log for log distributions, categories in order (numbers by value, so 8, 16,
    // 32, 64 and not the order first seen), linear otherwise.
    static void WriteParameter(Utf8JsonWriter w, Parameter leaf)
    {
        w.WriteStartObject();
        w.WriteString("name", leaf.Name);
        w.WriteString("scale", leaf.IsCategorical ? "categorical" : leaf.IsLogScale ? "log" : "linear");
        if (leaf.IsCategorical)
        {
            var values = leaf.Values.ToList();
            if (values.All(v => TreeValue.AsDouble(v) is double)) values = values.OrderBy(v => TreeValue.AsDouble(v)).ToList();
            w.WriteStartArray("categories");
            foreach (var v in values) w.WriteStringValue(TreeValue.Format(v));
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    static void WriteValue(Utf8JsonWriter w, string name, object? value)
    {
        w.WritePropertyName(name);
        if (TreeValue.AsDouble(value) is double d && !(value is bool)) WriteNumber(w, d);
        else if (value is null) w.WriteNullValue();
        else w.WriteStringValue(value is string s ? s : TreeValue.Format(value));
    }

    static void WriteNumber(Utf8JsonWriter w, double d)
    {
        if (double.IsFinite(d)) w.WriteNumberValue(d); else w.WriteNullValue(); // JSON has no NaN: a gap in a curve
    }
}

/// <summary>
/// Each run's numeric history, thinned to <see cref="DashboardData.MaxPoints"/>, read incrementally: a running run's
/// new rows only, an ended run's never again once read to its end. <see cref="Version"/> moves when any row came.
/// </summary>
internal sealed class HistoryCache
{
    sealed class Entry(IHistoryReader reader)
    {
        public readonly IHistoryReader Reader = reader;
        public readonly List<Dictionary<string, object?>> Rows = [];
        public bool Complete;
        public IReadOnlyList<(string Key, double[] Values)>? Series;
    }

    readonly ConcurrentDictionary<(string Sweep, string Run), Entry> _runs = new();
    long _version;

    /// <summary>Moves whenever a history grew: with the journal's state it says whether the page's data changed.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Reads what the runs logged since the last look.</summary>
    public void CatchUp(SweepHandle sweep, IEnumerable<RunRecord> runs)
    {
        foreach (var run in runs)
        {
            var entry = _runs.GetOrAdd((sweep.Id, run.Id), _ => new Entry(sweep.Backend.ReadHistory(run.Id)));
            if (entry.Complete) continue;
            var ended = run.State.IsTerminal(); // judged before reading: rows written before the end are all there
            var rows = entry.Reader.ReadNew();
            if (rows.Count > 0) { lock (entry) { entry.Rows.AddRange(rows); entry.Series = null; } Interlocked.Increment(ref _version); }
            entry.Complete = ended && entry.Reader.Seen;
        }
    }

    public IReadOnlyList<(string Key, double[] Values)> Of(SweepHandle sweep, RunRecord run)
    {
        if (!_runs.TryGetValue((sweep.Id, run.Id), out var entry)) { CatchUp(sweep, [run]); entry = _runs[(sweep.Id, run.Id)]; }
        lock (entry) return entry.Series ??= Series(entry.Rows);
    }

    // Every numeric key, each aligned with _step (a row without the key is a gap); _timestamp as seconds since the
    // run's first row, for curves over wall time.
    static List<(string Key, double[] Values)> Series(List<Dictionary<string, object?>> rows)
    {
        if (rows.Count == 0) return [];
        var keep = Thin(rows.Count);
        var keys = rows.SelectMany(r => r.Where(kv => TreeValue.AsDouble(kv.Value) is double && kv.Value is not bool).Select(kv => kv.Key)).Distinct().Order(StringComparer.Ordinal).ToList();
        var start = TreeValue.AsDouble(rows[0].GetValueOrDefault("_timestamp")) ?? 0;
        return keys.Select(key => (key == "_timestamp" ? "_time" : key, keep.Select(i =>
        {
            var v = TreeValue.AsDouble(rows[i].GetValueOrDefault(key)) ?? double.NaN;
            return key == "_timestamp" ? Math.Round(v - start, 3) : v;
        }).ToArray())).ToList();
    }

    static List<int> Thin(int count)
    {
        if (count <= DashboardData.MaxPoints) return Enumerable.Range(0, count).ToList();
        var step = (double)(count - 1) / (DashboardData.MaxPoints - 1);
        return Enumerable.Range(0, DashboardData.MaxPoints).Select(i => (int)Math.Round(i * step)).Distinct().ToList();
    }
}
