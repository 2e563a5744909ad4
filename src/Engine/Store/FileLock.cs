using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Sweeps.Engine.Store;

/// <summary>
/// A lock that works across processes and machines on a shared disk: whoever creates the lock file
/// (create-exclusive, which local disks, SMB and NFSv3+ all make atomic) holds it. The file names its owner
/// (host, pid, process start, token). A lock whose owner process is gone (same host) or whose file is older than
/// <see cref="StaleAfter"/> (another host) is taken over by renaming it away, which only one contender can win.
/// Processes of one machine first queue on a <see cref="HostGate"/>, so they take turns without polling.
/// </summary>
public sealed class FileLock
{
    readonly Lazy<HostGate> _gate;

    public FileLock(string path, TimeSpan? timeout = null, TimeSpan? staleAfter = null)
    {
        Path = path;
        Timeout = timeout ?? TimeSpan.FromSeconds(60);
        StaleAfter = staleAfter ?? TimeSpan.FromSeconds(30);
        _gate = new(() => new HostGate(path));
    }

    public string Path { get; }
    public TimeSpan Timeout { get; }
    /// <summary>Locks are held for milliseconds; one this old belongs to a holder that died.</summary>
    public TimeSpan StaleAfter { get; }

    static readonly string Host = Environment.MachineName;
    static readonly int Pid = Environment.ProcessId;
    static readonly long ProcessStart = Process.GetCurrentProcess().StartTime.ToUniversalTime().Ticks;

    /// <summary>Waits for the lock; throws <see cref="SweepsException"/> (LockTimeout) naming the holder on time-out.</summary>
    public IDisposable Acquire(CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew(); // one time-out for the gate and the file together
        var gate = _gate.Value.Enter(Timeout, cancel);
        try
        {
            var file = AcquireFile(clock, cancel);
            return gate is null ? file : new Both(file, gate);
        }
        catch
        {
            gate?.Dispose();
            throw;
        }
    }

    IDisposable AcquireFile(Stopwatch clock, CancellationToken cancel)
    {
        var token = Guid.NewGuid().ToString("N");
        var owner = JsonSerializer.Serialize(new Owner(Host, Pid, ProcessStart, token, DateTimeOffset.UtcNow));
        var nextStaleCheck = clock.Elapsed;
        for (var attempt = 0; ; attempt++)
        {
            cancel.ThrowIfCancellationRequested();
            // A failed exclusive create costs an exception: look first (a stat), and create only when it looks free.
            if (!File.Exists(Path) && TryCreate(owner)) return new Held(Path, token);
            // Judging staleness reads the holder's file: do it now and then, not on every retry.
            if (clock.Elapsed >= nextStaleCheck)
            {
                if (TryBreakStale()) continue;
                nextStaleCheck = clock.Elapsed + TimeSpan.FromMilliseconds(250);
            }
            if (clock.Elapsed > Timeout)
                throw new SweepsException(SweepsErrorKind.LockTimeout,
                    $"Timed out after {Timeout.TotalSeconds:0} s waiting for the lock '{Path}', held by {Describe(ReadOwner())}. If that process is gone, the lock is taken over {StaleAfter.TotalSeconds:0} s after it was taken.");
            // Locks are held for about a millisecond: poll soon, backing off only when the wait is long.
            if (attempt < 2) Thread.Yield();
            else Thread.Sleep(attempt < 200 ? 1 : Random.Shared.Next(1, 10));
        }
    }

    bool TryCreate(string owner)
    {
        try
        {
            // Exclusive creation is the lock; the owner text is only for stale detection, so no fsync.
            using var fs = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 256, FileOptions.None);
            fs.Write(Encoding.UTF8.GetBytes(owner));
            return true;
        }
        catch (DirectoryNotFoundException e)
        {
            throw new SweepsException(SweepsErrorKind.StoreUnavailable, $"The sweep folder of '{Path}' does not exist: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SweepsException(SweepsErrorKind.StoreUnavailable, $"Cannot create the lock file '{Path}': {e.Message}", e);
        }
        catch (IOException)
        {
            return false; // taken between the look and the create
        }
    }

    bool TryBreakStale()
    {
        var owner = ReadOwner();
        DateTime written;
        try { written = File.GetLastWriteTimeUtc(Path); }
        catch (IOException) { return true; }
        if (written == DateTime.FromFileTimeUtc(0)) return true; // vanished meanwhile: try again at once
        var dead = owner is not null && owner.Host == Host && !Agents.Heartbeat.ProcessIsAlive(owner.Pid, owner.ProcessStart);
        var old = DateTime.UtcNow - written > StaleAfter;
        if (!dead && !old) return false;
        var aside = $"{Path}.stale-{Guid.NewGuid():N}";
        try { File.Move(Path, aside); }
        catch (IOException) { return true; } // someone else broke it first
        catch (UnauthorizedAccessException) { return false; }
        // Between reading and renaming, the stale lock may have been replaced by a live one: put that back.
        var moved = TryRead(aside);
        if (owner is not null && moved is not null && moved.Token != owner.Token)
        {
            try { File.Move(aside, Path); return false; }
            catch (IOException) { }
        }
        try { File.Delete(aside); } catch (IOException) { }
        return true;
    }

    Owner? ReadOwner() => TryRead(Path);

    static string? TryReadText(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    static Owner? TryRead(string path)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return JsonSerializer.Deserialize<Owner>(fs);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException) { return null; }
    }

    static string Describe(Owner? o) => o is null ? "an unknown owner" : $"process {o.Pid} on {o.Host} since {o.Acquired:u}";

    sealed record Owner(string Host, int Pid, long ProcessStart, string Token, DateTimeOffset Acquired);

    // The file lock is released before the gate, so the next process of this machine finds the file free.
    sealed class Both(IDisposable file, IDisposable gate) : IDisposable
    {
        public void Dispose()
        {
            try { file.Dispose(); }
            finally { gate.Dispose(); }
        }
    }

    sealed class Held(string path, string token) : IDisposable
    {
        bool _released;

        public void Dispose()
        {
            if (_released) return;
            _released = true;
            // Only remove the lock if it is still ours: a holder judged stale must not delete its successor's lock.
            if (TryReadText(path)?.Contains(token, StringComparison.Ordinal) == true) File.Delete(path);
        }
    }
}
