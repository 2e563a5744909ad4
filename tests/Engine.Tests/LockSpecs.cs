using System.Text.Json;
using Sweeps.Engine.Store;
using Sweeps.Engine.Store.Folder;

namespace Sweeps.Engine.Tests;

/// <summary>The sweep lock: who may break it, when, and what a holder that lost it can still do (nothing harmful).</summary>
public sealed class LockSpecs : IDisposable
{
    readonly TempStore _temp = new();
    const string Grid = "method: grid\nparameters:\n  x: {values: [1, 2, 3]}\n";

    public void Dispose() => _temp.Dispose();

    static void WriteLock(string path, ProcessIdentity process, string token = "someone") =>
        File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(new FileLock.Owner(process, token, DateTimeOffset.UtcNow)));

    // Each of these waits far less than the stale time: only judging the holder dead (not old) can take the lock.
    static FileLock Patient(string path) => new(path, timeout: TimeSpan.FromSeconds(20), staleAfter: TimeSpan.FromHours(1));

    [Fact]
    public void A_lock_whose_process_on_this_machine_is_gone_is_taken_over_without_waiting_for_it_to_age()
    {
        var sweep = _temp.Create(Grid);
        WriteLock(sweep.Folder().Lock.Path, ProcessIdentity.Current with { Pid = 999_999, ProcessStart = 1 });
        using (Patient(sweep.Folder().Lock.Path).Acquire()) { }
        Assert.False(File.Exists(sweep.Folder().Lock.Path));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"Host\":\"x\"")]
    [InlineData("not json at all")]
    public void An_empty_or_unreadable_lock_file_is_not_a_lock(string content)
    {
        var sweep = _temp.Create(Grid);
        File.WriteAllText(sweep.Folder().Lock.Path, content);
        using (Patient(sweep.Folder().Lock.Path).Acquire()) { }
        Assert.False(File.Exists(sweep.Folder().Lock.Path));
    }

    [Fact]
    public void A_same_named_host_in_another_pid_namespace_is_not_judged_by_pid()
    {
        // A container sharing this host name (docker --network host) whose pid means nothing here.
        var sweep = _temp.Create(Grid);
        WriteLock(sweep.Folder().Lock.Path, ProcessIdentity.Current with { Machine = ProcessIdentity.Current.Machine + "-other-namespace", Pid = 999_999 });
        var contender = new FileLock(sweep.Folder().Lock.Path, timeout: TimeSpan.FromMilliseconds(600), staleAfter: TimeSpan.FromHours(1));
        Assert.Equal(SweepsErrorKind.LockTimeout, Assert.Throws<SweepsException>(() => contender.Acquire()).Kind);
        Assert.True(File.Exists(sweep.Folder().Lock.Path));
    }

    [Fact]
    public void A_lock_from_another_machine_that_is_not_renewed_is_taken_over_after_the_stale_time_on_the_waiters_clock()
    {
        var sweep = _temp.Create(Grid);
        WriteLock(sweep.Folder().Lock.Path, new ProcessIdentity("elsewhere", "elsewhere|boot|ns", 1, 1));
        using (new FileLock(sweep.Folder().Lock.Path, timeout: TimeSpan.FromSeconds(20), staleAfter: TimeSpan.FromSeconds(1)).Acquire()) { }
    }

    [Fact]
    public void A_live_holder_keeps_its_lock_past_the_stale_time_by_renewing_it()
    {
        var sweep = _temp.Create(Grid);
        // Renewed every second (a quarter of the stale time): a thread-pool stall of a test run under load must not
        // pass for a holder that stopped (800 ms once did, with a renewal every 200 ms).
        var stale = TimeSpan.FromSeconds(4);
        using var held = new FileLock(sweep.Folder().Lock.Path, staleAfter: stale).Acquire();
        var contender = new FileLock(sweep.Folder().Lock.Path, timeout: TimeSpan.FromSeconds(9), staleAfter: stale);
        Assert.Equal(SweepsErrorKind.LockTimeout, Assert.Throws<SweepsException>(() => contender.Acquire()).Kind);
        Assert.True(held.IsStillHeld());
    }

    [Fact]
    public void An_old_lock_seen_for_the_first_time_is_stale_at_once()
    {
        var sweep = _temp.Create(Grid);
        WriteLock(sweep.Folder().Lock.Path, new ProcessIdentity("elsewhere", "elsewhere|boot|ns", 1, 1));
        File.SetLastWriteTimeUtc(sweep.Folder().Lock.Path, DateTime.UtcNow.AddHours(-3));
        using (new FileLock(sweep.Folder().Lock.Path, timeout: TimeSpan.FromSeconds(20), staleAfter: TimeSpan.FromMinutes(10)).Acquire()) { }
    }

    [Fact]
    public void A_holder_whose_lock_was_taken_over_knows_it_and_does_not_release_its_successors_lock()
    {
        var sweep = _temp.Create(Grid);
        var first = new FileLock(sweep.Folder().Lock.Path).Acquire();
        File.Delete(sweep.Folder().Lock.Path); // as a waiter does when it breaks a stale lock
        using var second = new FileLock(sweep.Folder().Lock.Path).Acquire();
        Assert.False(first.IsStillHeld());
        first.Dispose();
        Assert.True(second.IsStillHeld());
    }

    [Fact]
    public void The_lock_file_is_never_visible_half_written()
    {
        var sweep = _temp.Create(Grid);
        int seen = 0, partial = 0;
        using var stop = new CancellationTokenSource();
        var watcher = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                byte[] bytes;
                try { bytes = File.ReadAllBytes(sweep.Folder().Lock.Path); }
                catch (IOException) { continue; } // not there
                try { JsonSerializer.Deserialize<FileLock.Owner>(bytes); Interlocked.Increment(ref seen); }
                catch (JsonException) { Interlocked.Increment(ref partial); }
            }
        });
        watcher.Start();
        for (var i = 0; i < 50_000 && Volatile.Read(ref seen) < 50; i++) using (sweep.Folder().Lock.Acquire()) { }
        stop.Cancel();
        watcher.Join();
        Assert.True(seen >= 50, $"the watcher saw the lock {seen} times");
        Assert.Equal(0, partial);
    }

    [Fact]
    public void A_lock_held_by_a_live_process_times_out_naming_the_holder()
    {
        var sweep = _temp.Create(Grid);
        using var held = sweep.Folder().Lock.Acquire();
        var contender = new FileLock(sweep.Folder().Lock.Path, timeout: TimeSpan.FromMilliseconds(300));
        var e = Assert.Throws<SweepsException>(() => contender.Acquire());
        Assert.Equal(SweepsErrorKind.LockTimeout, e.Kind);
        Assert.Contains($"process {Environment.ProcessId}", e.Message);
    }

    [Fact]
    public void A_waiter_gets_the_lock_only_after_the_holder_on_another_thread_lets_go()
    {
        var sweep = _temp.Create(Grid);
        var held = new ManualResetEventSlim();
        var released = false;
        var holder = new Thread(() =>
        {
            using (new FileLock(sweep.Folder().Lock.Path).Acquire())
            {
                held.Set();
                Thread.Sleep(200);
                released = true;
            }
        });
        holder.Start();
        held.Wait();
        using (new FileLock(sweep.Folder().Lock.Path).Acquire()) Assert.True(Volatile.Read(ref released));
        holder.Join();
    }

    [Fact]
    public void Waiting_for_the_lock_can_be_canceled()
    {
        var sweep = _temp.Create(Grid);
        var held = new ManualResetEventSlim();
        var done = new ManualResetEventSlim();
        var holder = new Thread(() => { using (new FileLock(sweep.Folder().Lock.Path).Acquire()) { held.Set(); done.Wait(); } });
        holder.Start();
        held.Wait();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.ThrowsAny<OperationCanceledException>(() => new FileLock(sweep.Folder().Lock.Path).Acquire(cancel.Token));
        done.Set();
        holder.Join();
    }

    [Fact]
    public void The_machine_wide_gate_is_named_from_a_secret_only_its_owner_can_read()
    {
        var sweep = _temp.Create(Grid);
        var first = new HostGate(sweep.Folder().Lock.Path).Name;
        Assert.NotNull(first);
        var key = Path.Combine(sweep.Folder().Directory, "gate.key");
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        File.Delete(key); // the same path, another key: another name, so a path alone never tells the name
        Assert.NotEqual(first, new HostGate(sweep.Folder().Lock.Path).Name);
    }

    [Fact]
    public void A_gate_held_by_a_process_that_does_not_hold_the_lock_file_is_bypassed()
    {
        var sweep = _temp.Create(Grid);
        var held = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        var squatter = new Thread(() =>
        {
            using (new HostGate(sweep.Folder().Lock.Path).Enter(TimeSpan.FromSeconds(30), default)) { held.Set(); release.Wait(); }
        });
        squatter.Start();
        held.Wait();
        var waiter = new FileLock(sweep.Folder().Lock.Path);
        for (var i = 0; i < 10; i++) using (waiter.Acquire()) { }
        Assert.True(waiter.GateBypassed);
        release.Set();
        squatter.Join();
    }
}
