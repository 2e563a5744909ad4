using System.Diagnostics;
using Sweeps.Engine.Config;
using Sweeps.Engine.Store;
using Sweeps.Engine.Store.Folder;

namespace Sweeps.Engine.Tests;

/// <summary>A fresh store in a temporary folder, removed after the test.</summary>
public sealed class TempStore : IDisposable
{
    public TempStore()
    {
        Root = Path.Combine(Path.GetTempPath(), "sweeps-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Store = new SweepStore(Root);
    }

    public string Root { get; }
    public SweepStore Store { get; }

    public SweepHandle Create(string yaml, long seed = 1) =>
        Store.Create(SweepConfigParser.Parse(YamlConfigReader.Read(yaml), out _), yaml, seed: seed);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

internal static class Handles
{
    /// <summary>A folder store's sweep, for tests that look at its files.</summary>
    public static FolderSweep Folder(this SweepHandle sweep) => (FolderSweep)sweep.Backend;

    public static string HeartbeatPath(this SweepHandle sweep, string agentId) => Path.Combine(sweep.Folder().Directory, FolderHeartbeats.Folder, agentId + ".json");
}

public static class Configs
{
    public static SweepConfig Parse(string yaml) => SweepConfigParser.Parse(YamlConfigReader.Read(yaml), out _);

    public static IReadOnlyList<ConfigProblem> Problems(string yaml) => SweepConfigParser.Validate(YamlConfigReader.Read(yaml)).Problems;
}

/// <summary>Where the helper programs built beside the tests are.</summary>
public static class TestPrograms
{
    public static string PathOf(string project, string assembly)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && dir.Name != "tests") dir = dir.Parent;
        var config = AppContext.BaseDirectory.Contains("/Debug/") || AppContext.BaseDirectory.Contains("\\Debug\\") ? "Debug" : "Release";
        return Path.Combine(dir!.FullName, project, "bin", config, "net10.0", assembly + ".dll");
    }

    /// <summary>The stand-in training program (see tests/TestProgram).</summary>
    public static string TrainingProgram => PathOf("TestProgram", "Sweeps.TestProgram");
}

/// <summary>Starts the StoreWorker test program (an agent process) built beside the tests.</summary>
public static class StoreWorker
{
    public static string Dll => TestPrograms.PathOf("StoreWorker", "Sweeps.StoreWorker");

    public static Process Start(string store, string sweepId, params string[] extra)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        psi.ArgumentList.Add(store);
        psi.ArgumentList.Add(sweepId);
        foreach (var e in extra) psi.ArgumentList.Add(e);
        return Process.Start(psi)!;
    }
}

/// <summary>This machine's clock, off by <paramref name="skew"/>: a machine whose clock is wrong.</summary>
public sealed class SkewedTime(TimeSpan skew) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + skew;
}

/// <summary>Loopback ports for servers the tests start, or for addresses where nothing listens.</summary>
public static class Ports
{
    /// <summary>A port nothing listens on now (the system's choice, released at once).</summary>
    public static int Free()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        try { return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port; }
        finally { probe.Stop(); }
    }
}
