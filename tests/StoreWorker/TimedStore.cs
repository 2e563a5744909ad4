using System.Diagnostics;
using Sweeps.Engine.Store;

// A store that times each of its sweeps' exclusive changes, from asking for the lock to letting it go: for an agent
// that is one claim (with the previous run's end, in the same change). Everything else passes straight through.
sealed class TimedStore(IStoreBackend inner) : IStoreBackend
{
    public List<double> ChangeMs { get; } = [];

    public string Location => inner.Location;
    public bool TryCreate(SweepCreated first, string? configText) => inner.TryCreate(first, configText);
    public IReadOnlyList<string> List() => inner.List();
    public bool Exists(string sweepId) => inner.Exists(sweepId);
    public ISweepBackend Open(string sweepId) => new Sweep(inner.Open(sweepId), this);
    public void Remove(string sweepId) => inner.Remove(sweepId);

    sealed class Sweep(ISweepBackend inner, TimedStore store) : ISweepBackend
    {
        public string SweepId => inner.SweepId;
        public string Location => inner.Location;
        public DateTimeOffset Now => inner.Now;
        public List<(JournalEvent Event, int Line)> ReadEvents(bool exclusive) => inner.ReadEvents(exclusive);
        public void Rewind() => inner.Rewind();
        public IHistoryWriter WriteHistory(string runId) => inner.WriteHistory(runId);
        public IHistoryReader ReadHistory(string runId) => inner.ReadHistory(runId);
        public void Beat(string agentId, ProcessIdentity process) => inner.Beat(agentId, process);
        public AgentBeat? LastBeat(string agentId) => inner.LastBeat(agentId);
        public void Forget(string agentId) => inner.Forget(agentId);
        public string WorkingDirectory(string runId) => inner.WorkingDirectory(runId);
        public void KeepFiles(string runId) => inner.KeepFiles(runId);
        public string FilesLocation(string runId) => inner.FilesLocation(runId);
        public string? ReadFile(string runId, string name, int maxBytes) => inner.ReadFile(runId, name, maxBytes);

        public IExclusiveChange BeginChange(CancellationToken cancel)
        {
            var clock = Stopwatch.StartNew();
            return new Change(inner.BeginChange(cancel), () =>
            {
                lock (store.ChangeMs) store.ChangeMs.Add(clock.Elapsed.TotalMilliseconds);
            });
        }
    }

    sealed class Change(IExclusiveChange inner, Action ended) : IExclusiveChange
    {
        public (bool Counted, List<(JournalEvent Event, int Line)> Others) Append(IReadOnlyList<JournalEvent> events) => inner.Append(events);

        public void Dispose()
        {
            inner.Dispose();
            ended();
        }
    }
}
