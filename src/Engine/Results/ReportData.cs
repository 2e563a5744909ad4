using System.Text.Json;
using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Space;
using Sweeps.Engine.Termination;

namespace Sweeps.Engine.Results;

/// <summary>
/// Everything the HTML report draws, as one JSON document: the sweep, every run's parameters and metric, the
/// metric's history per run, and each parameter's importance and correlation with the metric (ParameterEffects).
/// </summary>
public static class ReportData
{
    /// <summary>History curves drawn at most (the best runs first): a report stays readable with many runs.</summary>
    public const int MaxCurves = 300;

    public static string Build(Store.SweepHandle sweep)
    {
        var state = sweep.Observe(); // runs of dead agents shown crashed, as in every view
        var snapshot = new Store.SweepSnapshot(state.Config, state.State, state.Runs.ToList());
        var config = snapshot.Config;
        var metric = config.Metric;
        var leaves = config.Parameters.Searchable.ToList();
        var runs = snapshot.Runs;
        double? MetricOf(RunRecord r) => ResultColumns.MetricValue(config, r) is double d && double.IsFinite(d) ? d : null;

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("sweep");
            w.WriteString("id", sweep.Id);
            w.WriteString("name", state.Name);
            w.WriteString("method", config.Method);
            w.WriteString("state", snapshot.State);
            w.WriteString("metric", metric?.Name);
            w.WriteString("goal", metric?.Goal.ToString().ToLowerInvariant());
            w.WriteEndObject();
            w.WriteStartArray("parameters");
            foreach (var leaf in leaves)
            {
                w.WriteStartObject();
                w.WriteString("name", leaf.Name);
                w.WriteBoolean("categorical", leaf.Kind is Space.DistributionKind.Categorical or Space.DistributionKind.CategoricalWithProbabilities);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            // The best runs by the one rule every view uses (Ranking), in order: the report's table shows these.
            w.WriteStartArray("best");
            if (metric is not null) foreach (var run in Ranking.Best(config, runs, 10)) w.WriteStringValue(run.Id);
            w.WriteEndArray();
            w.WriteStartArray("runs");
            foreach (var run in runs)
            {
                w.WriteStartObject();
                w.WriteNumber("number", run.Number);
                w.WriteString("id", run.Id);
                w.WriteString("state", run.State.ToName());
                w.WritePropertyName("params");
                w.WriteStartObject();
                foreach (var leaf in leaves)
                {
                    ParameterSpace.TryGetValue(run.Config, leaf, out var v);
                    w.WritePropertyName(leaf.Name);
                    if (TreeValue.AsDouble(v) is double d && double.IsFinite(d)) w.WriteNumberValue(d);
                    else w.WriteStringValue(TreeValue.Format(v));
                }
                w.WriteEndObject();
                if (MetricOf(run) is double m) w.WriteNumber("metric", m); else w.WriteNull("metric");
                if (run.Runtime is TimeSpan t) w.WriteNumber("runtime", Math.Round(t.TotalSeconds, 3));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("curves");
            if (metric is not null)
            {
                var sign = metric.Goal == MetricGoal.Maximize ? -1 : 1;
                foreach (var run in runs.OrderBy(r => MetricOf(r) is double m ? sign * m : double.PositiveInfinity).Take(MaxCurves))
                {
                    var values = RunProgress.MetricValues(sweep.History(run.Id), metric.Name);
                    if (values.Count == 0) continue;
                    w.WriteStartObject();
                    w.WriteNumber("number", run.Number);
                    w.WriteStartArray("values");
                    foreach (var v in values) w.WriteNumberValue(v);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
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
}
