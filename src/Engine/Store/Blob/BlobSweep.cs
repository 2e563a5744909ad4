using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Store.Blob;

/// <summary>
/// One sweep in a Blob store: its journal read incrementally by byte offset and appended to by
/// <see cref="BlobChange"/> (a conditional append at the offset read), its runs' histories (<see cref="BlobHistoryWriter"/>),
/// heartbeats aged on the service's clock, and the files its runs leave, taken in when a run ends.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A MemoryStream holds no resource to release.")]
internal sealed class BlobSweep : ISweepBackend
{
    readonly BlobStore _store;
    readonly AppendBlobClient _journal;
    // The journal's bytes fetched so far. A journal is only ever appended to, so a handle that must replay it afresh
    // (a change that did not count) replays these and fetches only what is new, never the whole journal again.
    readonly MemoryStream _fetched = new();
    long _offset;  // bytes of the journal replayed
    int _lines;    // lines of the journal replayed
    JournalSequence _sequence = new();
    long _leaseUntil; // Environment.TickCount64 until which changes take the journal's lease first

    public BlobSweep(BlobStore store, string id)
    {
        _store = store;
        SweepId = id;
        _journal = Container.Append(BlobStore.JournalName(id));
    }

    public string SweepId { get; }
    public string Location => $"{_store.Location}#{SweepId}";
    public DateTimeOffset Now => Container.Now;

    internal BlobContainer Container => _store.Container;
    internal AppendBlobClient Journal => _journal;
    /// <summary>Where the journal ended when it was last read: where a change's append must land.</summary>
    internal long End => _fetched.Length;
    internal JournalSequence Sequence => _sequence;

    public List<(JournalEvent Event, int Line)> ReadEvents(bool exclusive)
    {
        Took(Container.Run("read the journal", () => Download(_journal, End) ?? throw Removed()));
        return Replay();
    }

    /// <summary>Keeps bytes read from the journal at <see cref="End"/>.</summary>
    internal void Took(byte[] bytes) => _fetched.Write(bytes);

    /// <summary>
    /// The bytes of a blob from <paramref name="from"/> (at most <paramref name="length"/> of them), empty when it has
    /// none past there, null when there is no such blob.
    /// </summary>
    internal static byte[]? Download(BlobBaseClient blob, long from, long? length = null)
    {
        try
        {
            var answer = blob.DownloadContent(new BlobDownloadOptions { Range = new HttpRange(from, length) });
            return answer.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 416) { return []; } // nothing past 'from'
        catch (RequestFailedException e) when (e.Status == 404) { return null; }
    }

    internal SweepsException Removed() =>
        new(SweepsErrorKind.SweepNotFound, $"Sweep '{SweepId}' is no longer in the store '{_store.Location}' (it was removed).");

    /// <summary>
    /// Replays the fetched bytes not replayed yet, whole lines only (an append is all or nothing, so a line without its
    /// newline is one being written by hand, left for later), by the sequence rule every store applies.
    /// </summary>
    internal List<(JournalEvent Event, int Line)> Replay()
    {
        var events = new List<(JournalEvent, int)>();
        var bytes = _fetched.GetBuffer().AsSpan(0, (int)_fetched.Length);
        while (_offset < bytes.Length)
        {
            var end = bytes[(int)_offset..].IndexOf((byte)'\n');
            if (end < 0) break;
            var line = bytes.Slice((int)_offset, end);
            _lines++;
            _offset += end + 1;
            if (line.Trim((byte)' ').Trim((byte)'\r').IsEmpty) continue;
            JournalEvent e;
            try { e = JournalEvent.Parse(line); }
            catch (FormatException problem)
            {
                throw new SweepsException(SweepsErrorKind.StoreCorrupt,
                    $"{Location}, journal line {_lines}: {problem.Message}. The journal is damaged; nothing was changed.");
            }
            if (e is TornLine) continue;
            if (_sequence.Accept(e)) events.Add((e, _lines));
        }
        return events;
    }

    /// <summary>
    /// The caller's own change, <paramref name="count"/> events in <paramref name="bytes"/> bytes, landed right after
    /// what it had replayed (and those bytes are fetched).
    /// </summary>
    internal void Appended(int bytes, int count)
    {
        _offset += bytes;
        _lines += count;
        _sequence.Appended(count);
    }

