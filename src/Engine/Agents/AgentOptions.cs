namespace Sweeps.Engine.Agents;

/// <summary>How an agent runs. Defaults follow W&amp;B's agent where it has one.</summary>
public sealed record AgentOptions
{
    /// <summary>Stop after this many runs (null: until the sweep has nothing left).</summary>
    public int? Count { get; init; }

    /// <summary>How many runs at once.</summary>
    public int ThrottleLimit { get; init; } = 1;

    /// <summary>The name the agent claims runs under; also its heartbeat file's name.</summary>
    public string AgentId { get; init; } = NewAgentId();

    /// <summary>How often the agent proves it is alive.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A running run whose agent has been silent this long is marked crashed (by any agent that claims).</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Run a crashed run's parameters again, once, as a new run. Off by default, as in W&amp;B.</summary>
    public bool RetryCrashed { get; init; }

    /// <summary>Stop after this many failed runs in a row (0: never).</summary>
    public int MaxConsecutiveFailures { get; init; } = 5;

    /// <summary>W&amp;B's flapping rule: stop when this many runs fail within <see cref="FlappingWindow"/> of the start.</summary>
    public int FlappingFailures { get; init; } = 3;
    /// <summary>The time from the start within which <see cref="FlappingFailures"/> failures stop the agent.</summary>
    public TimeSpan FlappingWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the sweep's early-termination rule is applied to this agent's running runs.</summary>
    public TimeSpan StopCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Exit instead of waiting when the sweep is paused.</summary>
    public bool ExitWhenIdle { get; init; }

    /// <summary>How often a waiting agent looks whether a paused sweep was resumed.</summary>
    public TimeSpan PausePollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A fresh id: readable (host and pid) and unique by its random part, never by host and pid alone.</summary>
    internal static string NewAgentId() => $"{Store.StoreIds.Sanitize(Environment.MachineName)}-{Environment.ProcessId}-{Store.ShortId.New()}";
}
