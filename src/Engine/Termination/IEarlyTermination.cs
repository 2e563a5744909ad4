using Sweeps.Engine.Config;

namespace Sweeps.Engine.Termination;

/// <summary>
/// An early-termination rule: a pure function of the config and every run's progress that names the running
/// runs to stop. It never writes anything; the agent that owns a run acts on the decision.
/// </summary>
internal interface IEarlyTermination
{
    IReadOnlyList<StopDecision> Evaluate(SweepConfig config, IReadOnlyList<RunProgress> runs);
}
