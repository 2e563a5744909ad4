using Sweeps.Engine.Store;

namespace Sweeps.Engine.Agents;

/// <summary>
/// An agent's proof of life: a beat in the store every interval (<see cref="ISweepBackend.Beat"/>), naming the process
/// so an agent on the same machine can tell at once that it died. Heartbeats live outside the journal so they never
/// grow it. The first beat happens before any run is claimed; a missed beat later is retried at the next interval.
/// </summary>
internal sealed class Heartbeat : IDisposable
{
    readonly ISweepBackend _store;
    readonly string _agentId;
    readonly Timer _timer;
    readonly object _sync = new();
    bool _stopped;

    public Heartbeat(ISweepBackend store, string agentId, TimeSpan interval)
    {
        _store = store;
        _agentId = agentId;
        store.Beat(agentId, ProcessIdentity.Current); // a store that cannot take a beat is an error now, not later
        _timer = new Timer(_ => Beat(), null, interval, interval);
    }

    void Beat()
    {
        lock (_sync)
        {
            if (_stopped) return;
            try { _store.Beat(_agentId, ProcessIdentity.Current); }
            catch (SweepsException) { } // a missed beat is retried at the next interval
        }
    }

    public void Dispose()
    {
        lock (_sync) _stopped = true; // no beat after this one can bring the heartbeat back
        _timer.Dispose();
        try { _store.Forget(_agentId); } catch (SweepsException) { }
    }
}
