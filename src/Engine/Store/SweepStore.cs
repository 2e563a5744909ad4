using Sweeps.Engine.Config;

namespace Sweeps.Engine.Store;

/// <summary>
/// The sweeps of one store, whatever its backend (<see cref="StoreBackends"/>): creates them with a fresh id and seed,
/// lists, opens and removes them. Every sweep opened here is a <see cref="SweepHandle"/>, which replays and decides
/// the same way on every backend.
/// </summary>
public sealed class SweepStore
{
    internal SweepStore(IStoreBackend backend) => Backend = backend;

    /// <summary>The store at <paramref name="location"/>: a folder, a PostgreSQL location or an Azure Blob container URL.</summary>
    public SweepStore(string location, StoreOptions? options = null) : this(StoreBackends.Open(location, options ?? StoreOptions.Default)) { }

    internal IStoreBackend Backend { get; }

    /// <summary>Where the store is, for people (never with a credential in it).</summary>
    public string Location => Backend.Location;

    /// <summary>Creates a sweep from a validated config. The seed is the given one, the config's, or a fresh one.</summary>
    public SweepHandle Create(SweepConfig config, string? configText = null, string? name = null, long? seed = null)
    {
        if (name is not null && Printable.NameProblem(name) is { } problem) throw new SweepsException(SweepsErrorKind.InvalidArgument, problem);
        var sweepSeed = seed ?? config.Seed ?? Random.Shared.NextInt64(0, int.MaxValue);
        while (true)
        {
            var id = ShortId.New();
            if (Backend.TryCreate(new SweepCreated(DateTimeOffset.UtcNow, id, name ?? config.Name ?? id, sweepSeed, config.Tree), configText))
                return Open(id);
        }
    }

    /// <summary>Every sweep in the store, oldest first.</summary>
    public IReadOnlyList<SweepHandle> List() => Backend.List().Select(id => new SweepHandle(Backend.Open(id))).ToList();

    /// <summary>The sweep with this id; throws SweepNotFound when there is none.</summary>
    public SweepHandle Open(string id)
    {
        if (!StoreIds.IsValid(id))
            throw new SweepsException(SweepsErrorKind.SweepNotFound, $"No sweep with id {StoreIds.Describe(id)} in the store '{Location}'.");
        return new SweepHandle(Backend.Open(id));
    }

    /// <summary>True when the store has a sweep with this id.</summary>
    public bool Exists(string id) => StoreIds.IsValid(id) && Backend.Exists(id);

    /// <summary>
    /// Deletes a sweep. Refuses while an agent is alive on one of its runs, unless forced: deleting under a working
    /// agent would lose what it records.
    /// </summary>
    public void Remove(SweepHandle sweep, bool force = false, TimeSpan? heartbeatTimeout = null)
    {
        var busy = ClaimPolicy.AgentsToJudge(sweep.Refresh(), self: "")
            .Where(agent => ClaimPolicy.Death(agent, sweep.Backend.LastBeat(agent), heartbeatTimeout ?? TimeSpan.FromSeconds(60)) is null).ToList();
        if (busy.Count > 0 && !force)
            throw new SweepsException(SweepsErrorKind.SweepInUse,
                $"Sweep '{sweep.Id}' has runs in progress by {string.Join(", ", busy)}; stop or cancel it first, or force the removal.");
        Backend.Remove(sweep.Id);
    }
}
