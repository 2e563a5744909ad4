namespace Sweeps.Engine.Store;

/// <summary>
/// Which backend a store location names: <c>postgres://</c> / <c>postgresql://</c> or an Npgsql connection string
/// (PostgreSQL), <c>https://</c> / <c>http://</c> (an Azure Blob container, or Azurite's), anything else a folder.
/// </summary>
internal static class StoreBackends
{
    public static IStoreBackend Open(string location, StoreOptions options)
    {
        if (IsPostgres(location)) return new Postgres.PostgresStore(location, options);
        if (IsBlob(location)) return new Blob.BlobStore(location, options);
        return new Folder.FolderStore(location, options);
    }

    public static bool IsPostgres(string location) =>
        location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || IsConnectionString(location);

    // "Host=db;Username=me;...": every part a key=value pair, one of them the host. A folder named "Host=x" is a folder.
    static bool IsConnectionString(string location)
    {
        var parts = location.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length > 0 && parts.All(p => p.IndexOf('=') > 0 && p[..p.IndexOf('=')].IndexOfAny(['/', '\\']) < 0)
            && parts.Any(p => p.Split('=')[0].Trim() is var key && (key.Equals("Host", StringComparison.OrdinalIgnoreCase) || key.Equals("Server", StringComparison.OrdinalIgnoreCase)));
    }

    public static bool IsBlob(string location) =>
        location.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the location is a folder (a path, made absolute where it is resolved).</summary>
    public static bool IsFolder(string location) => !IsPostgres(location) && !IsBlob(location);
}
