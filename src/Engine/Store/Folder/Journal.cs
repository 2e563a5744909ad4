using System.Runtime.CompilerServices;

namespace Sweeps.Engine.Store.Folder;

/// <summary>
/// The append-only journal file: JSON lines, appended with the operating system's own append and flushed to disk
/// before the append returns, so no writer can overwrite another's lines. Reads are incremental from the last offset.
/// <para>
/// Every event carries its place in the sequence of events (<see cref="JournalEvent.Seq"/>): how many events its
/// writer had read when it decided it. An event that finds a different number before it was appended by a writer
/// that lost the lock while deciding (paused past the stale time), and every reader ignores it, with the rest of its
/// change. A writer reads its own lines back by the same rule, so it knows whether its change counts.
/// </para>
/// <para>
/// A last line without its newline is either being written (left for later) or, when the reader holds the lock,
/// torn by a crash or a full disk: it gets its newline and, unless it is a whole event, a <see cref="TornLine"/>
/// after it so every reader skips it. The journal is never cut. Any other bad line stops the replay with its line
/// number. Lines keep their meaning whatever happens to the bytes around them (a byte order mark, CRLF line ends,
/// a damaged line removed by hand).
/// </para>
/// </summary>
internal sealed class Journal(string path)
{
    static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    long _offset;
    int _lines;
    JournalSequence _sequence = new();

    public string Path { get; } = path;

    /// <summary>How many events were ignored because their writer had lost the lock (for diagnostics and tests).</summary>
    public int Rejected { get; private set; }

