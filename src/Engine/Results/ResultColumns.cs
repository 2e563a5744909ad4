using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Results;

/// <summary>
/// Flattens runs into named columns: each parameter leaf by its dotted name (<c>optimizer.lr</c>), then each
/// summary metric. A metric whose name a parameter already uses becomes <c>summary.&lt;name&gt;</c>.
/// </summary>
public static class ResultColumns
{
    /// <summary>One named value of a run.
    /// <param name="Name">The parameter's dotted name or the metric's name.</param>
    /// <param name="Value">The run's value.</param>
    /// <param name="IsParameter">Whether it is a parameter (else a summary metric).</param></summary>
    public sealed record Column(string Name, object? Value, bool IsParameter);

    /// <summary>The run's parameters, then its summary metrics, as columns.</summary>
    public static List<Column> For(SweepConfig config, RunRecord run)
    {
        var columns = new List<Column>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "SweepId", "Id", "Number", "State", "Runtime", "Created", "Ended", "Error", "ExitCode", "Agent", "Steps" };
        foreach (var leaf in config.Parameters.Leaves)
        {
            Space.ParameterSpace.TryGetValue(run.Config, leaf, out var value);
            var name = names.Add(leaf.Name) ? leaf.Name : "config." + leaf.Name;
            names.Add(name);
            columns.Add(new Column(name, value, true));
        }
        foreach (var (key, value) in run.Summary)
        {
            var name = names.Add(key) ? key : "summary." + key;
            names.Add(name);
            columns.Add(new Column(name, value, false));
        }
        return columns;
    }

    /// <summary>The metric value of a run for the sweep's metric, when it logged a number.</summary>
    public static double? MetricValue(SweepConfig config, RunRecord run) =>
        config.Metric is { } m && run.Summary.TryGetValue(m.Name, out var v) ? Space.TreeValue.AsDouble(v) : null;
}
