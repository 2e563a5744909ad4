using Sweeps.Engine.Agents;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Space;
using Sweeps.Engine.Store;
using Sweeps.Engine.Store.Folder;

namespace Sweeps.Engine.Tests;

/// <summary>
/// Metric rows from every source are refused when they nest deeper than <see cref="Limits.MaxValueDepth"/>, before
/// anything is written, and whatever was stored reads back (up to <see cref="Limits.MaxStoredJsonDepth"/>).
/// </summary>
public sealed class MetricRowSpecs : IDisposable
{
    readonly TempStore _temp = new();
    readonly SweepHandle _sweep;
    readonly string _run;

    public MetricRowSpecs()
    {
        _sweep = _temp.Create("method: grid\nparameters:\n  x: {values: [1]}\n");
        _run = _sweep.Claim("a")!.Run.Id;
    }

    string _dir => _sweep.Folder().RunDirectory(_run);

    RunRecorder Recorder() => new(_sweep.Backend.WriteHistory(_run));

    List<Dictionary<string, object?>> History() => _sweep.History(_run);

    public void Dispose() => _temp.Dispose();

    // A row {"deep": {"a": {"a": ... 1}}} with `levels` maps, the row itself included.
    static Dictionary<string, object?> Row(int levels)
    {
        object? value = 1L;
        for (var i = 1; i < levels; i++) value = new Dictionary<string, object?> { ["a"] = value };
        return new Dictionary<string, object?> { ["deep"] = value };
    }

    static string Json(int levels) => "{\"deep\": " + string.Concat(Enumerable.Repeat("{\"a\": ", levels - 1)) + "1" + new string('}', levels - 1) + "}";

    [Fact]
    public void A_row_deeper_than_the_limit_is_refused_naming_the_key_and_nothing_is_written()
    {
        using var recorder = Recorder();
        var e = Assert.Throws<SweepsException>(() => recorder.Log(Row(Limits.MaxValueDepth + 1)));
        Assert.Equal(SweepsErrorKind.InvalidMetric, e.Kind);
        Assert.Contains("'deep" + string.Concat(Enumerable.Repeat(".a", Limits.MaxValueDepth - 1)) + "'", e.Message);
        Assert.Contains($"deeper than {Limits.MaxValueDepth} levels", e.Message);
        Assert.False(File.Exists(Path.Combine(_dir, FolderSweep.HistoryFile)));
        Assert.Equal(0, recorder.Steps);

        recorder.Log(Row(Limits.MaxValueDepth));
        var row = Assert.Single(History());
        Assert.Equal(TreeJson.Serialize(Row(Limits.MaxValueDepth)["deep"]), TreeJson.Serialize(row["deep"]));
    }

    [Fact]
    public void A_programs_row_the_history_refuses_becomes_a_protocol_error_row()
    {
        using var recorder = Recorder();
        var context = new RunContext(null!, recorder);
        context.Log(Row(Limits.MaxValueDepth + 5));
        var row = Assert.Single(History());
        Assert.Contains("'deep.a.a", (string)row["_protocol_error"]!);
        Assert.Contains("deeper than", (string)row["_protocol_error"]!);
    }

    [Fact]
    public void Stored_json_reads_back_as_deep_as_the_stored_limit_and_a_damaged_row_is_left_out_and_counted()
    {
        var history = Path.Combine(_dir, FolderSweep.HistoryFile);
        File.WriteAllText(history, Json(Limits.MaxStoredJsonDepth) + "\n");
        Assert.Single(History());
        File.WriteAllText(history, Json(Limits.MaxStoredJsonDepth + 1) + "\n" + Json(2) + "\n");
        var reader = _sweep.Backend.ReadHistory(_run);
        Assert.Single(reader.ReadNew());
        Assert.Equal(1, reader.Damaged);
    }

    [Fact]
    public void A_metrics_file_line_too_deep_or_not_an_object_is_a_protocol_error_row_saying_why()
    {
        var file = Path.Combine(_dir, "metrics.jsonl");
        File.WriteAllText(file, Json(Limits.MaxValueDepth + 3) + "\n" + Json(100_000) + "\n[1, 2]\n{\"loss\": 0.5,}\n");
        using var recorder = Recorder();
        var context = new RunContext(null!, recorder);
        new MetricsFileReader(file).Drain(context.Log);
        var rows = History();
        Assert.Equal(4, rows.Count);
        Assert.Contains("'deep.a.a", (string)rows[0]["_protocol_error"]!);
        Assert.Contains("metrics.jsonl line 2: not a JSON object", (string)rows[1]["_protocol_error"]!);
        Assert.Contains("maximum configured depth", (string)rows[1]["_protocol_error"]!);
        Assert.StartsWith("metrics.jsonl line 3: not a JSON object: [1, 2]", (string)rows[2]["_protocol_error"]!);
        Assert.Equal(0.5, rows[3]["loss"]); // trailing commas are forgiven, as before
    }

    [Fact(Timeout = 60_000)]
    public async Task A_program_that_prints_a_row_too_deep_keeps_running_and_the_row_is_a_protocol_error()
    {
        await Task.Yield();
        using var temp = new TempStore();
        var sweep = temp.Create($"method: grid\nparameters:\n  deep: {{value: {Limits.MaxValueDepth + 6}}}\n");
        var spec = new ExecutableSpec { Command = ["dotnet", TestPrograms.TrainingProgram, "${args}"], WorkingDirectory = temp.Root };
        var run = new SweepAgent(sweep, new ProcessLauncher(spec), new AgentOptions { Count = 1 }).Run(default).OfType<RunCompleted>().Single().Run;
        Assert.Equal(RunState.Finished, run.State);
        var errors = sweep.History(run.Id).Select(r => r["_protocol_error"] as string).ToList();
        Assert.Equal(2, errors.Count); // one through the metrics file, one on stdout
        Assert.All(errors, e => Assert.Contains("'deep.a.a", e));
    }

    [Fact]
    public void The_depth_check_names_list_items_and_stops_at_the_limit()
    {
        object? value = 1L;
        for (var i = 0; i < 10_000; i++) value = new List<object?> { 0L, value };
        Assert.Equal(string.Concat(Enumerable.Repeat("[1]", Limits.MaxValueDepth)), TreeDepth.TooDeep(value));
        Assert.Null(TreeDepth.TooDeep(Row(Limits.MaxValueDepth)));
        Assert.Null(TreeDepth.TooDeep("a string is not a list"));
    }
}
