namespace Sweeps.Engine.Agents;

/// <summary>How an agent runs: how many runs at most, and under which name it claims them.</summary>
public sealed record AgentOptions
{
    /// <summary>Stop after this many runs (null: until the sweep has nothing left).</summary>
    public int? Count { get; init; }

    public string AgentId { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Store.ShortId.New()[..4]}";
}