    string Store => System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(Path)) ?? Path;

    /// <summary>Reads the events appended since the last call, each with its 1-based line number.</summary>
    /// <param name="holdingLock">True when the caller holds the sweep lock, so an unterminated tail is a torn write to repair.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot in a replay: compiled optimized at once
    public List<(JournalEvent Event, int Line)> ReadNew(bool holdingLock)
    {
        var events = new List<(JournalEvent, int)>();
        for (var second = false; ; second = true)
        {
            var bytes = ReadFrom(_offset);
            var start = 0;
            if (_offset == 0 && bytes.AsSpan().StartsWith(Bom)) { start = Bom.Length; _offset = Bom.Length; } // saved by an editor
            var waiting = false;
            while (start < bytes.Length)
            {
                var end = Array.IndexOf(bytes, (byte)'\n', start);
                if (end < 0) break;
                var next = ReadLine(bytes, start, end, final: holdingLock || second, events);
                if (next < 0) { waiting = true; break; }
                start = next;
            }
            if (second || start == bytes.Length) return events;
            if (waiting) Thread.Sleep(50);                          // a bad line whose TornLine may be a moment away
            else if (holdingLock) RepairTail(bytes.AsSpan(start)); // then read what it completed like any other line
            else return events;                                     // a line being written: read at the next look
        }
    }

    // Reads the complete line [start, end) (with the TornLine after it, if it is one); returns where the next line
    // starts, or -1 to stop before a bad line that is not final yet, and keeps the offset and line count in step.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    int ReadLine(byte[] bytes, int start, int end, bool final, List<(JournalEvent, int)> events)
    {
        var line = bytes.AsSpan(start, end - start);
        if (IsBlank(line)) { _lines++; _offset += end + 1 - start; return end + 1; }
        JournalEvent e;
        try { e = JournalEvent.Parse(line); }
        catch (FormatException problem)
        {
            // A torn line is followed by the TornLine that forgives it (a blank line between when another write
            // completed the line first). A TornLine only ever forgives a line that is not an event anyway.
            var (markerStart, markerEnd) = NextLine(bytes, end + 1);
            if (markerEnd < 0 && !final) return -1; // its TornLine may be on its way
            if (markerEnd > 0 && TryParse(bytes.AsSpan(markerStart, markerEnd - markerStart)) is TornLine)
            {
                _lines += 1 + bytes.AsSpan(end, markerEnd - end).Count((byte)'\n');
                _offset += markerEnd + 1 - start;
                return markerEnd + 1;
            }
            throw Corrupt(_lines + 1, problem.Message);
        }
        _lines++;
        _offset += end + 1 - start;
        if (e is TornLine) return end + 1; // nothing torn before it: a late repair by a writer that lost the lock
        if (_sequence.Accept(e)) events.Add((e, _lines));
        else Rejected++;
        return end + 1;
    }

    static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim((byte)' ').Trim((byte)'\r').IsEmpty;

    // The next line that is not blank, from a line start: its start and the index of its newline (-1 if incomplete).
    static (int Start, int End) NextLine(byte[] bytes, int from)
    {
        while (from < bytes.Length)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', from);
            if (end < 0) return (from, -1);
            if (!IsBlank(bytes.AsSpan(from, end - from))) return (from, end);
            from = end + 1;
        }
        return (from, -1);
    }

    static JournalEvent? TryParse(ReadOnlySpan<byte> line)
    {
        try { return JournalEvent.Parse(line); }
        catch (FormatException) { return null; }
    }

    byte[] ReadFrom(long offset)
    {
        try
        {
            using var fs = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (fs.Length < offset)
                throw Corrupt(_lines, $"the journal is shorter ({fs.Length} bytes) than what was already read ({offset} bytes): it was truncated or replaced");
            if (fs.Length == offset) return [];
            fs.Seek(offset, SeekOrigin.Begin);
            var bytes = new byte[fs.Length - offset];
            fs.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SweepsException(SweepsErrorKind.StoreCorrupt, $"The journal '{Path}' is missing.", e);
        }
        catch (Exception e) when (e is not SweepsException && StoreErrors.IsStoreFailure(e)) { throw StoreErrors.From(e, "read the journal", Path, Store); }
    }

    // Only called under the lock: no one else should be writing, so an unterminated tail is a torn write. It gets its
    // newline, and a TornLine after it unless it is a whole event; it is never cut, so a writer that wrongly believes
    // it holds the lock can never remove lines another writer appended.
    void RepairTail(ReadOnlySpan<byte> tail)
    {
        var repair = TryParse(tail) is not null ? "\n"u8.ToArray()
            : [.. "\n"u8, .. new TornLine(DateTimeOffset.UtcNow).ToUtf8(), .. "\n"u8];
        _ = Write(repair, "repair the journal's torn last line");
    }

    /// <summary>
    /// Appends the events of one change, decided on everything read so far (the caller holds the lock and has read
    /// to the end), then reads back what the journal holds from there, by the rule every reader applies. Returns
    /// whether the change counts, and the events that counted after it (written by others meanwhile) or, when it does
    /// not count, every event that counted in its place; either way the caller's state must take them in.
    /// </summary>
    public (bool Counted, List<(JournalEvent Event, int Line)> Others) Append(IReadOnlyList<JournalEvent> events)
    {
        var lines = _sequence.Number(events);
        byte[] bytes = [.. lines.SelectMany(l => l.Append((byte)'\n'))];
        if (Write(bytes, "append to the journal") == _offset)
        {
            // Landed right after what was read: nothing came between, so by the rule every reader applies, it counts.
            _offset += bytes.Length;
            _lines += lines.Length;
            _sequence.Appended(lines.Length);
            return (true, []);
        }
        var back = ReadNew(holdingLock: false);
        var counted = back.Count >= lines.Length && lines.Select((l, i) => back[i].Event.ToUtf8().AsSpan().SequenceEqual(l)).All(same => same);
        return (counted, counted ? back.Skip(lines.Length).ToList() : back);
    }

    long? Write(byte[] bytes, string doing)
    {
        try { return AppendOnlyFile.Append(Path, bytes); }
        catch (Exception e) when (StoreErrors.IsStoreFailure(e)) { throw StoreErrors.From(e, doing, Path, Store); }
    }

    /// <summary>Creates a new journal holding its first event; fails if one exists.</summary>
    public static Journal Create(string path, JournalEvent first)
    {
        var bytes = (first with { Seq = 0 }).ToUtf8();
        using (var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
        {
            fs.Write(bytes);
            fs.WriteByte((byte)'\n');
            fs.Flush(flushToDisk: true);
        }
        return new Journal(path);
    }

    SweepsException Corrupt(int line, string what) =>
        new(SweepsErrorKind.StoreCorrupt, $"{Path}, line {line}: {what}. The journal is damaged; nothing was changed. Repair or remove that line by hand (every other line is intact).");
}
