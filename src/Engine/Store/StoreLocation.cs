namespace Sweeps.Engine.Store;

/// <summary>
/// Where the store is: an explicit location, else <c>$SWEEPS_STORE</c>, else <c>./.sweeps</c>. A folder is made
/// absolute; a database or container location is kept as written (<see cref="StoreBackends"/>).
/// </summary>
public static class StoreLocation
{
    /// <summary>The environment variable that names the store when none is given.</summary>
    public const string EnvironmentVariable = "SWEEPS_STORE";
    /// <summary>The folder used when neither a location nor the variable is given.</summary>
    public const string DefaultFolder = ".sweeps";

    /// <summary>The store to use: <paramref name="explicitPath"/>, else the variable, else the default folder, relative to <paramref name="currentDirectory"/>.</summary>
    public static string Resolve(string? explicitPath, string currentDirectory)
    {
        var chosen = !string.IsNullOrWhiteSpace(explicitPath) ? explicitPath
            : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? env
            : DefaultFolder;
        return StoreBackends.IsFolder(chosen) ? Path.GetFullPath(chosen, currentDirectory) : chosen;
    }
}
