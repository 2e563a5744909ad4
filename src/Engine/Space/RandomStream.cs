namespace Sweeps.Engine.Space;

/// <summary>
/// A counter-based random stream: SplitMix64 over (seed, stream, index). Every draw is a pure function of
/// those numbers, so a suggestion depends only on the sweep's seed and history, never on process state.
/// </summary>
internal sealed class RandomStream(long seed, long stream)
{
    ulong _counter;
    readonly ulong _base = Mix(unchecked((ulong)seed) ^ Mix(unchecked((ulong)stream) + 0x9E3779B97F4A7C15UL));

    /// <summary>A uniform draw in the open interval (0, 1), so no distribution sees an exact 0 or 1.</summary>
    public double NextDouble() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, n).</summary>
    public int NextInt(int n) => (int)(NextDouble() * n);

    public ulong NextUInt64() => Mix(_base + 0x9E3779B97F4A7C15UL * ++_counter);

    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
