using System.Text;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;
using Sweeps.Engine.Store.Folder;

namespace Sweeps.Engine.Tests;

/// <summary>The journal file: appends that cannot overwrite, writers that lost the lock, and what a reader refuses.</summary>
public sealed class JournalSpecs : IDisposable
{
    readonly TempStore _temp = new();
    const string Grid = "method: grid\nparameters:\n  x: {values: [1, 2, 3, 4]}\n";

    public void Dispose() => _temp.Dispose();

    static RunClaimed Claimed(string run, int number) =>
        new(DateTimeOffset.UtcNow, run, number, "agent-1", new Dictionary<string, object?> { ["x"] = (long)number });

    [Fact]
    public void A_writer_that_decided_on_an_old_end_of_the_journal_is_told_so_and_every_reader_ignores_its_lines()
    {
        var sweep = _temp.Create(Grid);
        var current = new Journal(sweep.Folder().JournalPath);
        var paused = new Journal(sweep.Folder().JournalPath);
        current.ReadNew(holdingLock: true);
        paused.ReadNew(holdingLock: true); // it decides here, then is paused past the stale time
        Assert.True(current.Append([Claimed("run-a", 1)]).Counted);
        Assert.False(paused.Append([Claimed("run-b", 1), Claimed("run-c", 2)]).Counted); // decided before run-a was there
        var reader = new Journal(sweep.Folder().JournalPath);
        var events = reader.ReadNew(holdingLock: false);
        Assert.Equal(new[] { "run-a" }, events.Select(e => e.Event).OfType<RunClaimed>().Select(c => c.RunId));
        Assert.Equal(2, reader.Rejected);
        Assert.Equal(["run-a"], _temp.Store.Open(sweep.Id).Refresh().Runs.Select(r => r.Id));
    }

