using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;
using Sweeps.Engine.Store.Folder;

namespace Sweeps.Engine.Tests;

/// <summary>A store on a disk that fills up or turns read-only: a clear error naming the store, nothing damaged, no wait.</summary>
public sealed class DiskSpecs
{
    const string Grid = "method: grid\nmetric: {name: loss}\nparameters:\n  x: {min: 1, max: 1000}\n";

    static SweepHandle CreateOn(SmallDisk disk) =>
        new SweepStore(Path.Combine(disk.Root, "store")).Create(Configs.Parse(Grid), Grid, seed: 1);

    // Runs a change that must end in an error, not a wait: fails the test instead of hanging it.
    static SweepsException Refused(Action change)
    {
        var task = Task.Run(change);
        Assert.True(((IAsyncResult)task).AsyncWaitHandle.WaitOne(TimeSpan.FromMinutes(2)), "the change neither ended nor failed: it waits or spins");
        return Assert.IsType<SweepsException>(task.Exception?.InnerException);
    }

    static string[] Leftovers(SweepHandle sweep) =>
        Directory.GetFiles(sweep.Folder().Directory).Select(Path.GetFileName).Where(f => f!.StartsWith("journal.lock", StringComparison.Ordinal)).ToArray()!;

    [SmallDiskFact]
    public void A_full_disk_is_reported_as_such_naming_the_store_and_leaves_no_lock_behind()
    {
        using var disk = new SmallDisk(256);
        var sweep = CreateOn(disk);
        var claim = sweep.Claim("a")!;
        var journal = File.ReadAllBytes(sweep.Folder().JournalPath);
        var filler = disk.Fill();

        var e = Refused(() => sweep.EndRun(new RunEnding(claim.Run.Id, RunState.Finished, new Dictionary<string, object?> { ["loss"] = 1.0 }, 1)));
        Assert.Equal(SweepsErrorKind.StoreFull, e.Kind);
        Assert.Contains("Disk full", e.Message);
        Assert.Contains(Path.Combine(disk.Root, "store"), e.Message);
        Assert.Empty(Leftovers(sweep));
        Assert.Equal(journal, File.ReadAllBytes(sweep.Folder().JournalPath));

        File.Delete(filler);
        var fresh = new SweepStore(Path.Combine(disk.Root, "store")).Open(sweep.Id);
        fresh.EndRun(new RunEnding(claim.Run.Id, RunState.Finished, new Dictionary<string, object?> { ["loss"] = 1.0 }, 1));
        Assert.Equal(RunState.Finished, fresh.Refresh().Runs.Single().State);
    }

    [SmallDiskFact]
    public void A_journal_append_cut_short_by_a_full_disk_is_repaired_once_there_is_room_again()
    {
        using var disk = new SmallDisk(256);
        var sweep = CreateOn(disk);
        sweep.Claim("a");
        // A write cut short, ending the journal on a page boundary, so its repair needs a page the full disk lacks.
        var torn = "{\"e\":\"run_claimed\",\"t\":\"2026-";
        File.AppendAllText(sweep.Folder().JournalPath, torn.PadRight(torn.Length + 4096 - (int)((new FileInfo(sweep.Folder().JournalPath).Length + torn.Length) % 4096), 'x'));
        var filler = disk.Fill();

        var e = Refused(() => new Journal(sweep.Folder().JournalPath).ReadNew(holdingLock: true)); // the repair, on a disk still full
        Assert.Equal(SweepsErrorKind.StoreFull, e.Kind);
        Assert.Equal(SweepsErrorKind.StoreFull, Refused(() => sweep.Claim("b")).Kind);

        File.Delete(filler);
        var fresh = new SweepStore(Path.Combine(disk.Root, "store")).Open(sweep.Id);
        Assert.NotNull(fresh.Claim("b"));
        Assert.Equal(2, new SweepStore(Path.Combine(disk.Root, "store")).Open(sweep.Id).Refresh().Runs.Count);
    }

    [SmallDiskFact]
    public void A_read_only_store_can_be_read_and_refuses_changes_at_once_with_a_clear_error()
    {
        using var disk = new SmallDisk(256);
        var sweep = CreateOn(disk);
        sweep.Claim("a");
        disk.MakeReadOnly();
        try
        {
            var fresh = new SweepStore(Path.Combine(disk.Root, "store")).Open(sweep.Id);
            Assert.Single(fresh.Refresh().Runs);
            foreach (var change in new Action[] { () => fresh.Transition(SweepTransition.Pause), () => fresh.Claim("b") })
            {
                var e = Refused(change);
                Assert.Equal(SweepsErrorKind.StoreUnavailable, e.Kind);
                Assert.Contains("read-only", e.Message);
            }
        }
        finally { disk.MakeWritable(); }
    }
}
