using System.Runtime.CompilerServices;
using Sweeps.Engine.Config;
using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Store;

/// <summary>The sweep as the replay of its journal: its config, seed, state and every run.</summary>
public sealed class SweepState
{
    readonly List<RunRecord> _runs = [];
    readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    /// <summary>The sweep's id.</summary>
    public string Id { get; private set; } = "";
    /// <summary>The sweep's name.</summary>
    public string Name { get; private set; } = "";
    /// <summary>The seed every run's parameters are drawn from.</summary>
    public long Seed { get; private set; }
    /// <summary>When the sweep was created.</summary>
    public DateTimeOffset Created { get; private set; }
    /// <summary>The sweep's validated config.</summary>
    public SweepConfig Config { get; private set; } = null!;
    /// <summary>running, paused, finished or canceled.</summary>
    public string State { get; private set; } = "running";
    /// <summary>Why the sweep is in its state (e.g. what finished it), or null.</summary>
    public string? StateReason { get; private set; }
    /// <summary>When the last journal event was written.</summary>
    public DateTimeOffset Updated { get; private set; }
    /// <summary>Every run, in claim order.</summary>
    public IReadOnlyList<RunRecord> Runs => _runs;

    /// <summary>An empty state, before any journal event.</summary>
    public SweepState() { }

    // A copy to show, changed without touching the original (runs are immutable records: only the lists are copied).
    SweepState(SweepState from)
    {
        _runs = [.. from._runs];
        _index = new Dictionary<string, int>(from._index, StringComparer.Ordinal);
        (Id, Name, Seed, Created, Config, State, StateReason, Updated) = (from.Id, from.Name, from.Seed, from.Created, from.Config, from.State, from.StateReason, from.Updated);
    }

    internal SweepState Copy() => new(this);

    internal bool TryGetRun(string id, out RunRecord run)
    {
        run = _index.TryGetValue(id, out var i) ? _runs[i] : null!;
        return run is not null;
    }

    /// <summary>Applies one journal event; a line that contradicts the state before it is reported as damage.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot in a replay: compiled optimized at once
    internal void Apply(JournalEvent e, int line, string journal)
    {
        if (Config is null && e is not SweepCreated)
            throw Damaged(journal, line, "the journal does not start with a sweep_created event");
        switch (e)
        {
            case SweepCreated c:
                if (Config is not null) throw Damaged(journal, line, "a second sweep_created event");
                if (c.Version > JournalEvent.FormatVersion)
                    throw new SweepsException(SweepsErrorKind.StoreCorrupt, $"{journal} was written by a newer Sweeps (journal format {c.Version}); update Sweeps to read it.");
                Id = c.SweepId; Name = c.SweepName; Seed = c.Seed; Created = c.Time;
                try { Config = SweepConfigParser.Parse(new ConfigDocument(c.Config), out _); }
                catch (InvalidConfigException ex) { throw Damaged(journal, line, "the stored config is not valid: " + ex.Message); }
                break;
            case RunClaimed r:
                if (_index.ContainsKey(r.RunId)) throw Damaged(journal, line, $"run {r.RunId} is claimed twice");
                _index[r.RunId] = _runs.Count;
                _runs.Add(new RunRecord { Id = r.RunId, Number = r.Number, State = RunState.Running, Config = r.Config, Agent = r.Agent, Created = r.Time, RetryOf = r.RetryOf });
                break;
            case RunEnded r:
                if (!_index.TryGetValue(r.RunId, out var i)) throw Damaged(journal, line, $"run {r.RunId} ends but was never claimed");
                if (_runs[i].State.IsTerminal()) throw Damaged(journal, line, $"run {r.RunId} ends twice");
                _runs[i] = _runs[i] with { State = r.State, Summary = r.Summary, Steps = r.Steps, Error = r.Error, ExitCode = r.ExitCode, Ended = r.Time, MetricRange = r.MetricRange };
                break;
            case SweepStateChanged s:
                State = s.State; StateReason = s.Reason;
                break;
        }
        Updated = e.Time;
    }

    static SweepsException Damaged(string journal, int line, string what) =>
        new(SweepsErrorKind.StoreCorrupt, $"{journal}, line {line}: {what}. The journal is damaged; nothing was changed.");
}
