using System.Diagnostics;

namespace Sweeps.Engine.Tests;

/// <summary>
/// A real small file system (tmpfs) mounted in a temporary folder, to fill up or make read-only. Mounting needs root
/// on Linux, which CI has; elsewhere the tests that need it are skipped, and say why.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    public SmallDisk(int kilobytes)
    {
        Root = Path.Combine(Path.GetTempPath(), "sweeps-disk-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Root);
        Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", Root);
    }

    public string Root { get; }

    /// <summary>Fills what is left of the disk with one file; returns its path (delete it to free the space).</summary>
    public string Fill()
    {
        var filler = Path.Combine(Root, "filler");
        using var fs = new FileStream(filler, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[4096];
        try { while (true) { fs.Write(block); fs.Flush(); } }
        catch (IOException) { }
        // The last partial block may still fit a few bytes: fill those too.
        try { while (true) { fs.WriteByte(0); fs.Flush(); } }
        catch (IOException) { }
        return filler;
    }

    public void MakeReadOnly() => Run("mount", "-o", "remount,ro", Root);

    public void MakeWritable() => Run("mount", "-o", "remount,rw", Root);

    public void Dispose()
    {
        try { Run("umount", "-l", Root); Directory.Delete(Root); } catch (Exception) { }
    }

    static void Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)}: {err.Trim()}");
    }

    /// <summary>Why a small disk cannot be mounted here, or null when it can.</summary>
    public static readonly string? Unavailable = Probe();

    static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "mounting a small tmpfs needs Linux";
        try { using var disk = new SmallDisk(64); return null; }
        catch (Exception e) { return $"mounting a small tmpfs needs root: {e.Message}"; }
    }
}

/// <summary>A fact that needs a <see cref="SmallDisk"/>: skipped, with the reason, where none can be mounted.</summary>
public sealed class SmallDiskFactAttribute : FactAttribute
{
    public SmallDiskFactAttribute()
    {
        if (SmallDisk.Unavailable is { } why) Skip = why;
    }
}
