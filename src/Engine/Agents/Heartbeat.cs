using System.Text.Json;
using Sweeps.Engine.Store;

namespace Sweeps.Engine.Agents;

/// <summary>
/// An agent's proof of life: its heartbeat file in the sweep folder (<see cref="AgentLiveness"/>), rewritten every
/// interval. Its modification time, stamped by the store's file system, is the last beat; it names the process so an
/// agent on the same machine can tell at once that it died. Each beat also tells the store's clock how far the local
/// clock is off. Heartbeats live outside the journal so they never grow it.
/// </summary>
public sealed class Heartbeat : IDisposable
{
    readonly string _path;
    readonly Timer _timer;
    readonly byte[] _body;
    readonly StoreClock _clock;
    readonly object _sync = new();
    bool _stopped;

    public Heartbeat(string sweepDirectory, string agentId, TimeSpan interval, StoreClock clock)
    {
        var folder = Path.Combine(sweepDirectory, AgentLiveness.Folder);
        try { Directory.CreateDirectory(folder); }
        catch (Exception e) when (StoreErrors.IsStoreFailure(e))
        {
            throw StoreErrors.From(e, "start the agent's heartbeat", folder, Path.GetDirectoryName(sweepDirectory) ?? sweepDirectory);
        }
        _path = AgentLiveness.HeartbeatPath(sweepDirectory, agentId);
        _clock = clock;
        _body = JsonSerializer.SerializeToUtf8Bytes(new AgentLiveness.Beat(ProcessIdentity.Current), StoreJson.Default.Beat);
        Beat();
        _timer = new Timer(_ => Beat(), null, interval, interval);
    }

    // Written aside and moved into place, so a reader never sees it half written.
    void Beat()
    {
        lock (_sync) if (!_stopped) Write();
    }

    void Write()
    {
        var fresh = $"{_path}.{Guid.NewGuid():N}.new";
        try
        {
            var before = _clock.LocalNow;
            File.WriteAllBytes(fresh, _body);
            File.Move(fresh, _path, overwrite: true);
            _clock.Sample(_path, before);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(fresh); } catch (Exception) { } // a missed beat is retried at the next interval
        }
    }

    public void Dispose()
    {
        lock (_sync) _stopped = true; // no beat after this one can bring the file back
        _timer.Dispose();
        try { File.Delete(_path); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
