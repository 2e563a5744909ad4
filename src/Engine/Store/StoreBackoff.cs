using System.Diagnostics;

namespace Sweeps.Engine.Store;

/// <summary>
/// Waits between tries of a store operation that met a transient failure: growing from <c>first</c> to
/// <c>longest</c>, with jitter so agents do not come back in step, within <see cref="StoreOptions.LockTimeout"/>. The
/// first wait for a store that cannot be reached is told (<see cref="StoreOptions.Waiting"/>): nobody waits a minute
/// in silence for a store whose address was mistyped.
/// </summary>
internal sealed class StoreBackoff(StoreOptions options, string store, string doing, CancellationToken cancel, TimeSpan first, TimeSpan longest)
{
    readonly Stopwatch _clock = Stopwatch.StartNew();
    TimeSpan _delay = first;
    bool _told;

    public CancellationToken Cancel => cancel;

    /// <summary>What is left of the time allowed.</summary>
    public TimeSpan Remaining => options.LockTimeout - _clock.Elapsed;

    /// <summary>Waits before the next try, or throws what <paramref name="giveUp"/> makes of the time spent once it is over.</summary>
    /// <param name="giveUp">Makes the error to throw from the time spent.</param>
    /// <param name="unreachable">Why the store cannot be reached, when that was the failure (told once); null for a turn to wait for.</param>
    public void Wait(Func<TimeSpan, Exception> giveUp, string? unreachable = null)
    {
        cancel.ThrowIfCancellationRequested();
        var wait = _delay * (0.75 + 0.5 * Random.Shared.NextDouble());
        if (_clock.Elapsed + wait > options.LockTimeout) throw giveUp(_clock.Elapsed);
        if (unreachable is not null && !_told)
        {
            _told = true;
            options.Waiting?.Invoke($"The store '{store}' cannot be reached ({unreachable}); trying again for up to {options.LockTimeout.TotalSeconds:0} s to {doing}.");
        }
        if (cancel.WaitHandle.WaitOne(wait)) cancel.ThrowIfCancellationRequested();
        _delay = TimeSpan.FromTicks(Math.Min(_delay.Ticks * 2, longest.Ticks));
    }
}
