using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Search;

/// <summary>
/// A search method: a pure function of the config, the sweep's seed and its runs so far (any state).
/// Returns null when the method has nothing left to try (an exhausted grid).
/// </summary>
internal interface ISearchMethod
{
    Suggestion? Next(SweepConfig config, long seed, IReadOnlyList<RunRecord> runs);
}
