using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Sweeps.Engine.Store.Blob;

/// <summary>
/// A run's history writer: rows are gathered and appended as one block at most every half second (and when it is
/// disposed), so a run that logs thousands of rows costs a few requests, and readers still see each row within about a
/// second. The pause grows with the run's age (a thousandth of it) because an append blob takes 50,000 blocks: a run
/// that logs for a week uses about 8,000. Each block is appended only at the position the writer knows, so a block
/// retried after a lost answer is never written twice.
/// </summary>
internal sealed class BlobHistoryWriter(BlobContainer container, AppendBlobClient blob) : GatheredHistoryWriter
{
    const int MaxBlock = 4 * 1024 * 1024;

    readonly BlobContainer _container = container;
    readonly AppendBlobClient _blob = blob;
    readonly long _started = Environment.TickCount64;
    long? _position; // the blob's length; found on the first append (a run's history may have been begun before)

    /// <summary>How many blocks reached the service (the gathering at work, for tests).</summary>
    internal int Appends { get; private set; }

    // Half a second, growing with the run's age (a thousandth of it): an append blob takes 50,000 blocks.
    protected override TimeSpan Pause => TimeSpan.FromMilliseconds(Math.Max(500, (Environment.TickCount64 - _started) / 1000));

    // As many rows as one block takes (a row over the limit goes alone and is refused by the service).
    protected override IEnumerable<List<byte[]>> Groups(List<byte[]> rows)
    {
        var group = new List<byte[]>();
        long size = 0;
        foreach (var row in rows)
        {
            if (group.Count > 0 && size + row.Length + 1 > MaxBlock)
            {
                yield return group;
                (group, size) = ([], 0);
            }
            group.Add(row);
            size += row.Length + 1;
        }
        yield return group;
    }

    protected override void Write(List<byte[]> rows) => AppendBlock([.. rows.SelectMany(r => r.Append((byte)'\n'))]);

    void AppendBlock(byte[] block) => _container.Run("write the run's history", () =>
    {
        _position ??= Start();
        try
        {
            using var content = new MemoryStream(block);
            _blob.AppendBlock(content, new AppendBlobAppendBlockOptions { Conditions = new() { IfAppendPositionEqual = _position } });
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // The blob moved on: by this block, when the SDK tried again after a lost answer; otherwise learn its length anew.
            var there = BlobSweep.Download(_blob, _position.Value, block.Length);
            if (there is null || !there.AsSpan().SequenceEqual(block))
            {
                _position = null;
                throw new RequestFailedException(503, "the run's history moved on; appending again at its end");
            }
        }
        _position += block.Length;
        Appends++;
    });

    // Makes the blob where it is missing; its length is where this writer goes on.
    long Start()
    {
        _container.Make();
        try
        {
            _blob.Create(new AppendBlobCreateOptions { Conditions = new() { IfNoneMatch = ETag.All } });
            return 0;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412) { return _blob.GetProperties().Value.ContentLength; }
    }
}

/// <summary>Reads a run's history rows as they are appended, whole lines only.</summary>
internal sealed class BlobHistoryReader(BlobContainer container, AppendBlobClient blob) : IHistoryReader
{
    long _offset;

    public bool Seen { get; private set; }
    public int Damaged { get; private set; }

    public List<Dictionary<string, object?>> ReadNew()
    {
        var rows = new List<Dictionary<string, object?>>();
        var bytes = container.Run("read the run's history", () => BlobSweep.Download(blob, _offset));
        if (bytes is null) return rows;
        Seen = true;
        var at = 0;
        while (at < bytes.Length)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', at);
            if (end < 0) break;
            var line = bytes.AsSpan(at, end - at);
            at = end + 1;
            if (!HistoryRow.TryAdd(rows, line)) Damaged++;
        }
        _offset += at;
        return rows;
    }
}
