using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;

namespace Sweeps.Engine.Tests;

/// <summary>
/// The laws every store backend obeys (as optuna's storage tests hold each of its storages to one suite): one class
/// per backend derives from this and says only how to make a fresh store. Every decision is made above the backend,
/// so the same journal, the same claims and the same refusals come out of each.
/// </summary>
public abstract class StoreContract : IDisposable
{
    const string Grid = "method: grid\nmetric: {name: loss}\nparameters:\n  a: {min: 1, max: 20}\n  b: {values: [x, y, z]}\n";

    readonly Lazy<SweepStore> _store;

    protected StoreContract() => _store = new(() => new SweepStore(NewStore()));

    /// <summary>A fresh, empty store of the backend under test (private protected: the backends are internal).</summary>
    private protected abstract IStoreBackend NewStore();

    protected SweepStore Store => _store.Value;

    public virtual void Dispose() { }

    SweepHandle Create(string yaml = Grid, long seed = 7) => Store.Create(Configs.Parse(yaml), yaml, seed: seed);

    static RunEnding Finished(RunClaim claim, double loss) =>
        new(claim.Run.Id, RunState.Finished, new Dictionary<string, object?> { ["loss"] = loss }, 1) { MetricRange = (loss, loss) };

    [StoreFact]
    public void Sweeps_are_created_listed_oldest_first_opened_and_removed()
    {
        var first = Create();
        var second = Create();
        Assert.Equal([first.Id, second.Id], Store.List().Select(s => s.Id));
        Assert.True(Store.Exists(first.Id));
        Assert.Equal(first.Id, Store.Open(first.Id).State.Id);
        Store.Remove(first);
        Assert.False(Store.Exists(first.Id));
        Assert.Equal([second.Id], Store.List().Select(s => s.Id));
        Assert.Equal(SweepsErrorKind.SweepNotFound, Assert.Throws<SweepsException>(() => Store.Open(first.Id)).Kind);
        Assert.Equal(SweepsErrorKind.SweepNotFound, Assert.Throws<SweepsException>(() => Store.Open("nosuchid")).Kind);
    }

    [StoreFact]
    public void A_sweep_id_is_taken_once()
    {
        var sweep = Create();
        var again = new SweepCreated(DateTimeOffset.UtcNow, sweep.Id, "again", 1, Configs.Parse(Grid).Tree);
        Assert.False(Store.Backend.TryCreate(again, null));
        Assert.Equal(sweep.State.Name, Store.Open(sweep.Id).State.Name);
    }

    [StoreFact]
    public void A_replay_equals_what_was_written()
    {
        var sweep = Create();
        for (var i = 0; i < 5; i++)
        {
            var claim = sweep.Claim("agent-1")!;
            sweep.EndRun(i % 2 == 0 ? Finished(claim, i) : new RunEnding(claim.Run.Id, RunState.Failed, new Dictionary<string, object?> { ["loss"] = (double)i, ["note"] = "n" }, 2, "boom", 3));
        }
        sweep.Transition(SweepTransition.Pause, "for the test");
        var written = sweep.Snapshot();
        var replayed = Store.Open(sweep.Id).Snapshot();
        Assert.Equal(("paused", written.Runs.Count), (replayed.State, replayed.Runs.Count));
        foreach (var (w, r) in written.Runs.Zip(replayed.Runs))
        {
            Assert.Equal((w.Id, w.Number, w.State, w.Agent, w.Error, w.ExitCode, w.Steps), (r.Id, r.Number, r.State, r.Agent, r.Error, r.ExitCode, r.Steps));
            Assert.Equal(Space.TreeJson.Serialize(w.Config), Space.TreeJson.Serialize(r.Config));
            Assert.Equal(Space.TreeJson.Serialize(w.Summary), Space.TreeJson.Serialize(r.Summary));
        }
        Assert.Equal(7L, Store.Open(sweep.Id).State.Seed);
    }

