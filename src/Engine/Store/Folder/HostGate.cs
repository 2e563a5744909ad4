using System.Security.Cryptography;
using System.Text;

namespace Sweeps.Engine.Store.Folder;

/// <summary>
/// A named mutex per lock file, shared by the processes of one machine. Agents on one machine queue on it and are
/// woken the moment the holder releases it, instead of polling the lock file every millisecond, so the lock passes
/// from one process to the next without idle gaps. It is only a fast path: the lock file stays the lock (agents on
/// other machines see only the file), and where the mutex cannot be made or does not help, the file alone decides.
/// <para>
/// It must never cost more than it saves. Its name is derived from a random key kept beside the lock, readable only
/// by the user who made it, so no other user can take the name and stall agents. A gate whose holder does not hold
/// the lock file (a process stopped between the two, or one that died) is noticed within a fraction of a second and
/// bypassed for a while, as is a gate waited on for a few seconds.
/// </para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "One gate per store for the process's life: the named mutex goes with the process.")]
internal sealed class HostGate
{
    const string KeyFile = "gate.key";
    static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(100), MaxWait = TimeSpan.FromSeconds(5), Bypass = TimeSpan.FromSeconds(30);

    readonly string _lockPath;
    readonly Mutex? _mutex;

    /// <summary>The mutex's name (null without a gate): secret to everyone who cannot read the key.</summary>
    internal string? Name { get; }

    /// <summary>True while the gate is bypassed because it did not help.</summary>
    internal bool IsBypassed => Environment.TickCount64 < Interlocked.Read(ref _bypassUntil);
    long _bypassUntil; // Environment.TickCount64

    public HostGate(string lockPath)
    {
        _lockPath = lockPath;
        if (Secret(Path.GetDirectoryName(Path.GetFullPath(lockPath))!) is not { } secret) return;
        var hash = Convert.ToHexString(SHA256.HashData([.. secret, .. Encoding.UTF8.GetBytes(Path.GetFullPath(lockPath))]))[..32];
        // Global: visible to every login session of the machine (agents started from different terminals or services).
        foreach (var name in new[] { $"Global\\sweeps-{hash}", $"sweeps-{hash}" })
        {
            // Any failure to make it (permissions on the shared-memory folder, the platform) only means no fast path.
            try { _mutex = new Mutex(false, name); Name = name; break; }
            catch (Exception) { }
        }
    }

    // The key: made once per sweep folder, readable and writable by its owner only. Null where it cannot be made or
    // read (a read-only store, another user's key): no fast path then.
    static byte[]? Secret(string folder)
    {
        var path = Path.Combine(folder, KeyFile);
        try
        {
            if (!File.Exists(path))
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                var fresh = path + $".{Guid.NewGuid():N}";
                try
                {
                    using (var fs = new FileStream(fresh, options)) fs.Write(RandomNumberGenerator.GetBytes(32));
                    File.Move(fresh, path, overwrite: false);
                }
                catch (IOException) when (File.Exists(path)) { } // another process made it first: use theirs
                finally { File.Delete(fresh); }
            }
            var key = File.ReadAllBytes(path);
            return key.Length == 32 ? key : null;
        }
        catch (Exception) { return null; }
    }

    /// <summary>Waits for the gate; null when there is no gate or it is bypassed (the file lock then decides alone).</summary>
    public IDisposable? Enter(TimeSpan timeout, CancellationToken cancel)
    {
        if (_mutex is null || IsBypassed) return null;
        try
        {
            // In slices, to notice cancellation (a named mutex cannot be waited on together with another handle on
            // Unix) and a holder that does not hold the file.
            var limit = TimeSpan.FromTicks(Math.Min(timeout.Ticks / 2, MaxWait.Ticks));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var fileFree = 0;
            while (!_mutex.WaitOne(Slice))
            {
                cancel.ThrowIfCancellationRequested();
                // A gate's holder takes the file at once: a gate held while the file stays free is stuck.
                fileFree = File.Exists(_lockPath) ? 0 : fileFree + 1;
                if (fileFree >= 2 || clock.Elapsed > limit)
                {
                    Interlocked.Exchange(ref _bypassUntil, Environment.TickCount64 + (long)Bypass.TotalMilliseconds);
                    return null;
                }
            }
            return new Entered(_mutex);
        }
        catch (AbandonedMutexException)
        {
            return new Entered(_mutex); // its holder died holding it: it is ours now
        }
    }

    // A mutex is released by the thread that took it: the lock is always taken and released on one thread.
    sealed class Entered(Mutex mutex) : IDisposable
    {
        bool _released;

        public void Dispose()
        {
            if (_released) return;
            _released = true;
            mutex.ReleaseMutex();
        }
    }
}
