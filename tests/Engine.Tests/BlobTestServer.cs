using System.Diagnostics;
using Azure.Storage.Blobs;
using Sweeps.Engine.Store;

namespace Sweeps.Engine.Tests;

/// <summary>
/// The Azurite test server that build/services/azurite.ps1 starts: a fresh container per test (so tests never see each
/// other's sweeps), signed in with Azurite's development account through AZURE_STORAGE_CONNECTION_STRING, as a user
/// of Azurite signs in.
/// </summary>
public static class BlobTestServer
{
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    /// <summary>The development account's URL on the test server.</summary>
    public static string Account => Services.Azurite ?? throw new InvalidOperationException("no Azurite test server");

    /// <summary>The location of a new, empty container (made on the store's first write).</summary>
    public static string NewContainer() => $"{Account}/t-{Guid.NewGuid():N}"[..^8];

    static BlobTestServer()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING")))
            Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", DevelopmentStorage);
    }

    /// <summary>Makes sure the test credential is set (static constructors run on first use).</summary>
    public static void SignIn() => _ = Account;

    /// <summary>A client of a container on the test server, to look at and damage what the store wrote.</summary>
    public static BlobContainerClient Client(string location) =>
        new(new Uri(location), new Azure.Storage.StorageSharedKeyCredential("devstoreaccount1",
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="));

    /// <summary>Deletes a container the test made.</summary>
    public static void Drop(string location)
    {
        try { Client(location).DeleteIfExists(); } catch (Azure.RequestFailedException) { }
    }
}

/// <summary>The store contract against a real Azurite, each test in a container of its own.</summary>
[NeedsService("azurite")]
public sealed class BlobStoreContract : StoreContract
{
    readonly string _container = BlobTestServer.NewContainer();

    private protected override IStoreBackend NewStore()
    {
        BlobTestServer.SignIn();
        return new Store.Blob.BlobStore(_container);
    }

    public override void Dispose() => BlobTestServer.Drop(_container);
}

/// <summary>
/// An Azurite of a test's own (the program build/services/azurite.ps1 installed), on a free port with its data in a
/// folder, to stop and start again while agents work.
/// </summary>
public sealed class OwnAzurite : IDisposable
{
    readonly TempStore _data = new();
    Process? _process;

    public OwnAzurite()
    {
        Port = Ports.Free();
        Start();
    }

    public int Port { get; }

    public string Account => $"http://127.0.0.1:{Port}/devstoreaccount1";

    public void Start()
    {
        var bin = Environment.GetEnvironmentVariable("SWEEPS_TEST_AZURITE_BIN") ?? throw new InvalidOperationException("SWEEPS_TEST_AZURITE_BIN is not set");
        var psi = new ProcessStartInfo(bin) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--location", _data.Root,
                     "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl", "--disableTelemetry", "--loose" })
            psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var client = new System.Net.Sockets.TcpClient();
            try { client.Connect("127.0.0.1", Port); return; }
            catch (System.Net.Sockets.SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(60) && !_process.HasExited) { Thread.Sleep(100); }
        }
    }

    /// <summary>Stops it as a restart does (SIGTERM: it saves what it holds and ends every connection).</summary>
    public void Stop()
    {
        if (_process is null) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        if (!_process.WaitForExit(30_000)) _process.Kill(entireProcessTree: true);
        _process.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.Dispose();
        _data.Dispose();
    }
}
