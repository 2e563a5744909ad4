using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Store;

/// <summary>How a run ended, as its agent records it.</summary>
public sealed record RunEnding(string RunId, RunState State, IReadOnlyDictionary<string, object?> Summary, long Steps, string? Error = null, int? ExitCode = null);
