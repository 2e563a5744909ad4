using Sweeps.Engine.Config;

namespace Sweeps.Engine.Termination;

/// <summary>What every stopping rule reads from the config: its block, and the sign that turns the goal into "minimize".</summary>
internal readonly record struct RuleSetting(EarlyTerminateSpec Spec, double Sign)
{
    public static RuleSetting From(SweepConfig config)
    {
        var spec = config.EarlyTerminate ?? throw new ArgumentException("early terminate requires \"early_terminate\" section.");
        var metric = config.Metric ?? throw new ArgumentException("early terminate requires \"metric\" section");
        return new RuleSetting(spec, metric.Goal == MetricGoal.Maximize ? -1.0 : 1.0); // work in "minimize" space, as W&B does
    }
}
