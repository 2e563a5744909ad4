using System.Text.RegularExpressions;
using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Termination;

/// <summary>Whether early termination ended a run: a killed run whose reason is a stopping rule's (<see cref="StopDecision.Reason"/>).</summary>
internal static partial class EarlyStop
{
    /// <summary>The rule's reason, or null for a run it did not stop.</summary>
    public static string? Reason(RunRecord run) =>
        run.State == RunState.Killed && run.Error is { } error && RuleReason().IsMatch(error) ? error : null;

    [GeneratedRegex(@"^(hyperband|median): at iteration \d+ ")]
    private static partial Regex RuleReason();
}
