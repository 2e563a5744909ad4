using System.Text.Json;

namespace Sweeps.Engine.Store;

/// <summary>
/// Whether an agent lives, judged from its heartbeat file (<c>agents/&lt;agent id&gt;.json</c> in the sweep folder):
/// dead when its process is on this machine and gone, or when its last beat is older than the timeout on the
/// store's clock (<see cref="StoreClock"/>), so machines whose clocks disagree still agree on who is alive.
/// </summary>
public static class AgentLiveness
{
    public const string Folder = "agents";

    public static string HeartbeatPath(string sweepDirectory, string agentId) => Path.Combine(sweepDirectory, Folder, agentId + ".json");

    /// <summary>True when the agent may be alive; <paramref name="why"/> says why not otherwise.</summary>
    public static bool IsAlive(string sweepDirectory, string agentId, TimeSpan timeout, StoreClock clock, out string why)
    {
        var path = HeartbeatPath(sweepDirectory, agentId);
        DateTime last;
        Beat? beat;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            last = File.GetLastWriteTimeUtc(fs.SafeFileHandle);
            beat = JsonSerializer.Deserialize(fs, StoreJson.Default.Beat);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            why = $"agent {agentId} has no heartbeat"; return false;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            why = ""; return true; // unreadable for a moment: judge at the next look
        }
        if (beat?.Process is { IsKnownDead: true } process)
        {
            why = $"agent {agentId} (process {process.Pid} on {process.Host}) is gone"; return false;
        }
        clock.EnsureSampled(Path.GetDirectoryName(path)!);
        var silent = clock.UtcNow - last;
        if (silent > timeout)
        {
            why = $"agent {agentId} sent no heartbeat for {silent.TotalSeconds:0} s"; return false;
        }
        why = "";
        return true;
    }

    /// <summary>Removes the heartbeat file of an agent judged dead (it rewrites it if it was only slow).</summary>
    public static void Forget(string sweepDirectory, string agentId)
    {
        try { File.Delete(HeartbeatPath(sweepDirectory, agentId)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>The ids of the agents with a heartbeat file in a sweep folder.</summary>
    public static IEnumerable<string> Known(string sweepDirectory)
    {
        var dir = Path.Combine(sweepDirectory, Folder);
        if (!Directory.Exists(dir)) return [];
        try
        {
            return Directory.EnumerateFiles(dir, "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>().Where(StoreIds.IsValid).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    /// <summary>What a heartbeat file holds: the agent's process.</summary>
    public sealed record Beat(ProcessIdentity? Process);
}
