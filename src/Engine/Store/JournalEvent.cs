using System.Runtime.CompilerServices;
using System.Text.Json;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Store;

/// <summary>
/// One line of a sweep's journal. The journal is the sweep's only source of truth; its state is the replay of
/// these events in order. Format: <c>docs/store.md</c>.
/// </summary>
internal abstract record JournalEvent(DateTimeOffset Time)
{
    public const int FormatVersion = 1;

    /// <summary>
    /// How many events the journal held when the writer decided this one (its place in the sequence): an event that
    /// finds the journal holding a different number was appended by a writer that lost the lock while deciding, and
    /// every reader ignores it. Null in journals written before sequence numbers were recorded.
    /// </summary>
    public long? Seq { get; init; }

    /// <summary>True for every event of a change after its first: it counts only if the one before it counted.</summary>
    public bool ContinuesChange { get; init; }

    public string ToJson() => System.Text.Encoding.UTF8.GetString(ToUtf8());

    /// <summary>The event as one line of UTF-8 JSON, without the newline.</summary>
    public byte[] ToUtf8()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = Limits.MaxStoredJsonDepth }))
        {
            w.WriteStartObject();
            w.WriteString("e", Name);
            w.WriteString("t", Time);
            if (Seq is long seq) w.WriteNumber("seq", seq);
            if (ContinuesChange) w.WriteBoolean("cont", true);
            WriteFields(w);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    protected abstract string Name { get; }
    protected abstract void WriteFields(Utf8JsonWriter w);

    /// <summary>Parses one line; throws <see cref="FormatException"/> saying what is wrong with it.</summary>
    public static JournalEvent Parse(string line) => Parse(System.Text.Encoding.UTF8.GetBytes(line));

    /// <summary>
    /// Parses one line of UTF-8 in a single forward pass (no document, no string of the line): replaying a journal
    /// of a hundred thousand runs is this, two hundred thousand times.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot in a replay: compiled optimized at once
    public static JournalEvent Parse(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line, TreeJson.ReaderOptions());
        var f = new Fields();
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new FormatException("not a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = Fields.NameOf(ref reader); // compared in place: no string per field name
                if (!reader.Read()) break;
                f.Set(name, ref reader);
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) throw new FormatException("not a single JSON object");
        }
        catch (JsonException e) { throw new FormatException($"not valid JSON ({e.Message})"); }
        catch (InvalidOperationException e) { throw new FormatException($"a field has the wrong type ({e.Message})"); }
        var t = f.Time ?? throw new FormatException("missing time 't'");
        JournalEvent parsed = f.Kind switch
        {
            "sweep_created" => new SweepCreated(t, Req(f.Sweep, "sweep"), Req(f.Name, "name"), Req(f.Seed, "seed"), Req(f.Config, "config"), (int)Req(f.Version, "v")),
            "run_claimed" => new RunClaimed(t, Req(f.Run, "run"), (int)Req(f.Number, "number"), Req(f.Agent, "agent"), Req(f.Config, "config"), f.RetryOf),
            "run_ended" => new RunEnded(t, Req(f.Run, "run"), RunStates.Parse(Req(f.State, "state")), Req(f.Summary, "summary"), Req(f.Steps, "steps"), f.Error, f.ExitCode)
                { MetricRange = f.MetricMin is double lo && f.MetricMax is double hi ? (lo, hi) : null },
            "sweep_state" => new SweepStateChanged(t, Req(f.State, "state"), f.Reason),
            "torn" => new TornLine(t),
            null => throw new FormatException("missing field 'e'"),
            _ => throw new FormatException($"unknown event '{f.Kind}'"),
        };
        return f.Seq is null && !f.Continues ? parsed : parsed with { Seq = f.Seq, ContinuesChange = f.Continues };
    }

    static T Req<T>(T? value, string name) where T : class => value ?? throw new FormatException($"missing field '{name}'");
    static long Req(long? value, string name) => value ?? throw new FormatException($"missing field '{name}'");

    // The union of every event's fields, filled in one pass.
    ref struct Fields
    {
        public string? Kind, Sweep, Name, Run, Agent, State, Error, Reason, RetryOf;
        public long? Seed, Version, Number, Steps, Seq;
        public bool Continues;
        public int? ExitCode;
        public double? MetricMin, MetricMax;
        public DateTimeOffset? Time;
        public Dictionary<string, object?>? Config, Summary;

        static readonly string[] Names =
            ["e", "t", "seq", "cont", "sweep", "name", "run", "agent", "state", "error", "reason", "retry_of", "seed", "v", "number", "steps", "exit_code", "config", "summary", "metric_min", "metric_max"];
        static readonly byte[][] Utf8Names = Names.Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
        static readonly string[] Kinds = ["sweep_created", "run_claimed", "run_ended", "sweep_state", "torn"];
        static readonly string[] States = ["running", "finished", "failed", "crashed", "killed", "pending", "paused", "canceled"];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot in a replay: compiled optimized at once
        public static string NameOf(ref Utf8JsonReader r)
        {
            for (var i = 0; i < Names.Length; i++)
                if (r.ValueTextEquals(Utf8Names[i])) return Names[i];
            return r.GetString()!;
        }

        // A string that takes few values is matched against them instead of allocated each time.
        static string Known(ref Utf8JsonReader r, string[] known, string name)
        {
            if (r.TokenType != JsonTokenType.String) throw new FormatException($"field '{name}' is not a string");
            foreach (var k in known)
                if (r.ValueTextEquals(k)) return k;
            return r.GetString()!;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot in a replay: compiled optimized at once
        public void Set(string name, ref Utf8JsonReader r)
        {
            switch (name)
            {
                case "e": Kind = Known(ref r, Kinds, name); break;
                case "t": Time = r.TokenType == JsonTokenType.String && r.TryGetDateTimeOffset(out var t) ? t : throw new FormatException("field 't' is not a time"); break;
                case "seq": Seq = Long(ref r, name); break;
                case "cont": Continues = r.TokenType == JsonTokenType.True; break;
                case "sweep": Sweep = Id(ref r, name); break;
                case "name": Name = Str(ref r, name); break;
                case "run": Run = Id(ref r, name); break;
                case "agent": Agent = TreeJson.Intern(Id(ref r, name)); break;
                case "state": State = Known(ref r, States, name); break;
                case "error": Error = r.TokenType == JsonTokenType.String ? r.GetString() : null; break;
                case "reason": Reason = r.TokenType == JsonTokenType.String ? r.GetString() : null; break;
                case "retry_of": RetryOf = r.TokenType == JsonTokenType.String ? Id(ref r, name) : null; break;
                case "seed": Seed = Long(ref r, name); break;
                case "v": Version = Long(ref r, name); break;
                case "number": Number = Long(ref r, name); break;
                case "steps": Steps = Long(ref r, name); break;
                case "exit_code": ExitCode = r.TokenType == JsonTokenType.Number ? r.GetInt32() : null; break;
                case "config": Config = TreeJson.Untag(Map(ref r, name)); break;
                case "metric_min": MetricMin = r.TokenType == JsonTokenType.Number ? r.GetDouble() : null; break;
                case "metric_max": MetricMax = r.TokenType == JsonTokenType.Number ? r.GetDouble() : null; break;
                case "summary": Summary = Map(ref r, name); break;
                default: r.Skip(); break; // a field from a later version: ignored, as readers of JSON lines do
            }
        }

        static string Str(ref Utf8JsonReader r, string name) =>
            r.TokenType == JsonTokenType.String ? r.GetString()! : throw new FormatException($"field '{name}' is not a string");

        // Ids name folders and files in the store: one that is not a plain name (a path, "..") is damage, not a path to follow.
        static string Id(ref Utf8JsonReader r, string name)
        {
            var id = Str(ref r, name);
            return StoreIds.IsValid(id) ? id : throw new FormatException($"field '{name}' is not a valid id: {StoreIds.Describe(id)}");
        }

        static long Long(ref Utf8JsonReader r, string name) =>
            r.TokenType == JsonTokenType.Number && r.TryGetInt64(out var l) ? l : throw new FormatException($"field '{name}' is not an integer");

        static Dictionary<string, object?> Map(ref Utf8JsonReader r, string name) =>
            r.TokenType == JsonTokenType.StartObject ? TreeJson.ReadObject(ref r) : throw new FormatException($"field '{name}' is not an object");
    }
}

