using System.Text.Json;

namespace Sweeps.Engine.Store.Folder;

/// <summary>
/// Agents' heartbeats in a sweep folder: <c>agents/&lt;agent id&gt;.json</c>, rewritten (aside, then moved into place)
/// at every beat. Its modification time, stamped by the file system, is the beat; its age is measured on the store's
/// clock (<see cref="StoreClock"/>), so machines whose clocks disagree still agree on who is alive.
/// </summary>
internal sealed class FolderHeartbeats(string sweepDirectory, StoreClock clock)
{
    public const string Folder = "agents";

    string Directory => Path.Combine(sweepDirectory, Folder);

    public string PathOf(string agentId) => Path.Combine(Directory, agentId + ".json");

    public void Beat(string agentId, ProcessIdentity process)
    {
        var path = PathOf(agentId);
        var fresh = $"{path}.{Guid.NewGuid():N}.new";
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            var before = clock.LocalNow;
            File.WriteAllBytes(fresh, JsonSerializer.SerializeToUtf8Bytes(new Record(process), StoreJson.Default.Heartbeat));
            File.Move(fresh, path, overwrite: true);
            clock.Sample(path, before);
        }
        catch (Exception e) when (StoreErrors.IsStoreFailure(e))
        {
            try { File.Delete(fresh); } catch (Exception) { }
            throw StoreErrors.From(e, "write the agent's heartbeat", path, Path.GetDirectoryName(sweepDirectory) ?? sweepDirectory);
        }
    }

    public AgentBeat? Last(string agentId)
    {
        var path = PathOf(agentId);
        DateTime stamp;
        Record? record;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stamp = File.GetLastWriteTimeUtc(fs.SafeFileHandle); // through the open file: fresh even on NFS
            try { record = JsonSerializer.Deserialize(fs, StoreJson.Default.Heartbeat); }
            catch (JsonException) { record = null; } // written by another version: judged by its age alone
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new AgentBeat(null, TimeSpan.Zero); // unreadable for a moment: alive until the next look
        }
        clock.EnsureSampled(Directory);
        return new AgentBeat(record?.Process, clock.UtcNow - stamp);
    }

    public void Forget(string agentId)
    {
        try { File.Delete(PathOf(agentId)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>What a heartbeat file holds: the agent's process.</summary>
    public sealed record Record(ProcessIdentity? Process);
}
