using System.Runtime.InteropServices;
using System.Security.AccessControl;

namespace Sweeps.Engine.Store.Folder;

/// <summary>
/// Appends with the operating system's own append: <c>O_APPEND</c> on Unix, an append-only handle
/// (<c>FILE_APPEND_DATA</c> without <c>FILE_WRITE_DATA</c>) on Windows. The data lands at the end of the file as it
/// is when the write happens, so a writer can never overwrite another's lines. .NET's <c>FileMode.Append</c> does not
/// give this: it writes at the length it saw when it opened the file, so a writer paused between opening and writing
/// lands on whatever others appended meanwhile.
/// </summary>
internal static partial class AppendOnlyFile
{
    /// <summary>
    /// Appends <paramref name="data"/> in one write and flushes it to disk; throws IOException as .NET does. Returns
    /// the offset at which the data landed where the system tells it (Unix), else null.
    /// </summary>
    public static long? Append(string path, ReadOnlySpan<byte> data)
    {
        if (OperatingSystem.IsWindows()) { AppendWindows(path, data); return null; }
        var flags = OperatingSystem.IsLinux() ? LinuxWriteOnlyAppendCloexec : DarwinWriteOnlyAppendCloexec;
        var fd = Open(path, flags);
        if (fd < 0) throw Error(path);
        try
        {
            var written = 0;
            while (written < data.Length)
            {
                var n = Write(fd, data[written..], data.Length - written);
                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == Eintr) continue;
                    throw Error(path);
                }
                written += (int)n;
            }
            if (Fsync(fd) < 0) throw Error(path);
            // With O_APPEND the file offset is the end of this write, whatever others appended before or after it.
            var end = Lseek(fd, 0, SeekCur);
            return end < 0 ? null : end - data.Length;
        }
        finally
        {
            _ = Close(fd); // written and synced already: a failing close loses nothing
        }
    }

    static void AppendWindows(string path, ReadOnlySpan<byte> data)
    {
        if (!OperatingSystem.IsWindows()) throw new PlatformNotSupportedException();
        using var fs = new FileInfo(path).Create(FileMode.Open, FileSystemRights.AppendData | FileSystemRights.Synchronize,
            FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.None, null);
        fs.Write(data);
        fs.Flush(flushToDisk: true);
    }

    // An IOException with errno in HResult and the system's message, as .NET itself reports file errors on Unix.
    static IOException Error(string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        if (errno == Enoent) return new FileNotFoundException($"Could not find file '{path}'.", path);
        return new IOException($"{Marshal.GetPInvokeErrorMessage(errno)} : '{path}'", errno);
    }

    const int Eintr = 4, Enoent = 2, SeekCur = 1;
    const int LinuxWriteOnlyAppendCloexec = 0x1 | 0x400 | 0x80000;      // O_WRONLY | O_APPEND | O_CLOEXEC
    const int DarwinWriteOnlyAppendCloexec = 0x1 | 0x8 | 0x1000000;     // the same flags on macOS

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, ReadOnlySpan<byte> buffer, nint count);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long Lseek(int fd, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
