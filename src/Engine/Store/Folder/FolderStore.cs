namespace Sweeps.Engine.Store.Folder;

/// <summary>
/// A store that is a folder (the default, <c>./.sweeps</c>): one sub-folder per sweep, named by its id, holding its
/// journal, the config as written and its runs. Layout and format: <c>docs/store.md</c>.
/// </summary>
public sealed class FolderStore(string root, StoreOptions? options = null) : IStoreBackend
{
    readonly StoreOptions _options = options ?? StoreOptions.Default;

    public string Root { get; } = Path.GetFullPath(root);

    public string Location => Root;

    public bool TryCreate(SweepCreated first, string? configText)
    {
        var dir = Path.Combine(Root, first.SweepId);
        try
        {
            if (File.Exists(Root)) throw new SweepsException(SweepsErrorKind.StoreUnavailable, $"The store '{Root}' is a file, not a folder.");
            Directory.CreateDirectory(Root);
            if (Directory.Exists(dir)) return false;
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, configText is null ? "config.json" : "config.yaml"), configText ?? Space.TreeJson.Serialize(first.Config));
            Journal.Create(Path.Combine(dir, FolderSweep.JournalFile), first);
            return true;
        }
        catch (IOException) when (File.Exists(Path.Combine(dir, FolderSweep.JournalFile))) { return false; } // another process made it first
        catch (Exception e) when (e is not SweepsException && StoreErrors.IsStoreFailure(e)) { throw StoreErrors.From(e, "create a sweep", dir, Root); }
    }

    public IReadOnlyList<string> List()
    {
        if (File.Exists(Root)) throw new SweepsException(SweepsErrorKind.StoreUnavailable, $"The store '{Root}' is a file, not a folder.");
        if (!Directory.Exists(Root)) return [];
        try
        {
            return Directory.EnumerateDirectories(Root)
                .Select(d => (Id: Path.GetFileName(d), Journal: Path.Combine(d, FolderSweep.JournalFile)))
                .Where(s => StoreIds.IsValid(s.Id) && File.Exists(s.Journal))
                .OrderBy(s => File.GetCreationTimeUtc(s.Journal)).ThenBy(s => s.Id, StringComparer.Ordinal)
                .Select(s => s.Id).ToList();
        }
        catch (Exception e) when (StoreErrors.IsStoreFailure(e)) { throw StoreErrors.From(e, "list the sweeps", Root, Root); }
    }

    public bool Exists(string sweepId) => StoreIds.IsValid(sweepId) && File.Exists(Path.Combine(Root, sweepId, FolderSweep.JournalFile));

    public ISweepBackend Open(string sweepId) => Exists(sweepId)
        ? new FolderSweep(sweepId, Path.Combine(Root, sweepId), _options)
        : throw new SweepsException(SweepsErrorKind.SweepNotFound, $"No sweep with id {StoreIds.Describe(sweepId)} in the store '{Root}'.");

    public void Remove(string sweepId)
    {
        var dir = Path.Combine(Root, sweepId);
        try { if (Exists(sweepId)) Directory.Delete(dir, recursive: true); }
        catch (Exception e) when (StoreErrors.IsStoreFailure(e)) { throw StoreErrors.From(e, "remove the sweep", dir, Root); }
    }
}
