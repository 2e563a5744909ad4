using Sweeps.Engine.Store;
using Sweeps.Engine.Store.Postgres;

namespace Sweeps.Engine.Tests;

/// <summary>The store contract against a real PostgreSQL server, each test in a schema of its own.</summary>
[NeedsService("postgres")]
public sealed class PostgresStoreContract : StoreContract
{
    readonly PostgresTestSchema _schema = new();

    private protected override IStoreBackend NewStore() => new PostgresStore(_schema.ConnectionString);

    public override void Dispose() => _schema.Dispose();
}
