namespace Sweeps.Engine.Store.Folder;

/// <summary>
/// A store that is a folder (the default, <c>./.sweeps</c>): one sub-folder per sweep, named by its id, holding its
/// journal, the config as written and its runs. Layout and format: <c>docs/store.md</c>.
/// </summary>
internal sealed class FolderStore(string root, StoreOptions? options = null) : IStoreBackend
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
                .OrderBy(s => CreatedAt(s.Journal)).ThenBy(s => s.Id, StringComparer.Ordinal)
                .Select(s => s.Id).ToList();
        }
        catch (Exception e) when (StoreErrors.IsStoreFailure(e)) { throw StoreErrors.From(e, "list the sweeps", Root, Root); }
    }

    // When a sweep was created, from its first event: file times are only as fine as the kernel's clock tick, so two
    // sweeps made within a few milliseconds could not be told apart by them.
    static DateTimeOffset CreatedAt(string journal)
    {
        try
        {
            using var fs = new FileStream(journal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var buffer = new byte[Math.Min(fs.Length, 64 * 1024)];
            var read = fs.Read(buffer);
            var line = buffer.AsSpan(0, read);
            if (line.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) line = line[3..];
            var end = line.IndexOf((byte)'\n');
            return JournalEvent.Parse(end < 0 ? line : line[..end]).Time;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return new DateTimeOffset(File.GetCreationTimeUtc(journal), TimeSpan.Zero); // a damaged journal is still listed
        }
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
