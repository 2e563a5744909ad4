using System.Text;
using Sweeps.Engine.Agents;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;
using Sweeps.Engine.Store.Folder;

namespace Sweeps.Engine.Tests;

public sealed class StoreSpecs : IDisposable
{
    readonly TempStore _temp = new();
    const string Grid = "method: grid\nmetric: {name: loss}\nparameters:\n  x: {values: [1, 2, 3]}\n  y: {values: [a, b]}\n";

    public void Dispose() => _temp.Dispose();

    SweepHandle Reopen(SweepHandle h) => _temp.Store.Open(h.Id);

    [Fact]
    public void A_sweep_replays_from_its_journal_in_another_handle()
    {
        var sweep = _temp.Create(Grid, seed: 5);
        var claim = sweep.Claim("agent-1")!;
        sweep.EndRun(new RunEnding(claim.Run.Id, RunState.Finished, new Dictionary<string, object?> { ["loss"] = 0.5, ["note"] = "ok" }, Steps: 3));
        var state = Reopen(sweep).Refresh();
        Assert.Equal((5L, 1), (state.Seed, state.Runs.Count));
        var run = state.Runs.Single();
        Assert.Equal((RunState.Finished, 0.5, "ok", 3L, "agent-1"), (run.State, (double)run.Summary["loss"]!, (string)run.Summary["note"]!, run.Steps, run.Agent));
        Assert.Equal(1L, run.Config["x"]);
    }

    [Fact]
    public void An_exhausted_grid_finishes_the_sweep_with_the_reason()
    {
        var sweep = _temp.Create(Grid);
        var claims = new List<RunClaim>();
        while (sweep.Claim("a") is { } c) claims.Add(c);
        Assert.Equal(6, claims.Count);
        var state = Reopen(sweep).Refresh();
        Assert.Equal(("finished", "all 6 grid points taken"), (state.State, state.StateReason));
        Assert.Null(sweep.Claim("b"));
    }

    [Fact]
    public void Run_cap_ends_the_sweep_after_that_many_runs()
    {
        var sweep = _temp.Create("method: random\nrun_cap: 3\nparameters:\n  x: {min: 0.0, max: 1.0}\n");
        var n = 0;
        while (sweep.Claim("a") is not null) n++;
        Assert.Equal(3, n);
        Assert.Equal("run_cap of 3 reached", sweep.Refresh().StateReason);
    }

    [Fact]
    public void A_torn_last_line_is_marked_torn_skipped_by_every_reader_and_the_journal_goes_on()
    {
        var sweep = _temp.Create(Grid);
        sweep.Claim("a");
        var before = File.ReadAllText(sweep.Folder().JournalPath);
        File.AppendAllText(sweep.Folder().JournalPath, "{\"e\":\"run_claimed\",\"t\":\"2026-");
        var fresh = Reopen(sweep);
        Assert.Single(fresh.Refresh().Runs); // a reader without the lock leaves the tail alone
        Assert.NotNull(fresh.Claim("b"));    // the next writer repairs it
        Assert.Equal(2, Reopen(sweep).Refresh().Runs.Count);
        var text = File.ReadAllText(sweep.Folder().JournalPath);
        Assert.StartsWith(before + "{\"e\":\"run_claimed\",\"t\":\"2026-\n{\"e\":\"torn\"", text); // never cut: the fragment stays, marked
        Assert.EndsWith("\n", text);
        var damaged = File.ReadAllLines(sweep.Folder().JournalPath);
        damaged[^1] = "garbage";
        File.WriteAllLines(sweep.Folder().JournalPath, damaged);
        Assert.Contains($"line {damaged.Length}:", Assert.Throws<SweepsException>(() => Reopen(sweep).Refresh()).Message); // later lines keep their numbers
    }

