using System.Net;
using Azure;
using Azure.Storage;

namespace Sweeps.Engine.Store.Blob;

/// <summary>
/// Where an Azure Blob store is, and how Sweeps signs in to it. The location is a container's URL:
/// <c>https://&lt;account&gt;.blob.core.windows.net/&lt;container&gt;</c> (any cloud's blob endpoint), or the path-style
/// form of Azurite and other emulators, <c>http://127.0.0.1:10000/&lt;account&gt;/&lt;container&gt;</c>. The credential
/// comes from the first of: a SAS in the location's query, <c>AZURE_STORAGE_CONNECTION_STRING</c>,
/// <c>AZURE_STORAGE_SAS_TOKEN</c>, <c>AZURE_STORAGE_KEY</c>, then Azure.Identity's <c>DefaultAzureCredential</c>
/// (workload identity federation, managed identity, the Azure CLI's sign-in). No credential is ever in
/// <see cref="Display"/>, in an error, or in the store.
/// </summary>
internal sealed record BlobLocation
{
    /// <summary>The container's URL without a query: what Sweeps prints, and what a piped sweep carries.</summary>
    public required Uri Container { get; init; }

    public required string Account { get; init; }

    public required string ContainerName { get; init; }

    /// <summary>A SAS the user put in the location's query (never printed).</summary>
    public string? Sas { get; init; }

    public string Display => Container.AbsoluteUri.TrimEnd('/');

    public static BlobLocation Parse(string location)
    {
        if (!Uri.TryCreate(location.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
            throw Bad(location, "it is not an http(s) URL");
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        // Azurite and emulators name the account in the path; Azure names it in the host.
        var pathStyle = IPAddress.TryParse(uri.Host, out _) || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || segments.Length == 2;
        string account, container;
        if (pathStyle)
        {
            if (segments.Length != 2) throw Bad(location, "an emulator's location is http://<host>:<port>/<account>/<container>");
            (account, container) = (segments[0], segments[1]);
        }
        else
        {
            if (segments.Length != 1) throw Bad(location, "it names no container: the location is https://<account>.blob.core.windows.net/<container>");
            (account, container) = (uri.Host.Split('.')[0], segments[0]);
        }
        if (container.Length is < 3 or > 63 || !container.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-')
            || container[0] == '-' || container[^1] == '-' || container.Contains("--", StringComparison.Ordinal))
            throw Bad(location, $"'{container}' is not a valid container name (3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit)");
        var sas = uri.Query.TrimStart('?');
        var root = new UriBuilder(uri) { Query = "", Fragment = "", Path = string.Join('/', segments.Select(Uri.EscapeDataString)) }.Uri;
        return new BlobLocation { Container = root, Account = account, ContainerName = container, Sas = sas.Length > 0 ? sas : null };
    }

    static SweepsException Bad(string location, string why) =>
        new(SweepsErrorKind.InvalidArgument, $"'{Redact(location)}' is not an Azure Blob store location: {why}.");

    /// <summary>A location as typed, with any query (where a SAS would be) cut off, for errors.</summary>
    public static string Redact(string location) => location.Split('?')[0];

    /// <summary>Azurite's well-known development account and key (public; printed in Azure's own docs).</summary>
    const string DevAccount = "devstoreaccount1";
    const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The credential to sign in with, and where it came from (for errors: the source, never the secret).</summary>
    public (object Credential, string Source) Credential()
    {
        if (Sas is { } sas) return (new AzureSasCredential(sas), "the SAS in the store's location");
        if (Environment.GetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING") is { Length: > 0 } cs)
            return (FromConnectionString(cs), "AZURE_STORAGE_CONNECTION_STRING");
        if (Environment.GetEnvironmentVariable("AZURE_STORAGE_SAS_TOKEN") is { Length: > 0 } token)
            return (new AzureSasCredential(token.TrimStart('?')), "AZURE_STORAGE_SAS_TOKEN");
        if (Environment.GetEnvironmentVariable("AZURE_STORAGE_KEY") is { Length: > 0 } key)
        {
            var named = Environment.GetEnvironmentVariable("AZURE_STORAGE_ACCOUNT");
            if (named is { Length: > 0 } && !named.Equals(Account, StringComparison.OrdinalIgnoreCase))
                throw new SweepsException(SweepsErrorKind.StoreUnavailable,
                    $"AZURE_STORAGE_KEY is the key of the account '{named}' (AZURE_STORAGE_ACCOUNT), but the store '{Display}' is in the account '{Account}'.");
            return (new StorageSharedKeyCredential(Account, key), "AZURE_STORAGE_KEY");
        }
        if (Container.Scheme == "http")
            throw new SweepsException(SweepsErrorKind.StoreUnavailable,
                $"No credential for the store '{Display}': over http (an emulator such as Azurite) set AZURE_STORAGE_CONNECTION_STRING (\"UseDevelopmentStorage=true\" for Azurite's default account) or AZURE_STORAGE_KEY.");
        return (new Azure.Identity.DefaultAzureCredential(new Azure.Identity.DefaultAzureCredentialOptions { ExcludeInteractiveBrowserCredential = true }),
            "Azure.Identity's DefaultAzureCredential (no AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_SAS_TOKEN or AZURE_STORAGE_KEY was set)");
    }

    // The account and its key (or SAS) from a connection string; the endpoint is always the location's.
    object FromConnectionString(string cs)
    {
        var parts = cs.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.OrdinalIgnoreCase);
        var development = parts.TryGetValue("UseDevelopmentStorage", out var dev) && dev.Equals("true", StringComparison.OrdinalIgnoreCase);
        var account = development ? DevAccount : parts.GetValueOrDefault("AccountName");
        if (account is not null && !account.Equals(Account, StringComparison.OrdinalIgnoreCase))
            throw new SweepsException(SweepsErrorKind.StoreUnavailable,
                $"AZURE_STORAGE_CONNECTION_STRING is for the account '{account}', but the store '{Display}' is in the account '{Account}'.");
        if (development) return new StorageSharedKeyCredential(DevAccount, DevKey);
        if (parts.GetValueOrDefault("AccountKey") is { Length: > 0 } key) return new StorageSharedKeyCredential(Account, key);
        if (parts.GetValueOrDefault("SharedAccessSignature") is { Length: > 0 } sas) return new AzureSasCredential(sas.TrimStart('?'));
        throw new SweepsException(SweepsErrorKind.StoreUnavailable,
            "AZURE_STORAGE_CONNECTION_STRING has neither an AccountKey nor a SharedAccessSignature (nor UseDevelopmentStorage=true).");
    }
}
