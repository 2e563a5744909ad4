namespace Sweeps.Engine.Store;

/// <summary>How a store's agents coordinate. The defaults suit every real store; tests shorten the times.</summary>
public sealed record StoreOptions
{
    /// <summary>The local clock (the store's clock is learnt from it and the files' stamps).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How long a change waits for a sweep's lock before it gives up with a clear error.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A lock not renewed for this long belongs to a holder that died or froze, and is taken over.</summary>
    public TimeSpan LockStaleAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Told once per operation that waits for a store it cannot reach (a server down, a mistyped port).</summary>
    public Action<string>? Waiting { get; init; }

    /// <summary>The options every real store uses.</summary>
    public static StoreOptions Default { get; } = new();
}
