using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Store;

/// <summary>A sweep at one moment: its config, its state (running, paused, finished, canceled) and a copy of its runs.</summary>
public sealed record SweepSnapshot(SweepConfig Config, string State, IReadOnlyList<RunRecord> Runs);
