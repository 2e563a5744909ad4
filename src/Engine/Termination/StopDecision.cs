using System.Globalization;

namespace Sweeps.Engine.Termination;

/// <summary>A running run a stopping rule ends, and why: where it was measured and against what.</summary>
internal sealed record StopDecision(string RunId, string Rule, int Iteration, double Value, double Threshold)
{
    public string Reason => string.Create(CultureInfo.InvariantCulture,
        $"{Rule}: at iteration {Iteration} the metric was {Value:G6}, worse than the threshold {Threshold:G6}");
}
