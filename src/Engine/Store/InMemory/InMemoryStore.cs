using System.Collections.Concurrent;
using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Store.InMemory;

/// <summary>
/// A store in this process's memory, for tests and for trying a config without leaving anything behind. It keeps the
/// journal as the same JSON lines the other stores keep and applies the same sequence rule, so it holds to the same
/// contract; runs work in local folders whose files it takes in when they end.
/// </summary>
internal sealed class InMemoryStore(TimeProvider? time = null) : IStoreBackend
{
    readonly ConcurrentDictionary<string, Data> _sweeps = new(StringComparer.Ordinal);
    readonly TimeProvider _time = time ?? TimeProvider.System;
    readonly string _name = Guid.NewGuid().ToString("N")[..8];

    public string Location => $"memory:{_name}";

    public bool TryCreate(SweepCreated first, string? configText)
    {
        var data = new Data(_sweeps.Count, configText);
        data.Journal.Add((first with { Seq = 0 }).ToUtf8());
        return _sweeps.TryAdd(first.SweepId, data);
    }

    public IReadOnlyList<string> List() => _sweeps.OrderBy(s => s.Value.Order).Select(s => s.Key).ToList();

    public bool Exists(string sweepId) => _sweeps.ContainsKey(sweepId);

    public ISweepBackend Open(string sweepId) => _sweeps.TryGetValue(sweepId, out var data)
        ? new Sweep(sweepId, $"{Location}/{sweepId}", data, _time, Path.Combine(Path.GetTempPath(), "sweeps-memory", _name, sweepId))
        : throw new SweepsException(SweepsErrorKind.SweepNotFound, $"No sweep with id {StoreIds.Describe(sweepId)} in the store '{Location}'.");

    public void Remove(string sweepId) => _sweeps.TryRemove(sweepId, out _);

    // One sweep's data, shared by every handle opened on it.
    sealed class Data(int order, string? configText)
    {
        public int Order { get; } = order;
        public string? ConfigText { get; } = configText;
        public List<byte[]> Journal { get; } = [];
        public SemaphoreSlim Exclusive { get; } = new(1, 1);
        public ConcurrentDictionary<string, List<byte[]>> Histories { get; } = new(StringComparer.Ordinal);
        public ConcurrentDictionary<string, (ProcessIdentity Process, DateTimeOffset At)> Beats { get; } = new(StringComparer.Ordinal);
        public ConcurrentDictionary<(string Run, string Name), byte[]> Files { get; } = new();
    }

    sealed class Sweep(string id, string location, Data data, TimeProvider time, string workRoot) : ISweepBackend
    {
        readonly Data _data = data;
        int _read;       // journal lines read
        JournalSequence _sequence = new();

        public string SweepId => id;
        public string Location => location;
        public DateTimeOffset Now => time.GetUtcNow();

        public List<(JournalEvent Event, int Line)> ReadEvents(bool exclusive)
        {
            var events = new List<(JournalEvent, int)>();
            lock (_data.Journal)
            {
                for (; _read < _data.Journal.Count; _read++)
                {
                    var e = JournalEvent.Parse(_data.Journal[_read]);
                    if (_sequence.Accept(e)) events.Add((e, _read + 1));
                }
            }
            return events;
        }

        public void Rewind() => (_read, _sequence) = (0, new JournalSequence());

        public IExclusiveChange BeginChange(CancellationToken cancel)
        {
            _data.Exclusive.Wait(cancel);
            return new Change(this);
        }

        sealed class Change(Sweep sweep) : IExclusiveChange
        {
            bool _done;

            // Conditional, as an append blob's: it lands only if nothing was appended since the caller read.
            public (bool Counted, List<(JournalEvent Event, int Line)> Others) Append(IReadOnlyList<JournalEvent> events)
            {
                lock (sweep._data.Journal)
                {
                    if (sweep._data.Journal.Count != sweep._read) return (false, []);
                    sweep._data.Journal.AddRange(sweep._sequence.Number(events));
                    sweep._read += events.Count;
                    sweep._sequence.Appended(events.Count);
                }
                return (true, []);
            }

            public void Dispose()
            {
                if (_done) return;
                _done = true;
                sweep._data.Exclusive.Release();
            }
        }

        public IHistoryWriter WriteHistory(string runId) => new Writer(_data.Histories.GetOrAdd(runId, _ => []));

        public IHistoryReader ReadHistory(string runId) => new Reader(_data, runId);

        sealed class Writer(List<byte[]> rows) : IHistoryWriter
        {
            public void Append(ReadOnlySpan<byte> row)
            {
                lock (rows) rows.Add(row.ToArray());
            }

            public void Dispose() { }
        }

        sealed class Reader(Data data, string runId) : IHistoryReader
        {
            int _next;

            public bool Seen { get; private set; }
            public int Damaged { get; private set; }

            public List<Dictionary<string, object?>> ReadNew()
            {
                var rows = new List<Dictionary<string, object?>>();
                if (!data.Histories.TryGetValue(runId, out var stored)) return rows;
                Seen = true;
                lock (stored)
                {
                    for (; _next < stored.Count; _next++)
                    {
                        if (!HistoryRow.TryAdd(rows, stored[_next])) Damaged++;
                    }
                }
                return rows;
            }
        }

        public void Beat(string agentId, ProcessIdentity process) => _data.Beats[agentId] = (process, time.GetUtcNow());

        public AgentBeat? LastBeat(string agentId) =>
            _data.Beats.TryGetValue(agentId, out var beat) ? new AgentBeat(beat.Process, time.GetUtcNow() - beat.At) : null;

        public void Forget(string agentId) => _data.Beats.TryRemove(agentId, out _);

        public string WorkingDirectory(string runId) => Path.Combine(workRoot, runId);

        // Takes in the run's logs and files, within the size limit, and removes its local folder.
        public void KeepFiles(string runId)
        {
            var dir = WorkingDirectory(runId);
            foreach (var (name, content) in RunArtifacts.Collect(dir)) _data.Files[(runId, name)] = content;
            try { Directory.Delete(dir, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }

        public string FilesLocation(string runId) => $"{location}/runs/{runId}";

        public string? ReadFile(string runId, string name, int maxBytes) =>
            _data.Files.TryGetValue((runId, name), out var content) ? System.Text.Encoding.UTF8.GetString(content.AsSpan(Math.Max(0, content.Length - maxBytes))) : null;
    }
}
