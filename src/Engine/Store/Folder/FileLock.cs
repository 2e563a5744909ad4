using System.Diagnostics;
using System.Text.Json;

namespace Sweeps.Engine.Store.Folder;

/// <summary>
/// A lock that works across processes and machines on a shared disk. Whoever makes the lock file holds it; the file
/// is written in full under a unique name first and then moved into place without overwriting (link(2) on Unix,
/// MoveFileEx on Windows), so a lock file is never empty or half written, even when the disk is full.
/// <para>
/// The holder renews the lock (rewrites its file, which the file system stamps) while it holds it, and checks that
/// the lock is still its own right before it writes. A waiter breaks the lock when its owner is a process on this
/// machine that is gone, or when the lock has not been renewed for <see cref="StaleAfter"/> as the waiter's own
/// clock measures it (a holder that is frozen, suspended or on a machine that died): no two machines' clocks are
/// compared. A holder that was paused past that time and resumes finds the lock gone before it writes, and the
/// journal's offsets reject what it might still append (<see cref="Journal"/>), so a broken lock can never damage
/// a sweep.
/// </para>
/// </summary>
internal sealed class FileLock
{
    readonly Lazy<HostGate> _gate;
    readonly StoreClock _clock;

    public FileLock(string path, StoreClock? clock = null, TimeSpan? timeout = null, TimeSpan? staleAfter = null)
    {
        Path = path;
        _clock = clock ?? StoreClock.System;
        Timeout = timeout ?? TimeSpan.FromSeconds(60);
        StaleAfter = staleAfter ?? TimeSpan.FromSeconds(30);
        _gate = new(() => new HostGate(path));
    }

    public string Path { get; }
    public TimeSpan Timeout { get; }

    /// <summary>A lock not renewed for this long (by the waiter's clock) belongs to a holder that died or froze.</summary>
    public TimeSpan StaleAfter { get; }

    /// <summary>How often a holder renews its lock: often enough that a live holder is never judged stale.</summary>
    public TimeSpan RenewEvery => StaleAfter / 4;

    // A lock file this version did not write (empty, unreadable) is never a live lock: break it after a short look.
    static readonly TimeSpan UnreadableGrace = TimeSpan.FromSeconds(1);
    static readonly TimeSpan StaleCheckEvery = TimeSpan.FromMilliseconds(250);

    string Folder => System.IO.Path.GetDirectoryName(Path) ?? ".";

    /// <summary>True while this lock's machine-wide fast path is bypassed because it did not help.</summary>
    internal bool GateBypassed => _gate.IsValueCreated && _gate.Value.IsBypassed;

    /// <summary>Waits for the lock; throws <see cref="SweepsException"/> (LockTimeout) naming the holder on time-out.</summary>
    public HeldLock Acquire(CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew(); // one time-out for the gate and the file together
        var gate = _gate.Value.Enter(Timeout, cancel);
        try
        {
            return AcquireFile(clock, cancel, gate);
        }
        catch
        {
            gate?.Dispose();
            throw;
        }
    }

    HeldLock AcquireFile(Stopwatch clock, CancellationToken cancel, IDisposable? gate)
    {
        var owner = JsonSerializer.SerializeToUtf8Bytes(new Owner(ProcessIdentity.Current, Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow), StoreJson.Default.Owner);
        var candidate = $"{Path}.{Guid.NewGuid():N}.new";
        var seen = new Observation("", TimeSpan.Zero);
        var nextStaleCheck = TimeSpan.Zero;
        try
        {
            WriteCandidate(candidate, owner);
            for (var attempt = 0; ; attempt++)
            {
                cancel.ThrowIfCancellationRequested();
                // A failed move costs an exception: look first (a stat), and move only when the lock looks free.
                if (!File.Exists(Path) && TryTake(candidate)) return new HeldLock(Path, owner, RenewEvery, gate);
                if (clock.Elapsed >= nextStaleCheck)
                {
                    nextStaleCheck = clock.Elapsed + StaleCheckEvery;
                    if (Judge(clock.Elapsed, ref seen) is not null && Break(seen.Key)) continue;
                }
                if (clock.Elapsed > Timeout)
                    throw new SweepsException(SweepsErrorKind.LockTimeout,
                        $"Timed out after {Timeout.TotalSeconds:0} s waiting for the lock '{Path}', held by {Describe(Read(Path).Owner)}. A lock whose holder stops renewing it is taken over after {StaleAfter.TotalSeconds:0} s.");
                // Locks are held for about a millisecond: poll soon, backing off only when the wait is long.
                if (attempt < 2) Thread.Yield();
                else Thread.Sleep(attempt < 200 ? 1 : Random.Shared.Next(1, 10));
            }
        }
        finally
        {
            TryDelete(candidate);
        }
    }

    // The owner record, written in full under its own name before it becomes the lock.
    void WriteCandidate(string candidate, byte[] owner)
    {
        var before = _clock.LocalNow;
        try
        {
            using (var fs = new FileStream(candidate, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 256, FileOptions.None))
                fs.Write(owner);
        }
        catch (Exception e) when (e is DirectoryNotFoundException)
        {
            throw new SweepsException(SweepsErrorKind.StoreUnavailable, $"The sweep folder '{Folder}' does not exist: {e.Message}", e);
        }
        catch (Exception e) when (StoreErrors.IsStoreFailure(e))
        {
            TryDelete(candidate); // a full disk may leave it empty
            throw StoreErrors.From(e, "take the sweep's lock", Path, StoreOf(Folder));
        }
        _clock.Sample(candidate, before);
    }

