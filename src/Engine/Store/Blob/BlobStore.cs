using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Sweeps.Engine.Store.Blob;

/// <summary>
/// A store in an Azure Blob Storage container, for agents on machines that share no disk and no server to run (hosted
/// pipeline agents, pods): each sweep's journal is an append blob written with conditional appends, so a change is an
/// optimistic transaction with no lock service; its runs' histories, its agents' heartbeats and its runs' files are
/// blobs beside it. Layout and guarantees: docs/store.md, "Azure Blob Storage".
/// <code>
/// sweeps/&lt;id&gt;.journal                 the journal (append blob, one JSON event per line)
/// sweeps/&lt;id&gt;/config.yaml             the config as the user wrote it
/// sweeps/&lt;id&gt;/history/&lt;run&gt;.jsonl     a run's history rows (append blob)
/// sweeps/&lt;id&gt;/agents/&lt;agent&gt;.json    an agent's heartbeat (its age is the blob's, on the service's clock)
/// sweeps/&lt;id&gt;/runs/&lt;run&gt;/&lt;file&gt;       the files a run left (stdout.log, stderr.log, ...)
/// </code>
/// </summary>
internal sealed class BlobStore : IStoreBackend
{
    internal const string Prefix = "sweeps/";
    const string CreatedKey = "created";

    public BlobStore(string location, StoreOptions? options = null) =>
        Container = new BlobContainer(BlobLocation.Parse(location), options ?? StoreOptions.Default);

    public string Location => Container.Display;

    internal BlobContainer Container { get; }

    internal static string JournalName(string sweepId) => $"{Prefix}{sweepId}.journal";

    internal static string Folder(string sweepId) => $"{Prefix}{sweepId}/";

    public bool TryCreate(SweepCreated first, string? configText)
    {
        Container.Make();
        var id = first.SweepId;
        var line = (first with { Seq = 0 }).ToUtf8();
        byte[] block = [.. line, (byte)'\n'];
        Container.Run("keep the sweep's config", () =>
            Container.Block($"{Folder(id)}config.yaml").Upload(BinaryData.FromString(configText ?? Space.TreeJson.Serialize(first.Config)).ToStream()));
        var journal = Container.Append(JournalName(id));
        return Container.Run("create a sweep", () =>
        {
            // Its creation time to the millisecond (the service keeps whole seconds), for listing sweeps oldest first.
            var created = new Dictionary<string, string> { [CreatedKey] = first.Time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture) };
            try { journal.Create(new AppendBlobCreateOptions { Conditions = new() { IfNoneMatch = ETag.All }, Metadata = created }); }
            catch (RequestFailedException e) when (e.Status is 409 or 412) { } // there already: ours (an answer lost), another's, or a creation that died
            try
            {
                using var content = new MemoryStream(block);
                journal.AppendBlock(content, new AppendBlobAppendBlockOptions { Conditions = new() { IfAppendPositionEqual = 0 } });
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Taken: by another sweep, or by this very create when its answer was lost and the SDK tried again.
                var start = BlobSweep.Download(journal, 0, block.Length);
                return start is not null && start.AsSpan().SequenceEqual(block);
            }
        });
    }

    public IReadOnlyList<string> List() => Container.Run("list the sweeps", () =>
    {
        var sweeps = new List<(DateTimeOffset Created, string Id)>();
        try
        {
            foreach (var item in Container.Client.GetBlobsByHierarchy(BlobTraits.Metadata, BlobStates.None, "/", Prefix, default))
            {
                if (!item.IsBlob || !item.Blob.Name.EndsWith(".journal", StringComparison.Ordinal) || item.Blob.Properties.ContentLength is not > 0) continue;
                var id = item.Blob.Name[Prefix.Length..^".journal".Length];
                if (!StoreIds.IsValid(id)) continue;
                var created = item.Blob.Metadata?.TryGetValue(CreatedKey, out var text) == true
                    && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
                    ? t : item.Blob.Properties.CreatedOn ?? DateTimeOffset.MaxValue;
                sweeps.Add((created, id));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == BlobErrorCode.ContainerNotFound) { } // no sweep made yet
        return (IReadOnlyList<string>)sweeps.OrderBy(s => s.Created).ThenBy(s => s.Id, StringComparer.Ordinal).Select(s => s.Id).ToList();
    });

    // A journal with no first event is a creation that died half way: no sweep.
    public bool Exists(string sweepId) => StoreIds.IsValid(sweepId) && Container.Run("look for a sweep", () =>
    {
        try { return Container.Append(JournalName(sweepId)).GetProperties().Value.ContentLength > 0; }
        catch (RequestFailedException e) when (e.Status == 404) { return false; }
    });

    public ISweepBackend Open(string sweepId) => Exists(sweepId)
        ? new BlobSweep(this, sweepId)
        : throw new SweepsException(SweepsErrorKind.SweepNotFound, $"No sweep with id {StoreIds.Describe(sweepId)} in the store '{Location}'.");

    /// <summary>
    /// Deletes the journal first (the sweep is gone for every reader at once, whoever holds its lease), then everything
    /// beside it, several blobs at a time.
    /// </summary>
    public void Remove(string sweepId)
    {
        if (!StoreIds.IsValid(sweepId)) return;
        var journal = Container.Append(JournalName(sweepId));
        Container.Run("remove the sweep", () =>
        {
            try { journal.GetBlobLeaseClient().Break(TimeSpan.Zero); }
            catch (RequestFailedException e) when (e.Status is 404 or 409) { } // no blob, or no lease to break
            try { journal.Delete(); }
            catch (RequestFailedException e) when (e.Status == 404) { }
        });
        var rest = Container.Run("list the sweep's blobs", () =>
        {
            try { return Container.Client.GetBlobs(BlobTraits.None, BlobStates.None, Folder(sweepId), default).Select(b => b.Name).ToList(); }
            catch (RequestFailedException e) when (e.Status == 404) { return []; }
        });
        Parallel.ForEach(rest, new ParallelOptions { MaxDegreeOfParallelism = 8 }, name => Container.Run("remove the sweep's blobs", () =>
        {
            try { Container.Client.GetBlobClient(name).Delete(); }
            catch (RequestFailedException e) when (e.Status == 404) { }
        }));
    }
}
