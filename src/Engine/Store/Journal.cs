using System.Runtime.CompilerServices;
using System.Text;

namespace Sweeps.Engine.Store;

/// <summary>
/// The append-only journal file: JSON lines, each flushed to disk before the append returns. Reads are
/// incremental from the last offset. A last line without its newline is either being written (left for later)
/// or, when the reader holds the lock, torn by a crash: it is completed if it is a whole event, else cut off and
/// kept in a side file. Any other bad line stops the replay with its line number; nothing is ever skipped.
/// </summary>
public sealed class Journal(string path)
{
    long _offset;
    int _lines;

    public string Path { get; } = path;

    /// <summary>Reads the events appended since the last call, each with its 1-based line number.</summary>
    /// <param name="holdingLock">True when the caller holds the sweep lock, so an unterminated tail is a torn write to repair.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot in a replay: compiled optimized at once
    public List<(JournalEvent Event, int Line)> ReadNew(bool holdingLock)
    {
        var events = new List<(JournalEvent, int)>();
        byte[] bytes;
        try
        {
            using var fs = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (fs.Length < _offset)
                throw Corrupt(_lines, $"the journal is shorter ({fs.Length} bytes) than what was already read ({_offset} bytes): it was truncated or replaced");
            if (fs.Length == _offset) return events;
            fs.Seek(_offset, SeekOrigin.Begin);
            bytes = new byte[fs.Length - _offset];
            fs.ReadExactly(bytes);
        }
        catch (FileNotFoundException e) { throw new SweepsException(SweepsErrorKind.StoreCorrupt, $"The journal '{Path}' is missing.", e); }
        catch (DirectoryNotFoundException e) { throw new SweepsException(SweepsErrorKind.StoreCorrupt, $"The journal '{Path}' is missing.", e); }
        catch (UnauthorizedAccessException e) { throw new SweepsException(SweepsErrorKind.StoreUnavailable, $"Cannot read the journal '{Path}': {e.Message}", e); }

        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n') continue;
            ParseLine(bytes.AsSpan(start, i - start), events);
            _offset += i + 1 - start;
            start = i + 1;
        }
        if (start < bytes.Length && holdingLock) RepairTail(bytes.AsSpan(start), events);
        return events;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot in a replay: compiled optimized at once
    void ParseLine(ReadOnlySpan<byte> line, List<(JournalEvent, int)> events)
    {
        _lines++;
        if (line.Trim((byte)' ').Trim((byte)'\r').IsEmpty) return;
        try { events.Add((JournalEvent.Parse(line), _lines)); }
        catch (FormatException e) { throw Corrupt(_lines, e.Message); }
    }

    // Only called under the lock: no one else can be writing, so an unterminated tail is a torn write.
    void RepairTail(ReadOnlySpan<byte> tail, List<(JournalEvent, int)> events)
    {
        JournalEvent? whole = null;
        try { whole = JournalEvent.Parse(tail); }
        catch (FormatException) { }
        using var fs = new FileStream(Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        if (whole is not null)
        {
            fs.Seek(0, SeekOrigin.End);
            fs.WriteByte((byte)'\n');
            fs.Flush(flushToDisk: true);
            events.Add((whole, ++_lines));
            _offset += tail.Length + 1;
            return;
        }
        File.WriteAllBytes($"{Path}.torn-{DateTime.UtcNow:yyyyMMddTHHmmssfff}", tail.ToArray());
        fs.SetLength(_offset);
        fs.Flush(flushToDisk: true);
    }

    /// <summary>Appends events; the caller holds the lock and has read the journal to its end.</summary>
    public void Append(params JournalEvent[] events)
    {
        var text = new StringBuilder();
        foreach (var e in events) text.Append(e.ToJson()).Append('\n');
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        try
        {
            using var fs = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            fs.Write(bytes);
            fs.Flush(flushToDisk: true);
        }
        catch (IOException e) { throw new SweepsException(SweepsErrorKind.StoreUnavailable, $"Cannot append to the journal '{Path}': {e.Message}", e); }
        catch (UnauthorizedAccessException e) { throw new SweepsException(SweepsErrorKind.StoreUnavailable, $"Cannot append to the journal '{Path}': {e.Message}", e); }
        _offset += bytes.Length;
        _lines += events.Length;
    }

    /// <summary>Creates a new journal holding its first event; fails if one exists.</summary>
    public static Journal Create(string path, JournalEvent first)
    {
        var bytes = Encoding.UTF8.GetBytes(first.ToJson() + "\n");
        using (var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
        {
            fs.Write(bytes);
            fs.Flush(flushToDisk: true);
        }
        return new Journal(path);
    }

    SweepsException Corrupt(int line, string what) =>
        new(SweepsErrorKind.StoreCorrupt, $"{Path}, line {line}: {what}. The journal is damaged; nothing was changed. Repair or remove that line by hand (every other line is intact).");
}