    [Fact]
    public void A_whole_event_missing_only_its_newline_is_kept()
    {
        var sweep = _temp.Create(Grid);
        var claim = sweep.Claim("a")!;
        var text = File.ReadAllText(sweep.Folder().JournalPath);
        File.WriteAllText(sweep.Folder().JournalPath, text.TrimEnd('\n'));
        var fresh = Reopen(sweep);
        fresh.EndRun(new RunEnding(claim.Run.Id, RunState.Finished, new Dictionary<string, object?>(), 0));
        Assert.Equal(RunState.Finished, Reopen(sweep).Refresh().Runs.Single().State);
    }

    [Fact]
    public void A_bad_line_in_the_middle_is_reported_with_its_number_and_nothing_is_changed()
    {
        var sweep = _temp.Create(Grid);
        sweep.Claim("a");
        sweep.Claim("a");
        var lines = File.ReadAllLines(sweep.Folder().JournalPath);
        lines[1] = lines[1][..20] + "#" + lines[1][21..];
        File.WriteAllLines(sweep.Folder().JournalPath, lines);
        var before = File.ReadAllBytes(sweep.Folder().JournalPath);
        var e = Assert.Throws<SweepsException>(() => Reopen(sweep).Refresh());
        Assert.Equal(SweepsErrorKind.StoreCorrupt, e.Kind);
        Assert.Contains("line 2", e.Message);
        Assert.Throws<SweepsException>(() => Reopen(sweep).Claim("b"));
        Assert.Equal(before, File.ReadAllBytes(sweep.Folder().JournalPath));
    }

    [Fact]
    public void Events_that_contradict_the_journal_are_damage()
    {
        var sweep = _temp.Create(Grid);
        var claim = sweep.Claim("a")!;
        var claimed = File.ReadAllLines(sweep.Folder().JournalPath)[1];
        // In its right place in the sequence, as a writer holding the lock would have decided it.
        File.AppendAllText(sweep.Folder().JournalPath, System.Text.RegularExpressions.Regex.Replace(claimed, "\"seq\":\\d+", "\"seq\":2") + "\n");
        var e = Assert.Throws<SweepsException>(() => Reopen(sweep).Refresh());
        Assert.Contains($"line 3: run {claim.Run.Id} is claimed twice", e.Message);
    }

