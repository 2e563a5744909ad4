namespace Sweeps.Engine.Store;

/// <summary>
/// The sequence rule every store applies while reading a journal (<see cref="JournalEvent.Seq"/>): an event counts
/// when its sequence number is the number of events that counted before it, and an event that continues a change
/// counts only if the one before it did. An event of a writer that lost its turn is thus never replayed.
/// </summary>
internal struct JournalSequence
{
    bool _previousCounted;

    public JournalSequence() => _previousCounted = true;

    /// <summary>Events that counted so far: the sequence number of the next one.</summary>
    public long Counted { get; private set; }

    /// <summary>Whether <paramref name="e"/>, read next, counts; counts it when it does.</summary>
    public bool Accept(JournalEvent e)
    {
        var counts = e.Seq is not long seq || seq == Counted && (!e.ContinuesChange || _previousCounted);
        _previousCounted = counts;
        if (counts) Counted++;
        return counts;
    }

    /// <summary>The reader's own change of <paramref name="count"/> events landed right after what it had read.</summary>
    public void Appended(int count)
    {
        Counted += count;
        _previousCounted = true;
    }

    /// <summary>The events of a change, numbered to land right after what was read.</summary>
    public readonly byte[][] Number(IReadOnlyList<JournalEvent> events)
    {
        var counted = Counted;
        return events.Select((e, i) => (e with { Seq = counted + i, ContinuesChange = i > 0 }).ToUtf8()).ToArray();
    }
}
