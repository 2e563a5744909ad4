using Sweeps.Engine.Config;

namespace Sweeps.Engine.Store;

/// <summary>
/// A folder of sweeps, one sub-folder each (named by the sweep id) holding <c>journal.jsonl</c>, the lock file,
/// a copy of the config and <c>runs/&lt;run id&gt;/</c>. Layout and format: <c>docs/store.md</c>.
/// </summary>
public sealed class SweepStore(string root, StoreOptions? options = null)
{
    public const string JournalFile = "journal.jsonl";

    public string Root { get; } = Path.GetFullPath(root);

    public StoreOptions Options { get; } = options ?? StoreOptions.Default;

    SweepHandle Handle(string id, string directory) => new(id, directory, Options);

    /// <summary>Creates a sweep from a validated config. The seed is the given one, the config's, or a fresh one.</summary>
    public SweepHandle Create(SweepConfig config, string? configText = null, string? name = null, long? seed = null)
    {
        if (name is not null && Printable.NameProblem(name) is { } problem) throw new SweepsException(SweepsErrorKind.InvalidArgument, problem);
        try
        {
            Directory.CreateDirectory(Root);
            while (true)
            {
                var id = ShortId.New();
                var dir = Path.Combine(Root, id);
                if (Directory.Exists(dir)) continue;
                Directory.CreateDirectory(dir);
                File.WriteAllText(Path.Combine(dir, configText is null ? "config.json" : "config.yaml"), configText ?? Space.TreeJson.Serialize(config.Tree));
                var created = new SweepCreated(Options.Time.GetUtcNow(), id, name ?? config.Name ?? id,
                    seed ?? config.Seed ?? Random.Shared.NextInt64(0, int.MaxValue), config.Tree);
                try { Journal.Create(Path.Combine(dir, JournalFile), created); }
                catch (IOException) when (File.Exists(Path.Combine(dir, JournalFile))) { continue; }
                return Handle(id, dir);
            }
        }
        catch (Exception e) when (StoreErrors.IsStoreFailure(e))
        {
            throw StoreErrors.From(e, "create a sweep", Root, Root);
        }
    }

    /// <summary>Every sweep in the store, oldest first.</summary>
    public IReadOnlyList<SweepHandle> List()
    {
        if (File.Exists(Root)) throw new SweepsException(SweepsErrorKind.StoreUnavailable, $"The store '{Root}' is a file, not a folder.");
        if (!Directory.Exists(Root)) return [];
        try
        {
            return Directory.EnumerateDirectories(Root)
                .Where(d => StoreIds.IsValid(Path.GetFileName(d)) && File.Exists(Path.Combine(d, JournalFile)))
                .Select(d => Handle(Path.GetFileName(d), d))
                .OrderBy(h => File.GetCreationTimeUtc(h.JournalPath)).ThenBy(h => h.Id, StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SweepsException(SweepsErrorKind.StoreUnavailable, $"Cannot read the store '{Root}': {e.Message}", e);
        }
    }

    /// <summary>The sweep with this id; throws SweepNotFound when there is none.</summary>
    public SweepHandle Open(string id)
    {
        if (!Exists(id))
            throw new SweepsException(SweepsErrorKind.SweepNotFound, $"No sweep with id {StoreIds.Describe(id)} in the store '{Root}'.");
        return Handle(id, Path.Combine(Root, id));
    }

    /// <summary>
    /// Deletes a sweep's folder. Refuses while an agent is alive on one of its runs, unless forced: deleting under a
    /// working agent would lose what it records.
    /// </summary>
    public void Remove(SweepHandle sweep, bool force = false, TimeSpan? heartbeatTimeout = null)
    {
        var busy = sweep.Snapshot().Runs.Where(r => r.State == Runs.RunState.Running)
            .Select(r => r.Agent).Distinct()
            .Where(agent => AgentLiveness.IsAlive(sweep.Directory, agent, heartbeatTimeout ?? TimeSpan.FromSeconds(60), sweep.Clock, out _)).ToList();
        if (busy.Count > 0 && !force)
            throw new SweepsException(SweepsErrorKind.SweepInUse,
                $"Sweep '{sweep.Id}' has runs in progress by {string.Join(", ", busy)}; stop or cancel it first, or force the removal.");
        try { Directory.Delete(sweep.Directory, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SweepsException(SweepsErrorKind.StoreUnavailable, $"Cannot remove '{sweep.Directory}': {e.Message}", e);
        }
    }

    public bool Exists(string id) => StoreIds.IsValid(id) && File.Exists(Path.Combine(Root, id, JournalFile));
}
