using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Sweeps.Engine.Store.Blob;

/// <summary>
/// An exclusive change of a sweep's journal with no lock service: the change's events are one append block written
/// only if the journal still ends where the agent read it (<c>If-Append-Position-Equal</c>), so a writer that decided
/// on an old journal cannot land. When the answer is lost (a broken connection, the SDK's own retry meeting its first
/// try's success) the journal is read back from that position: the change counts if its bytes are there, and is never
/// written twice. After a change that did not count, the agent's next changes take the journal's lease (15 s, released
/// when done) so agents racing for one journal take turns instead of failing each other for ever.
/// </summary>
internal sealed class BlobChange : IExclusiveChange
{
    static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(15);
    const int MaxBlock = 4 * 1024 * 1024; // an append block's limit on every service version

    readonly BlobSweep _sweep;
    readonly CancellationToken _cancel;
    BlobLeaseClient? _lease;

    public BlobChange(BlobSweep sweep, CancellationToken cancel)
    {
        (_sweep, _cancel) = (sweep, cancel);
        if (sweep.Contended) TakeLease();
    }

    BlobContainer Container => _sweep.Container;

    void TakeLease()
    {
        var lease = _sweep.Journal.GetBlobLeaseClient();
        var retry = Container.Turn("take the journal's lease (another agent holds it)", _cancel);
        while (true)
        {
            try
            {
                lease.Acquire(LeaseTime);
                _lease = lease;
                return;
            }
            catch (RequestFailedException e) when (e.Status == 409 && e.ErrorCode == BlobErrorCode.LeaseAlreadyPresent) { retry.Wait(); }
            catch (RequestFailedException e) when (e.Status == 404) { throw _sweep.Removed(); }
            catch (Exception e) when (BlobFaults.IsFailure(e)) { retry.After(e); }
        }
    }

    public (bool Counted, List<(JournalEvent Event, int Line)> Others) Append(IReadOnlyList<JournalEvent> events)
    {
        var lines = _sweep.Sequence.Number(events);
        byte[] block = [.. lines.SelectMany(l => l.Append((byte)'\n'))];
        if (block.Length > MaxBlock)
            throw new SweepsException(SweepsErrorKind.StoreFull,
                $"{_sweep.Location}: one change of {block.Length / 1024} KiB is more than an append blob takes at once ({MaxBlock / 1024 / 1024} MiB); nothing was changed.");
        var at = _sweep.End;
        var retry = Container.Retry("append to the journal", _cancel);
        while (true)
        {
            try
            {
                using var content = new MemoryStream(block);
                _sweep.Journal.AppendBlock(content, new AppendBlobAppendBlockOptions
                {
                    Conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = at, LeaseId = _lease?.LeaseId },
                });
                _sweep.Took(block);
                _sweep.Appended(block.Length, lines.Length);
                return (true, []);
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // The journal moved on (ours, or another's), or another agent holds the lease: look.
                return Settle(block, lines.Length, at, lost: null) ?? NotCounted();
            }
            catch (RequestFailedException e) when (e.Status == 404) { throw _sweep.Removed(); }
            catch (Exception e) when (BlobFaults.IsFailure(e) && BlobFaults.IsTransient(e))
            {
                // Whether it landed is unknown: read back; if nothing is there yet, try again after a pause.
                if (Settle(block, lines.Length, at, lost: e) is { } settled) return settled;
                retry.After(e);
            }
        }
    }

    (bool, List<(JournalEvent, int)>) NotCounted()
    {
        _sweep.Contended = true;
        return (false, []);
    }

    // What the journal holds from where the change was to land: its own bytes (it counts, and what follows are
    // others'), another writer's (it does not count), or nothing (null: it may be tried again).
    (bool, List<(JournalEvent, int)>)? Settle(byte[] block, int count, long at, Exception? lost)
    {
        byte[]? tail;
        if (lost is null) tail = Container.Run("read the journal back", () => BlobSweep.Download(_sweep.Journal, at), _cancel);
        else
        {
            try { tail = BlobSweep.Download(_sweep.Journal, at); }
            catch (Exception e) when (BlobFaults.IsFailure(e) && BlobFaults.IsTransient(e)) { return null; } // still down: wait and try again
        }
        if (tail is null) throw _sweep.Removed();
        if (tail.Length == 0) return null;
        _sweep.Took(tail); // the journal from where the change was to land: kept either way
        if (tail.Length < block.Length || !tail.AsSpan(0, block.Length).SequenceEqual(block)) return NotCounted();
        _sweep.Appended(block.Length, count);
        return (true, _sweep.Replay());
    }

    public void Dispose()
    {
        if (_lease is null) return;
        try { _lease.Release(); }
        catch (Exception e) when (BlobFaults.IsFailure(e)) { } // it ends by itself within 15 s
        _lease = null;
    }
}
