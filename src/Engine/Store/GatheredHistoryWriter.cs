namespace Sweeps.Engine.Store;

/// <summary>
/// A history writer for a store that pays a round trip per write: rows are gathered and written together after
/// <see cref="Pause"/> (and when it is disposed), so a run that logs thousands of rows costs a few writes, and readers
/// still see each row within about a second. A write that fails in the background is reported at the next
/// <see cref="Append"/>, once; its rows stay gathered for the next write.
/// </summary>
internal abstract class GatheredHistoryWriter : IHistoryWriter
{
    readonly object _gate = new();
    readonly object _flushing = new();
    readonly Timer _timer;
    List<byte[]> _pending = [];
    bool _armed;
    SweepsException? _failed;

    protected GatheredHistoryWriter() => _timer = new Timer(_ => FlushQuietly());

    /// <summary>How long rows are gathered before they are written.</summary>
    protected virtual TimeSpan Pause => TimeSpan.FromMilliseconds(500);

    /// <summary>The gathered rows in the groups one write takes (all at once, unless the store limits a write).</summary>
    protected virtual IEnumerable<List<byte[]>> Groups(List<byte[]> rows) => [rows];

    /// <summary>Writes one group of rows (JSON objects without their newlines), safe to run again after a lost answer.</summary>
    protected abstract void Write(List<byte[]> rows);

    public void Append(ReadOnlySpan<byte> row)
    {
        lock (_gate)
        {
            if (_failed is { } failed)
            {
                _failed = null;
                throw new SweepsException(failed.Kind, failed.Message, failed);
            }
            _pending.Add(row.ToArray());
            if (_armed) return;
            _armed = true;
            _timer.Change(Pause, Timeout.InfiniteTimeSpan);
        }
    }

    void FlushQuietly()
    {
        try { Flush(); }
        catch (SweepsException e) { lock (_gate) _failed = e; }
    }

    void Flush()
    {
        lock (_flushing)
        {
            List<byte[]> rows;
            lock (_gate) (rows, _pending, _armed) = (_pending, [], false);
            var done = 0;
            try
            {
                foreach (var group in Groups(rows))
                {
                    if (group.Count == 0) continue;
                    Write(group);
                    done += group.Count;
                }
            }
            catch
            {
                lock (_gate) _pending.InsertRange(0, rows.Skip(done));
                throw;
            }
        }
    }

    /// <summary>Writes every row still gathered; throws when the store cannot take them.</summary>
    public void Dispose()
    {
        _timer.Dispose();
        Flush();
    }
}
