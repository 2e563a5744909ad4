using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Store;

/// <summary>A run an agent has claimed, with the folder that belongs to it.</summary>
internal sealed record RunClaim(string SweepId, RunRecord Run, string Directory);
