namespace Sweeps.Engine.Store;

/// <summary>Where the store is: an explicit path, else <c>$SWEEPS_STORE</c>, else <c>./.sweeps</c>.</summary>
public static class StoreLocation
{
    public const string EnvironmentVariable = "SWEEPS_STORE";
    public const string DefaultFolder = ".sweeps";

    public static string Resolve(string? explicitPath, string currentDirectory)
    {
        var chosen = !string.IsNullOrWhiteSpace(explicitPath) ? explicitPath
            : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? env
            : DefaultFolder;
        return Path.GetFullPath(chosen, currentDirectory);
    }
}