    [Fact]
    public async Task Appends_from_many_writers_never_overwrite_each_other()
    {
        var sweep = _temp.Create(Grid);
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 50; i++)
            {
                var j = new Journal(sweep.Folder().JournalPath);
                j.ReadNew(holdingLock: false);
                j.Append([Claimed($"w{w}-{i}", i)]); // no lock: races on purpose
            }
        })).ToArray();
        await Task.WhenAll(writers);
        var lines = File.ReadAllLines(sweep.Folder().JournalPath);
        Assert.Equal(1 + 200, lines.Length); // every line is whole: none landed on another
        Assert.All(lines, l => JournalEvent.Parse(l));
    }

    [Fact]
    public void A_journal_saved_with_a_byte_order_mark_is_read()
    {
        var sweep = _temp.Create(Grid);
        sweep.Claim("a");
        File.WriteAllBytes(sweep.Folder().JournalPath, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(sweep.Folder().JournalPath)]);
        var fresh = _temp.Store.Open(sweep.Id);
        Assert.Single(fresh.Refresh().Runs);
        Assert.NotNull(fresh.Claim("b"));
        Assert.Equal(2, _temp.Store.Open(sweep.Id).Refresh().Runs.Count);
    }

    [Theory]
    [InlineData("/etc")]
    [InlineData("../../outside")]
    [InlineData("..")]
    [InlineData("C:\\\\Windows")]
    [InlineData("a b")]
    [InlineData("")]
    public void A_run_or_agent_id_that_is_not_a_plain_name_is_damage_not_a_path_to_follow(string id)
    {
        var sweep = _temp.Create(Grid);
        var line = new RunClaimed(DateTimeOffset.UtcNow, "placeholder", 1, "agent-1", new Dictionary<string, object?> { ["x"] = 1L }).ToJson()
            .Replace("\"placeholder\"", System.Text.Json.JsonSerializer.Serialize(id));
        File.AppendAllText(sweep.Folder().JournalPath, line + "\n");
        var e = Assert.Throws<SweepsException>(() => _temp.Store.Open(sweep.Id).Refresh());
        Assert.Equal(SweepsErrorKind.StoreCorrupt, e.Kind);
        Assert.Contains("line 2: field 'run' is not a valid id", e.Message);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/tmp")]
    [InlineData(".")]
    public void A_sweep_id_that_is_not_a_plain_name_is_not_found(string id)
    {
        Assert.Equal(SweepsErrorKind.SweepNotFound, Assert.Throws<SweepsException>(() => _temp.Store.Open(id)).Kind);
        Assert.False(_temp.Store.Exists(id));
    }

    [Fact]
    public void A_summary_nested_to_the_value_limit_is_written_and_read_back()
    {
        var sweep = _temp.Create(Grid);
        var claim = sweep.Claim("a")!;
        object? deep = 1.0;
        for (var i = 1; i < Limits.MaxValueDepth; i++) deep = new Dictionary<string, object?> { ["d"] = deep };
        sweep.EndRun(new RunEnding(claim.Run.Id, RunState.Finished, new Dictionary<string, object?> { ["deep"] = deep }, 1));
        Assert.Equal(RunState.Finished, _temp.Store.Open(sweep.Id).Refresh().Runs.Single().State);
    }

    [Fact]
    public void A_config_nested_to_the_value_limit_makes_a_sweep_that_replays()
    {
        // parameters -> p -> parameters -> p ... : every accepted config must read back from the journal.
        var yaml = new StringBuilder("method: random\nparameters:\n");
        var depth = 2;
        var indent = "  ";
        while (depth + 4 <= Limits.MaxValueDepth) // two levels a step, and x: {values: [...]} two more
        {
            yaml.Append(indent).Append("p:\n").Append(indent).Append("  parameters:\n");
            indent += "    ";
            depth += 2;
        }
        yaml.Append(indent).Append("x: {values: [1, 2]}\n");
        var sweep = _temp.Create(yaml.ToString());
        Assert.NotNull(sweep.Claim("a"));
        Assert.Single(_temp.Store.Open(sweep.Id).Refresh().Runs);
    }

    [Fact]
    public void A_torn_tail_of_a_writer_that_lost_the_lock_cannot_make_a_later_line_unreadable()
    {
        var sweep = _temp.Create(Grid);
        sweep.Claim("a");
        var fragment = Encoding.UTF8.GetBytes("{\"e\":\"run_claimed\",\"t\":\"20");
        File.AppendAllText(sweep.Folder().JournalPath, Encoding.UTF8.GetString(fragment)); // a crash mid-write
        var repairer = new Journal(sweep.Folder().JournalPath);
        repairer.ReadNew(holdingLock: true); // marks it torn
        File.AppendAllText(sweep.Folder().JournalPath, "\n"); // a second, late repair of the same tail (a writer that lost the lock)
        var state = _temp.Store.Open(sweep.Id);
        Assert.Single(state.Refresh().Runs);
        Assert.NotNull(state.Claim("b"));
        Assert.Equal(2, _temp.Store.Open(sweep.Id).Refresh().Runs.Count);
    }

    [Fact]
    public void A_summary_too_large_for_the_journal_leaves_its_largest_values_to_the_history()
    {
        var sweep = _temp.Create("method: grid\nmetric: {name: loss}\nparameters:\n  x: {values: [1]}\n");
        var claim = sweep.Claim("a")!;
        var summary = new Dictionary<string, object?> { ["loss"] = 0.5, ["blob"] = new string('b', 2 * Limits.MaxSummaryBytes) };
        sweep.EndRun(new RunEnding(claim.Run.Id, RunState.Finished, summary, 1));
        var stored = _temp.Store.Open(sweep.Id).Refresh().Runs.Single().Summary;
        Assert.Equal(0.5, stored["loss"]);
        Assert.StartsWith("(a value of ", (string)stored["blob"]!);
        Assert.True(new FileInfo(sweep.Folder().JournalPath).Length < Limits.MaxSummaryBytes);
    }
}