    [Fact]
    public void Random_damage_to_a_journal_either_replays_or_names_a_line_and_never_loses_a_complete_line()
    {
        var sweep = _temp.Create(Grid);
        for (var i = 0; i < 4; i++) { var c = sweep.Claim("a")!; sweep.EndRun(new RunEnding(c.Run.Id, RunState.Finished, new Dictionary<string, object?> { ["loss"] = (double)i }, 1)); }
        var pristine = File.ReadAllBytes(sweep.Folder().JournalPath);
        var random = new Random(12345);
        for (var trial = 0; trial < 300; trial++)
        {
            var damaged = (byte[])pristine.Clone();
            var cut = random.Next(1, damaged.Length);
            if (trial % 3 == 0) damaged = damaged[..cut];                                 // torn write
            else if (trial % 3 == 1) damaged[cut] = (byte)random.Next(32, 127);           // flipped byte
            else damaged = [.. damaged[..cut], .. Encoding.UTF8.GetBytes("\n{\"e\":"), .. damaged[cut..]]; // junk line
            File.WriteAllBytes(sweep.Folder().JournalPath, damaged);
            try
            {
                var state = Reopen(sweep).Refresh();
                if (trial % 3 == 0)
                {
                    // A torn write: every complete line is replayed, nothing more, nothing less.
                    var complete = Encoding.UTF8.GetString(damaged)[..(Array.LastIndexOf(damaged, (byte)'\n') + 1)];
                    Assert.Equal(complete.Split('\n').Count(l => l.Contains("\"run_claimed\"")), state.Runs.Count);
                }
            }
            catch (SweepsException e)
            {
                Assert.True(trial % 3 != 0, "a torn write must replay: " + e.Message);
                Assert.Equal(SweepsErrorKind.StoreCorrupt, e.Kind);
                Assert.Matches(@"line \d+", e.Message);
            }
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Four_agent_processes_claim_every_grid_point_exactly_once()
    {
        await Task.Yield();
        var sweep = _temp.Create("method: grid\nmetric: {name: loss}\nparameters:\n  a: {min: 1, max: 20}\n  b: {values: [x, y, z, w, v]}\n");
        var workers = Enumerable.Range(0, 4).Select(_ => StoreWorker.Start(_temp.Root, sweep.Id, "--sleep-ms", "10")).ToList(); // runs that take a little time, so the processes overlap
        var outputs = new List<string>();
        foreach (var w in workers)
        {
            outputs.Add(await w.StandardOutput.ReadToEndAsync());
            var err = await w.StandardError.ReadToEndAsync();
            await w.WaitForExitAsync();
            Assert.True(w.ExitCode == 0, err);
        }
        var ids = outputs.SelectMany(o => o.Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var state = Reopen(sweep).Refresh();
        Assert.Equal(100, ids.Count);
        Assert.Equal(100, ids.Distinct().Count());
        Assert.Equal(100, state.Runs.Count);
        Assert.All(state.Runs, r => Assert.Equal(RunState.Finished, r.State));
        Assert.Equal(100, state.Runs.Select(r => $"{r.Config["a"]}/{r.Config["b"]}").Distinct().Count());
        Assert.Equal("finished", state.State);
        Assert.True(outputs.Count(o => o.Length > 0) >= 2, "work was shared between processes");
    }

    [Fact]
    public void The_agent_records_failures_and_stops_at_its_count()
    {
        var sweep = _temp.Create(Grid);
        var agent = new SweepAgent(sweep, new FlakyLauncher(), new AgentOptions { Count = 4 });
        var runs = agent.Run(CancellationToken.None).OfType<Sweeps.Engine.Agents.RunCompleted>().Select(e => e.Run).ToList();
        Assert.Equal(4, runs.Count);
        Assert.Equal(new[] { RunState.Finished, RunState.Failed, RunState.Finished, RunState.Failed }, runs.Select(r => r.State));
        Assert.Equal("odd runs fail", runs[1].Error);
        Assert.Equal(2.0, runs[1].Summary["loss"]);
        Assert.Equal("ran 4 runs as asked", agent.StopReason);
        var history = sweep.History(runs[0].Id);
        Assert.Equal(new object?[] { 0L, 1L }, history.Select(h => h["_step"]));
    }

    sealed class FlakyLauncher : IRunLauncher
    {
        public RunOutcome Launch(RunContext run, CancellationToken cancel)
        {
            run.Log(new Dictionary<string, object?> { ["loss"] = 1.0 });
            run.Log(new Dictionary<string, object?> { ["loss"] = (double)run.Number });
            if (run.Number % 2 == 0) throw new InvalidOperationException("odd runs fail");
            return RunOutcome.Finished;
        }
    }
}

/// <summary>A handle that met a damaged line keeps nothing half read: once the line is repaired it reads the journal whole.</summary>
public sealed class DamagedReadSpecs : IDisposable
{
    readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Events_before_a_damaged_line_are_not_lost_to_a_handle_that_read_them()
    {
        var sweep = _temp.Create("method: grid\nmetric: {name: loss}\nparameters:\n  a: {values: [1, 2, 3]}\n");
        sweep.Claim("agent-1");
        var watcher = _temp.Store.Open(sweep.Id);
        Assert.Single(watcher.Refresh().Runs);
        var journal = sweep.Folder().JournalPath;
        var good = File.ReadAllText(journal);
        sweep.Claim("agent-1"); // a line the watcher has not read yet
        File.AppendAllText(journal, "{\"e\":\"run_ended\",\"t\":\"2026\n{\"e\":\"x\"}\n"); // then a damaged one, with no repair after it
        Assert.Equal(SweepsErrorKind.StoreCorrupt, Assert.Throws<SweepsException>(() => watcher.Refresh()).Kind);
        var lines = File.ReadAllLines(journal);
        File.WriteAllLines(journal, lines.Take(lines.Length - 2)); // repaired by hand
        Assert.Equal(2, watcher.Refresh().Runs.Count);
        Assert.StartsWith(good, File.ReadAllText(journal));
    }
}
