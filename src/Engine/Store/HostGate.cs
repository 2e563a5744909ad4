using System.Security.Cryptography;
using System.Text;

namespace Sweeps.Engine.Store;

/// <summary>
/// A named mutex per lock file, shared by the processes of one machine. Agents on one machine queue on it and are
/// woken the moment the holder releases it, instead of polling the lock file every millisecond, so the lock passes
/// from one process to the next without idle gaps. It is only a fast path: the lock file stays the lock (agents on
/// other machines see only the file), and where the mutex cannot be made (permissions, platform) or a wait on it
/// times out, the file lock alone still excludes correctly. The mutex lives as long as its FileLock (its
/// finaliser closes it).
/// </summary>
internal sealed class HostGate
{
    readonly Mutex? _mutex;

    public HostGate(string lockPath)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(System.IO.Path.GetFullPath(lockPath))))[..32];
        // Global: visible to every login session of the machine (agents started from different terminals or services).
        foreach (var name in new[] { $"Global\\sweeps-{hash}", $"sweeps-{hash}" })
        {
            // Any failure to make it (permissions on the shared-memory folder, another user's mutex, the platform)
            // only means no fast path.
            try { _mutex = new Mutex(false, name); break; }
            catch (Exception) { }
        }
    }

    /// <summary>Waits for the gate; null when there is no gate or the wait ran out (the file lock then decides alone).</summary>
    public IDisposable? Enter(TimeSpan timeout, CancellationToken cancel)
    {
        if (_mutex is null) return null;
        try
        {
            // In slices, to notice cancellation: a named mutex cannot be waited on together with another handle on Unix.
            // At most a few seconds: a gate held by a process that does not hold the file (stuck, or another user's
            // process holding the same name) must not use up the lock's time-out; the file then decides alone.
            var limit = TimeSpan.FromTicks(Math.Min(timeout.Ticks / 2, MaxWait.Ticks));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!_mutex.WaitOne(CancelCheck))
            {
                cancel.ThrowIfCancellationRequested();
                if (clock.Elapsed > limit) return null;
            }
            return new Entered(_mutex);
        }
        catch (AbandonedMutexException)
        {
            return new Entered(_mutex); // its holder died holding it: it is ours now
        }
    }

    static readonly TimeSpan CancelCheck = TimeSpan.FromMilliseconds(100), MaxWait = TimeSpan.FromSeconds(5);

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
