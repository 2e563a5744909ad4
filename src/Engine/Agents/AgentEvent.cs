using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;

namespace Sweeps.Engine.Agents;

/// <summary>
/// What an agent reports while it works, in order, on the thread that enumerates <see cref="SweepAgent.Run"/>:
/// <see cref="RunStarted"/>, <see cref="RunOutput"/>, <see cref="RunCompleted"/> (the run reached a terminal state).
/// </summary>
internal abstract record AgentEvent;

internal sealed record RunStarted(RunClaim Claim) : AgentEvent;

/// <summary>A line a program run printed (not a metric line).</summary>
internal sealed record RunOutput(string RunId, string Line) : AgentEvent;

/// <summary>A run reached a terminal state; <paramref name="Warning"/> says what looks wrong with it though it finished.</summary>
internal sealed record RunCompleted(RunRecord Run, string? Warning = null) : AgentEvent;
