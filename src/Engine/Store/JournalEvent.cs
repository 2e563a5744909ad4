using System.Text.Json;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Store;

/// <summary>
/// One line of a sweep's journal. The journal is the sweep's only source of truth; its state is the replay of
/// these events in order. Format: <c>docs/store.md</c>.
/// </summary>
public abstract record JournalEvent(DateTimeOffset Time)
{
    public const int FormatVersion = 1;

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("e", Name);
            w.WriteString("t", Time);
            WriteFields(w);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    protected abstract string Name { get; }
    protected abstract void WriteFields(Utf8JsonWriter w);

    /// <summary>Parses one line; throws <see cref="FormatException"/> saying what is wrong with it.</summary>
    public static JournalEvent Parse(string line)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(line); }
        catch (JsonException e) { throw new FormatException($"not valid JSON ({e.Message})"); }
        using (doc)
        {
            var o = doc.RootElement;
            if (o.ValueKind != JsonValueKind.Object) throw new FormatException("not a JSON object");
            var kind = Str(o, "e");
            var t = o.TryGetProperty("t", out var te) && te.TryGetDateTimeOffset(out var time) ? time : throw new FormatException("missing time 't'");
            return kind switch
            {
                "sweep_created" => new SweepCreated(t, Str(o, "sweep"), Str(o, "name"), Long(o, "seed"), Map(o, "config"), Int(o, "v")),
                "run_claimed" => new RunClaimed(t, Str(o, "run"), Int(o, "number"), Str(o, "agent"), Map(o, "config"), OptStr(o, "retry_of")),
                "run_ended" => new RunEnded(t, Str(o, "run"), RunStates.Parse(Str(o, "state")), Map(o, "summary"), Long(o, "steps"),
                    OptStr(o, "error"), o.TryGetProperty("exit_code", out var x) && x.ValueKind == JsonValueKind.Number ? x.GetInt32() : null),
                "sweep_state" => new SweepStateChanged(t, Str(o, "state"), OptStr(o, "reason")),
                _ => throw new FormatException($"unknown event '{kind}'"),
            };
        }
    }

    static JsonElement Field(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) ? v : throw new FormatException($"missing field '{name}'");

    static string Str(JsonElement o, string name) =>
        Field(o, name) is { ValueKind: JsonValueKind.String } v ? v.GetString()! : throw new FormatException($"field '{name}' is not a string");

    static string? OptStr(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static long Long(JsonElement o, string name) =>
        Field(o, name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt64(out var l) ? l : throw new FormatException($"field '{name}' is not an integer");

    static int Int(JsonElement o, string name) => checked((int)Long(o, name));

    static Dictionary<string, object?> Map(JsonElement o, string name) =>
        Field(o, name) is { ValueKind: JsonValueKind.Object } v ? TreeJson.ReadObject(v) : throw new FormatException($"field '{name}' is not an object");
}

/// <summary>The first event: the sweep, its validated config as written, and its seed.</summary>
public sealed record SweepCreated(DateTimeOffset Time, string SweepId, string SweepName, long Seed, Dictionary<string, object?> Config, int Version = JournalEvent.FormatVersion) : JournalEvent(Time)
{
    protected override string Name => "sweep_created";

    protected override void WriteFields(Utf8JsonWriter w)
    {
        w.WriteNumber("v", Version);
        w.WriteString("sweep", SweepId);
        w.WriteString("name", SweepName);
        w.WriteNumber("seed", Seed);
        w.WritePropertyName("config");
        TreeJson.Write(w, Config);
    }
}

/// <summary>An agent took the next suggestion: the run exists from here on, running.</summary>
public sealed record RunClaimed(DateTimeOffset Time, string RunId, int Number, string Agent, Dictionary<string, object?> Config, string? RetryOf = null) : JournalEvent(Time)
{
    protected override string Name => "run_claimed";

    protected override void WriteFields(Utf8JsonWriter w)
    {
        w.WriteString("run", RunId);
        w.WriteNumber("number", Number);
        w.WriteString("agent", Agent);
        w.WritePropertyName("config");
        TreeJson.Write(w, Config);
        if (RetryOf is not null) w.WriteString("retry_of", RetryOf);
    }
}

/// <summary>A run reached a terminal state, with its summary (the last value of each metric).</summary>
public sealed record RunEnded(DateTimeOffset Time, string RunId, RunState State, Dictionary<string, object?> Summary, long Steps, string? Error, int? ExitCode) : JournalEvent(Time)
{
    protected override string Name => "run_ended";

    protected override void WriteFields(Utf8JsonWriter w)
    {
        w.WriteString("run", RunId);
        w.WriteString("state", State.ToName());
        w.WritePropertyName("summary");
        TreeJson.Write(w, Summary);
        w.WriteNumber("steps", Steps);
        if (Error is not null) w.WriteString("error", Error);
        if (ExitCode is int code) w.WriteNumber("exit_code", code);
    }
}

/// <summary>The sweep moved to another state (finished when its grid or run cap is used up).</summary>
public sealed record SweepStateChanged(DateTimeOffset Time, string State, string? Reason) : JournalEvent(Time)
{
    protected override string Name => "sweep_state";

    protected override void WriteFields(Utf8JsonWriter w)
    {
        w.WriteString("state", State);
        if (Reason is not null) w.WriteString("reason", Reason);
    }
}
