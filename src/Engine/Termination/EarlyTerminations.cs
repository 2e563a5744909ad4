using Sweeps.Engine.Config;

namespace Sweeps.Engine.Termination;

/// <summary>The one place a config's <c>early_terminate.type</c> becomes a rule.</summary>
internal static class EarlyTerminations
{
    public static IEarlyTermination? For(SweepConfig config) => config.EarlyTerminate?.Type switch
    {
        null => null,
        "hyperband" => new HyperbandStopping(),
        "median" => new MedianStopping(),
        var t => throw new SweepsException(SweepsErrorKind.InvalidConfig, $"Invalid early stopping type {t}, must be one of [\"hyperband\", \"median\"]"),
    };
}