    bool TryTake(string candidate)
    {
        try
        {
            File.Move(candidate, Path, overwrite: false);
            return true;
        }
        catch (IOException e) when (StoreErrors.IsAlreadyExists(e) || File.Exists(Path))
        {
            return false; // taken between the look and the move
        }
        catch (Exception e) when (StoreErrors.IsStoreFailure(e))
        {
            throw StoreErrors.From(e, "take the sweep's lock", Path, StoreOf(Folder));
        }
    }

    // Why the lock is stale, or null while it looks held. Observations are timed on this process's monotonic clock.
    string? Judge(TimeSpan now, ref Observation seen)
    {
        var (owner, key) = Read(Path);
        if (key.Length == 0) return null; // gone: the next look takes it
        if (key != seen.Key) seen = new Observation(key, now);
        var unchanged = now - seen.Since;
        if (owner is null) return unchanged >= UnreadableGrace ? "its file is empty or unreadable" : null;
        if (owner.Process.IsKnownDead) return $"process {owner.Process.Pid} on {owner.Process.Host} is gone";
        if (unchanged >= StaleAfter) return $"it was not renewed for {unchanged.TotalSeconds:0} s";
        // Seen for the first time long after its last renewal (the store's clock: no two machines' clocks compared).
        var age = _clock.UtcNow - owner.Stamp;
        return _clock.IsSampled && age >= 2 * StaleAfter ? $"it was last renewed {age.TotalSeconds:0} s ago" : null;
    }

    // Moves the stale lock aside (only one contender can) and removes it, unless it changed since it was judged.
    bool Break(string judged)
    {
        var aside = $"{Path}.{Guid.NewGuid():N}.stale";
        try { File.Move(Path, aside); }
        catch (FileNotFoundException) { return true; } // someone else broke it first
        catch (IOException) when (!File.Exists(Path)) { return true; }
        catch (Exception e) when (StoreErrors.IsStoreFailure(e)) { throw StoreErrors.From(e, "take over a stale lock", Path, StoreOf(Folder)); }
        if (Read(aside).Key != judged)
        {
            // Renewed or replaced between the look and the move: it is live, put it back.
            try { File.Move(aside, Path, overwrite: false); return false; }
            catch (IOException) { }
        }
        TryDelete(aside);
        return true;
    }

    /// <summary>The owner recorded in a lock file (null when unreadable) and a key that changes whenever it is renewed.</summary>
    static (Owner? Owner, string Key) Read(string path)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var stamp = File.GetLastWriteTimeUtc(fs.SafeFileHandle); // through the open file: fresh even on NFS
            var bytes = new byte[Math.Min(fs.Length, 4096)];
            fs.ReadExactly(bytes);
            Owner? owner = null;
            try { owner = JsonSerializer.Deserialize(bytes, StoreJson.Default.Owner); }
            catch (JsonException) { }
            var key = $"{stamp.Ticks}:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes))}";
            return (owner is { Process: not null, Token: not null } ? owner with { Stamp = stamp } : null, key);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return (null, ""); }
    }

    static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    static string StoreOf(string sweepFolder) => System.IO.Path.GetDirectoryName(sweepFolder) ?? sweepFolder;

    static string Describe(Owner? o) => o is null ? "an unknown owner" : $"process {o.Process.Pid} on {o.Process.Host} since {o.Acquired:u}";

    internal sealed record Owner(ProcessIdentity Process, string Token, DateTimeOffset Acquired)
    {
        /// <summary>When the lock file was last written (renewed), on the store's clock; not part of the file.</summary>
        [System.Text.Json.Serialization.JsonIgnore] public DateTime Stamp { get; init; }
    }

    readonly record struct Observation(string Key, TimeSpan Since);
}

/// <summary>
/// A lock while it is held: renewed in the background, checked before each write (<see cref="IsStillHeld"/>), and
/// released by <see cref="Dispose"/> only if it is still this holder's.
/// </summary>
internal sealed class HeldLock : IDisposable
{
    readonly string _path;
    readonly byte[] _owner;
    readonly Timer _renewal;
    readonly object _sync = new();
    readonly IDisposable? _gate;
    bool _released;

    internal HeldLock(string path, byte[] owner, TimeSpan renewEvery, IDisposable? gate)
    {
        _path = path;
        _owner = owner;
        _gate = gate;
        _renewal = new Timer(_ => Renew(), null, renewEvery, renewEvery);
    }

    /// <summary>Whether the lock file is still this holder's: false once a waiter judged it stale and took it over.</summary>
    public bool IsStillHeld()
    {
        try
        {
            using var fs = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return IsOurs(fs);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    bool IsOurs(FileStream fs)
    {
        if (fs.Length != _owner.Length) return false;
        var bytes = new byte[_owner.Length];
        fs.ReadExactly(bytes);
        return bytes.AsSpan().SequenceEqual(_owner);
    }

    // Rewrites the same bytes through the handle that showed them to be ours: the file system stamps the write, and a
    // reader never sees the content change. A lock that is no longer ours is left alone.
    void Renew()
    {
        lock (_sync)
        {
            if (_released) return;
            try
            {
                using var fs = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                if (!IsOurs(fs)) return;
                fs.Position = 0;
                fs.Write(_owner);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // retried at the next renewal
        }
    }

    public void Dispose()
    {
        lock (_sync)
        {
            if (_released) return;
            _released = true;
        }
        _renewal.Dispose();
        try
        {
            // Only remove the lock if it is still ours: a holder judged stale must not delete its successor's lock.
            if (IsStillHeld()) File.Delete(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // a stale lock of ours is broken by the next waiter
        finally
        {
            _gate?.Dispose(); // after the file, so the next process of this machine finds the file free
        }
    }
}