    public void Rewind() => (_offset, _lines, _sequence) = (0, 0, new JournalSequence());

    /// <summary>Whether changes take the journal's lease before they read (for a while after one did not count).</summary>
    internal bool Contended
    {
        get => Environment.TickCount64 < _leaseUntil;
        set => _leaseUntil = value ? Environment.TickCount64 + 10_000 : 0;
    }

    public IExclusiveChange BeginChange(CancellationToken cancel) => new BlobChange(this, cancel);

    public IHistoryWriter WriteHistory(string runId) => new BlobHistoryWriter(Container, Container.Append(HistoryName(runId)));

    public IHistoryReader ReadHistory(string runId) => new BlobHistoryReader(Container, Container.Append(HistoryName(runId)));

    string HistoryName(string runId) => $"{BlobStore.Folder(SweepId)}history/{RunId(runId)}.jsonl";

    // ---- liveness: the service stamps each beat (Last-Modified) and says its own time (Date), so no two machines' clocks are compared ----

    string BeatName(string agentId) => StoreIds.IsValid(agentId)
        ? $"{BlobStore.Folder(SweepId)}agents/{agentId}.json"
        : throw new SweepsException(SweepsErrorKind.InvalidArgument, $"{StoreIds.Describe(agentId)} is not an agent id.");

    public void Beat(string agentId, ProcessIdentity process) => Container.Run("write the agent's heartbeat", () =>
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(process, StoreJson.Default.ProcessIdentity);
        Container.Block(BeatName(agentId)).Upload(new MemoryStream(json));
    });

    public AgentBeat? LastBeat(string agentId) => Container.Run("read an agent's heartbeat", () =>
    {
        try
        {
            var answer = Container.Block(BeatName(agentId)).DownloadContent();
            var now = answer.GetRawResponse().Headers.Date ?? Now;
            var silence = now - answer.Value.Details.LastModified;
            return new AgentBeat(Process(answer.Value.Content), silence < TimeSpan.Zero ? TimeSpan.Zero : silence);
        }
        catch (RequestFailedException e) when (e.Status == 404) { return null; }
    });

    // Written by another version: judged by its age alone.
    static ProcessIdentity? Process(BinaryData json)
    {
        try { return JsonSerializer.Deserialize(json.ToMemory().Span, StoreJson.Default.ProcessIdentity); }
        catch (JsonException) { return null; }
    }

    public void Forget(string agentId) => Container.Run("remove an agent's heartbeat", () =>
    {
        Container.Block(BeatName(agentId)).DeleteIfExists();
    });

    // ---- a run's files ----

    public string WorkingDirectory(string runId) =>
        Path.Combine(Path.GetTempPath(), "sweeps-blob", Container.Where.Account, Container.Where.ContainerName, SweepId, RunId(runId));

    string FileName(string runId, string name) => $"{BlobStore.Folder(SweepId)}runs/{RunId(runId)}/{name}";

    // Uploads what RunArtifacts keeps of the run's folder (logs first, within the size limits), then removes the
    // folder; where the store cannot take them, the folder stays.
    public void KeepFiles(string runId)
    {
        var dir = WorkingDirectory(runId);
        foreach (var (name, content) in RunArtifacts.Collect(dir))
            Container.Run("keep the run's files", () => Container.Block(FileName(runId, name)).Upload(new MemoryStream(content)));
        try { Directory.Delete(dir, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    public string FilesLocation(string runId) => $"{_store.Location}/{BlobStore.Folder(SweepId)}runs/{RunId(runId)}/";

    public string? ReadFile(string runId, string name, int maxBytes) => Container.Run("read a run's file", () =>
    {
        var blob = Container.Block(FileName(runId, name));
        long length;
        try { length = blob.GetProperties().Value.ContentLength; }
        catch (RequestFailedException e) when (e.Status == 404) { return null; }
        var from = Math.Max(0, length - maxBytes);
        return Download(blob, from) is { } tail ? System.Text.Encoding.UTF8.GetString(tail) : null;
    });

    string RunId(string runId) => StoreIds.IsValid(runId)
        ? runId
        : throw new SweepsException(SweepsErrorKind.RunNotFound, $"{StoreIds.Describe(runId)} is not a run id of sweep '{SweepId}'.");
}
