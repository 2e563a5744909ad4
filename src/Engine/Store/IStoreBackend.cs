namespace Sweeps.Engine.Store;

/// <summary>
/// Where sweeps are kept: a folder, a PostgreSQL database, an Azure Blob container, or memory. A backend only moves
/// data; every decision (which run is next, who is dead, what a transition means) is made once, in
/// <see cref="SweepHandle"/> and <see cref="ClaimPolicy"/>, for all backends alike. <c>tests/Engine.Tests/StoreContract.cs</c>
/// holds every backend to the same laws.
/// </summary>
internal interface IStoreBackend
{
    /// <summary>Where the store is, for people: a path or a URL, never with a credential in it.</summary>
    string Location { get; }

    /// <summary>Creates a sweep whose journal starts with <paramref name="first"/>; false when its id is taken.</summary>
    /// <param name="first">The sweep's first journal event, with its id.</param>
    /// <param name="configText">The config as the user wrote it, kept beside the sweep for people to read (null: none).</param>
    bool TryCreate(SweepCreated first, string? configText);

    /// <summary>Every sweep's id, oldest first.</summary>
    IReadOnlyList<string> List();

    bool Exists(string sweepId);

    /// <summary>One sweep's data; throws SweepNotFound when there is none.</summary>
    ISweepBackend Open(string sweepId);

    /// <summary>Deletes a sweep and everything of it.</summary>
    void Remove(string sweepId);
}
