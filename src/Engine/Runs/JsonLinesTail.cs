namespace Sweeps.Engine.Runs;

/// <summary>
/// Follows a JSON-lines file another writer appends to: each call returns the complete lines added since the last
/// (a line still being written, without its newline, waits for the next call), each with its 1-based number.
/// </summary>
internal sealed class JsonLinesTail(string path)
{
    readonly object _gate = new();
    long _offset;
    int _line;

    /// <summary>Whether a read has found the file (a writer that has written nothing yet may not have made it).</summary>
    public bool Seen { get; private set; }

    public List<(int Number, ReadOnlyMemory<byte> Line)> ReadNew()
    {
        lock (_gate)
        {
            var lines = new List<(int, ReadOnlyMemory<byte>)>();
            if (!File.Exists(path)) return lines;
            Seen = true;
            byte[] bytes;
            using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                if (fs.Length <= _offset) return lines;
                fs.Seek(_offset, SeekOrigin.Begin);
                bytes = new byte[fs.Length - _offset];
                fs.ReadExactly(bytes);
            }
            var start = 0;
            for (var i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] != (byte)'\n') continue;
                lines.Add((++_line, bytes.AsMemory(start, i - start)));
                _offset += i + 1 - start;
                start = i + 1;
            }
            return lines;
        }
    }
}