/// <summary>The first event: the sweep, its validated config as written, and its seed.</summary>
internal sealed record SweepCreated(DateTimeOffset Time, string SweepId, string SweepName, long Seed, Dictionary<string, object?> Config, int Version = JournalEvent.FormatVersion) : JournalEvent(Time)
{
    protected override string Name => "sweep_created";

    protected override void WriteFields(Utf8JsonWriter w)
    {
        w.WriteNumber("v", Version);
        w.WriteString("sweep", SweepId);
        w.WriteString("name", SweepName);
        w.WriteNumber("seed", Seed);
        w.WritePropertyName("config");
        TreeJson.WriteExact(w, Config);
    }
}

/// <summary>An agent took the next suggestion: the run exists from here on, running.</summary>
internal sealed record RunClaimed(DateTimeOffset Time, string RunId, int Number, string Agent, Dictionary<string, object?> Config, string? RetryOf = null) : JournalEvent(Time)
{
    protected override string Name => "run_claimed";

    protected override void WriteFields(Utf8JsonWriter w)
    {
        w.WriteString("run", RunId);
        w.WriteNumber("number", Number);
        w.WriteString("agent", Agent);
        w.WritePropertyName("config");
        TreeJson.WriteExact(w, Config);
        if (RetryOf is not null) w.WriteString("retry_of", RetryOf);
    }
}

/// <summary>A run reached a terminal state, with its summary (the last value of each metric).</summary>
internal sealed record RunEnded(DateTimeOffset Time, string RunId, RunState State, Dictionary<string, object?> Summary, long Steps, string? Error, int? ExitCode) : JournalEvent(Time)
{
    /// <summary>The lowest and highest valid values of the sweep's metric over the run's whole history.</summary>
    public (double Min, double Max)? MetricRange { get; init; }

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
        if (MetricRange is var (lo, hi)) { w.WriteNumber("metric_min", lo); w.WriteNumber("metric_max", hi); }
    }
}

/// <summary>The sweep moved to another state (finished when its grid or run cap is used up).</summary>
internal sealed record SweepStateChanged(DateTimeOffset Time, string State, string? Reason) : JournalEvent(Time)
{
    protected override string Name => "sweep_state";

    protected override void WriteFields(Utf8JsonWriter w)
    {
        w.WriteString("state", State);
        if (Reason is not null) w.WriteString("reason", Reason);
    }
}

/// <summary>
/// Written right after a torn line (a write cut short by a crash or a full disk) by the next writer that finds it:
/// the line before it is not an event and is skipped. The journal is only ever appended to, never cut, so a writer
/// that lost the lock can never remove another's lines.
/// </summary>
internal sealed record TornLine(DateTimeOffset Time) : JournalEvent(Time)
{
    protected override string Name => "torn";

    protected override void WriteFields(Utf8JsonWriter w) { }
}
