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

    protected override IStoreBackend NewStore()
    {
        BlobTestServer.SignIn();
        return new Store.Blob.BlobStore(_container);
    }

    public override void Dispose() => BlobTestServer.Drop(_container);
}
