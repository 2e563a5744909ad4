using System.Diagnostics;
using System.Text.Json;

namespace Sweeps.Engine.Agents;

/// <summary>
/// An agent's proof of life: <c>agents/&lt;agent id&gt;.json</c> in the sweep folder, rewritten every interval. Its
/// modification time is the last beat; it names the process so an agent on the same host can tell at once that it
/// died. Heartbeats live outside the journal so they never grow it.
/// </summary>
public sealed class Heartbeat : IDisposable
{
    readonly string _path;
    readonly Timer _timer;
    readonly string _body;

    public Heartbeat(string sweepDirectory, string agentId, TimeSpan interval)
    {
        var dir = Path.Combine(sweepDirectory, "agents");
        Directory.CreateDirectory(dir);
        _path = PathFor(sweepDirectory, agentId);
        using var me = Process.GetCurrentProcess();
        _body = JsonSerializer.Serialize(new Owner(Environment.MachineName, Environment.ProcessId, me.StartTime.ToUniversalTime().Ticks));
        Beat();
        _timer = new Timer(_ => Beat(), null, interval, interval);
    }

    public static string PathFor(string sweepDirectory, string agentId) => Path.Combine(sweepDirectory, "agents", agentId + ".json");

    void Beat()
    {
        try { File.WriteAllText(_path, _body); }
        catch (IOException) { } // a missed beat is retried at the next interval
        catch (UnauthorizedAccessException) { }
    }

    public void Dispose()
    {
        _timer.Dispose();
        try { File.Delete(_path); } catch (IOException) { }
    }

    /// <summary>Whether the agent that owns a heartbeat file is alive: its process exists (same host) and it beat recently.</summary>
    public static bool IsAlive(string sweepDirectory, string agentId, TimeSpan timeout, out string why)
    {
        var path = PathFor(sweepDirectory, agentId);
        DateTime last;
        Owner? owner;
        try
        {
            if (!File.Exists(path)) { why = $"agent {agentId} has no heartbeat"; return false; }
            last = File.GetLastWriteTimeUtc(path);
            owner = JsonSerializer.Deserialize<Owner>(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            why = ""; return true; // being rewritten: judge at the next claim
        }
        if (owner is not null && owner.Host == Environment.MachineName && !ProcessIsAlive(owner.Pid, owner.ProcessStart))
        {
            why = $"agent {agentId} (process {owner.Pid}) is gone"; return false;
        }
        if (DateTime.UtcNow - last > timeout)
        {
            why = $"agent {agentId} sent no heartbeat for {(DateTime.UtcNow - last).TotalSeconds:0} s"; return false;
        }
        why = "";
        return true;
    }

    internal static bool ProcessIsAlive(int pid, long startTicks)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            // .NET derives the start time from the boot clock, which jitters by microseconds between calls.
            return Math.Abs(p.StartTime.ToUniversalTime().Ticks - startTicks) < TimeSpan.TicksPerSecond;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
        catch (Exception) { return true; } // cannot tell: let the timeout decide
    }

    sealed record Owner(string Host, int Pid, long ProcessStart);
}
