using System.Text;
using System.Text.Json;
using Sweeps.Engine.Space;

namespace Sweeps.Engine.Runs;

/// <summary>Reads a run's history file incrementally: each call returns the complete rows appended since the last.</summary>
public sealed class HistoryTail(string runDirectory)
{
    readonly string _path = Path.Combine(runDirectory, RunRecorder.HistoryFile);
    long _offset;

    public List<Dictionary<string, object?>> ReadNew()
    {
        var rows = new List<Dictionary<string, object?>>();
        if (!File.Exists(_path)) return rows;
        byte[] bytes;
        using (var fs = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            if (fs.Length <= _offset) return rows;
            fs.Seek(_offset, SeekOrigin.Begin);
            bytes = new byte[fs.Length - _offset];
            fs.ReadExactly(bytes);
        }
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n') continue;
            try
            {
                var reader = new Utf8JsonReader(bytes.AsSpan(start, i - start));
                if (reader.Read() && reader.TokenType == JsonTokenType.StartObject) rows.Add(TreeJson.ReadObject(ref reader));
            }
            catch (JsonException) { } // a damaged row of a dead run: the metric just lacks that value
            _offset += i + 1 - start;
            start = i + 1;
        }
        return rows;
    }
}