    [StoreFact(Timeout = 120_000)]
    public async Task Concurrent_agents_claim_every_grid_point_exactly_once()
    {
        await Task.Yield();
        var sweep = Create();
        var agents = Enumerable.Range(0, 4).Select(a => Task.Run(() =>
        {
            var handle = Store.Open(sweep.Id); // each agent its own handle, as in its own process
            handle.Backend.Beat($"agent-{a}", ProcessIdentity.Current); // alive: the others must not judge its runs crashed
            var claim = handle.Claim($"agent-{a}");
            while (claim is not null) claim = handle.EndRunAndClaim(Finished(claim, claim.Run.Number), ClaimRequest.For($"agent-{a}")).Next;
        })).ToArray();
        await Task.WhenAll(agents);
        var state = Store.Open(sweep.Id).Refresh();
        Assert.Equal(60, state.Runs.Count);
        Assert.Equal(60, state.Runs.Select(r => $"{r.Config["a"]}/{r.Config["b"]}").Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 60), state.Runs.Select(r => r.Number).Order());
        Assert.All(state.Runs, r => Assert.Equal(RunState.Finished, r.State));
        Assert.Equal(("finished", "all 60 grid points taken"), (state.State, state.StateReason));
    }

    [StoreFact]
    public void A_change_decided_on_an_old_journal_does_not_count_and_loses_nothing()
    {
        var sweep = Create();
        var early = Store.Backend.Open(sweep.Id);
        var late = Store.Backend.Open(sweep.Id);
        early.ReadEvents(exclusive: false);
        late.ReadEvents(exclusive: false);
        var x = new RunClaimed(DateTimeOffset.UtcNow, "run-x", 1, "agent-1", new Dictionary<string, object?> { ["a"] = 1L, ["b"] = "x" });
        var y = new RunClaimed(DateTimeOffset.UtcNow, "run-y", 1, "agent-2", new Dictionary<string, object?> { ["a"] = 1L, ["b"] = "x" });
        using (var change = late.BeginChange(default))
        {
            late.ReadEvents(exclusive: true);
            Assert.True(change.Append([x]).Counted);
        }
        using (var change = early.BeginChange(default))
            Assert.False(change.Append([y]).Counted); // decided without having read run-x
        Assert.Equal(["run-x"], Store.Open(sweep.Id).Refresh().Runs.Select(r => r.Id));
        Assert.NotNull(Store.Open(sweep.Id).Claim("agent-3")); // and the sweep goes on
        Assert.Equal(2, Store.Open(sweep.Id).Refresh().Runs.Count);
    }

    [StoreFact]
    public void Transitions_are_refused_as_in_wandb()
    {
        var sweep = Create();
        sweep.Transition(SweepTransition.Stop);
        var e = Assert.Throws<SweepsException>(() => sweep.Transition(SweepTransition.Pause));
        Assert.Equal((SweepsErrorKind.InvalidTransition, "Cannot pause finished sweep."), (e.Kind, e.Message));
        Assert.Equal("Sweep already finished.", Assert.Throws<SweepsException>(() => Store.Open(sweep.Id).Transition(SweepTransition.Cancel)).Message);
        Assert.Equal("running", Store.Open(sweep.Id).Transition(SweepTransition.Resume).State);
        Store.Open(sweep.Id).Transition(SweepTransition.Pause);
        Assert.Null(Store.Open(sweep.Id).Claim("agent-1")); // a paused sweep starts no run
        Assert.Equal("paused", Store.Open(sweep.Id).Refresh().State);
    }

    [StoreFact]
    public void A_run_that_ends_twice_keeps_its_first_ending()
    {
        var sweep = Create();
        var claim = sweep.Claim("agent-1")!;
        sweep.EndRun(Finished(claim, 0.5));
        var again = Store.Open(sweep.Id).EndRun(new RunEnding(claim.Run.Id, RunState.Crashed, new Dictionary<string, object?>(), 0, "late"));
        Assert.Equal((RunState.Finished, (string?)null), (again.State, again.Error));
        Assert.Equal(RunState.Finished, Store.Open(sweep.Id).Refresh().Runs.Single().State);
    }

    [StoreFact]
    public void Runs_of_dead_agents_become_crashed_and_live_agents_keep_theirs()
    {
        var sweep = Create();
        var silent = sweep.Claim("silent-1")!;                       // never beat
        var history = sweep.Backend.WriteHistory(silent.Run.Id);     // at once: a slow machine may judge it at the next claim
        history.Append("{\"loss\":0.25,\"_step\":0}"u8);
        history.Dispose();
        var gone = sweep.Claim("gone-1")!;
        sweep.Backend.Beat("gone-1", ProcessIdentity.Current with { Pid = 999_999, ProcessStart = 1 }); // a dead process here
        var alive = sweep.Claim("alive-1")!;
        sweep.Backend.Beat("alive-1", ProcessIdentity.Current);
        Assert.NotNull(Store.Open(sweep.Id).Claim(new ClaimRequest("judge", TimeSpan.FromSeconds(60))));
        var runs = Store.Open(sweep.Id).Refresh().Runs.ToDictionary(r => r.Id);
        Assert.Equal(RunState.Crashed, runs[silent.Run.Id].State);
        Assert.Contains("has no heartbeat", runs[silent.Run.Id].Error);
        Assert.Equal(0.25, runs[silent.Run.Id].Summary["loss"]); // what it logged is kept
        Assert.Equal(RunState.Crashed, runs[gone.Run.Id].State);
        Assert.Contains("is gone", runs[gone.Run.Id].Error);
        Assert.Equal(RunState.Running, runs[alive.Run.Id].State);
        Assert.Null(sweep.Backend.LastBeat("gone-1")); // a dead agent's heartbeat is removed
    }

    [StoreFact]
    public void A_view_shows_the_runs_of_dead_agents_crashed_by_the_claims_rule_and_writes_nothing()
    {
        var sweep = Create();
        var silent = sweep.Claim("silent-1")!;                       // never beat
        var gone = sweep.Claim("gone-1")!;
        sweep.Backend.Beat("gone-1", ProcessIdentity.Current with { Pid = 999_999, ProcessStart = 1 }); // a dead process here
        var alive = sweep.Claim("alive-1")!;
        sweep.Backend.Beat("alive-1", ProcessIdentity.Current);
        var viewer = Store.Open(sweep.Id);
        var shown = viewer.Observe().Runs.ToDictionary(r => r.Id);
        Assert.Equal((RunState.Crashed, RunState.Crashed, RunState.Running), (shown[silent.Run.Id].State, shown[gone.Run.Id].State, shown[alive.Run.Id].State));
        Assert.Contains("has no heartbeat", shown[silent.Run.Id].Error);
        Assert.Contains("is gone", shown[gone.Run.Id].Error);
        Assert.All(viewer.Refresh().Runs, r => Assert.Equal(RunState.Running, r.State)); // shown, not written
        Assert.All(Store.Open(sweep.Id).Refresh().Runs, r => Assert.Equal(RunState.Running, r.State));
        Assert.NotNull(sweep.Backend.LastBeat("gone-1"));                 // nor a heartbeat removed
        Assert.Equal(RunState.Running, viewer.Observe(TimeSpan.FromHours(1)).Runs.Single(r => r.Id == alive.Run.Id).State);
    }

    [StoreFact]
    public void Heartbeats_are_kept_aged_on_the_stores_clock_and_forgotten()
    {
        var sweep = Create().Backend;
        Assert.Null(sweep.LastBeat("agent-1"));
        sweep.Beat("agent-1", ProcessIdentity.Current);
        var beat = sweep.LastBeat("agent-1")!;
        Assert.Equal(ProcessIdentity.Current, beat.Process);
        Assert.InRange(beat.Silence, TimeSpan.FromSeconds(-5), TimeSpan.FromSeconds(30));
        sweep.Forget("agent-1");
        Assert.Null(sweep.LastBeat("agent-1"));
    }

    [StoreFact]
    public void History_rows_read_back_in_order_and_as_they_come()
    {
        var sweep = Create();
        var run = sweep.Claim("agent-1")!.Run.Id;
        var reader = sweep.Backend.ReadHistory(run);
        Assert.Empty(reader.ReadNew());
        using (var writer = sweep.Backend.WriteHistory(run))
        {
            writer.Append("{\"loss\":3,\"_step\":0}"u8);
            writer.Append("{\"loss\":2,\"_step\":1}"u8);
        }
        Assert.Equal([3L, 2L], reader.ReadNew().Select(r => r["loss"]));
        using (var writer = sweep.Backend.WriteHistory(run)) writer.Append("{\"loss\":1,\"_step\":2}"u8);
        Assert.Equal([1L], reader.ReadNew().Select(r => r["loss"]));
        Assert.True(reader.Seen);
        Assert.Equal([3L, 2L, 1L], Store.Open(sweep.Id).History(run).Select(r => r["loss"]));
    }

    [StoreFact]
    public void A_runs_files_are_kept_when_it_ends()
    {
        var sweep = Create();
        var claim = sweep.Claim("agent-1")!;
        Assert.True(Path.IsPathFullyQualified(claim.Directory));
        File.WriteAllText(Path.Combine(claim.Directory, "stdout.log"), "hello\nworld\n");
        File.WriteAllText(Path.Combine(claim.Directory, "model.txt"), "weights");
        sweep.Backend.KeepFiles(claim.Run.Id);
        var reopened = Store.Open(sweep.Id).Backend;
        Assert.Equal("hello\nworld\n", reopened.ReadFile(claim.Run.Id, "stdout.log", 1000));
        Assert.Equal("world\n", reopened.ReadFile(claim.Run.Id, "stdout.log", 6));
        Assert.Equal("weights", reopened.ReadFile(claim.Run.Id, "model.txt", 1000));
        Assert.Null(reopened.ReadFile(claim.Run.Id, "nothing.log", 1000));
    }
}

public sealed class InMemoryStoreContract : StoreContract
{
    private protected override IStoreBackend NewStore() => new Store.InMemory.InMemoryStore();
}

public sealed class FolderStoreContract : StoreContract
{
    readonly TempStore _temp = new();

    private protected override IStoreBackend NewStore() => new Store.Folder.FolderStore(_temp.Root);

    public override void Dispose() => _temp.Dispose();
}
