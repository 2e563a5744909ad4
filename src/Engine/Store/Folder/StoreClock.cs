namespace Sweeps.Engine.Store.Folder;

/// <summary>
/// The time as the store's file system stamps it. Liveness compares files' modification times, stamped by the
/// file server's clock, with "now": on a machine whose clock is two minutes off, the local clock would make every
/// other agent look dead (or immortal). Every file this process writes in the store is a sample of the offset
/// between the two clocks, so ages are measured on one clock, the store's, whatever the machines' clocks say.
/// </summary>
internal sealed class StoreClock(TimeProvider local)
{
    readonly object _gate = new();
    TimeSpan _offset;
    bool _sampled;

    public static StoreClock System { get; } = new(TimeProvider.System);

    public TimeProvider Local { get; } = local;

    /// <summary>Whether a write has been sampled yet (before that, the local clock stands in).</summary>
    public bool IsSampled { get { lock (_gate) return _sampled; } }

    /// <summary>Now, on the store's clock.</summary>
    public DateTime UtcNow
    {
        get { lock (_gate) return Local.GetUtcNow().UtcDateTime + _offset; }
    }

    /// <summary>Now, on the store's clock, for event times.</summary>
    public DateTimeOffset Now => new(UtcNow, TimeSpan.Zero);

    /// <summary>Local time before a write, to pass to <see cref="Sample"/> after it.</summary>
    public DateTime LocalNow => Local.GetUtcNow().UtcDateTime;

    /// <summary>Learns the offset from a file this process just wrote, between <paramref name="before"/> and now.</summary>
    public void Sample(string path, DateTime before)
    {
        DateTime stamped;
        try { stamped = File.GetLastWriteTimeUtc(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        if (stamped.Year < 1980) return; // the file is gone: no sample
        var after = LocalNow;
        var local = before + (after - before) / 2;
        lock (_gate)
        {
            _offset = stamped - local;
            _sampled = true;
        }
    }

    /// <summary>
    /// Takes a sample by writing a small file in <paramref name="folder"/> when none was taken yet (a process that
    /// only reads); where it cannot write, the local clock stands in.
    /// </summary>
    public void EnsureSampled(string folder)
    {
        if (IsSampled) return;
        var probe = Path.Combine(folder, $".clock-{Guid.NewGuid():N}");
        try
        {
            var before = LocalNow;
            File.WriteAllBytes(probe, []);
            Sample(probe, before);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        finally
        {
            try { File.Delete(probe); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }
}
