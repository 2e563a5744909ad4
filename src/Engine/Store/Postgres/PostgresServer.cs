using System.Collections.Concurrent;
using System.Net.Sockets;
using Npgsql;

namespace Sweeps.Engine.Store.Postgres;

/// <summary>
/// The connections to one PostgreSQL server (one Npgsql pool per connection string in this process, shared by every
/// store and sweep opened on it), and the one way work reaches it: <see cref="Run{T}"/> gives the work a connection and
/// tries again with back-off while the server restarts or a connection breaks, for at most the store's time-out, then
/// gives up with one clear error naming the store.
/// </summary>
internal sealed class PostgresServer
{
    static readonly ConcurrentDictionary<string, PostgresServer> Servers = new(StringComparer.Ordinal);

    readonly NpgsqlDataSource _source;

    PostgresServer(string connectionString) => _source = NpgsqlDataSource.Create(connectionString);

    public static PostgresServer For(PostgresLocation location) => Servers.GetOrAdd(location.ConnectionString, cs => new PostgresServer(cs));

    /// <summary>
    /// Runs <paramref name="work"/> on a connection of its own, again on a fresh one after a transient failure, until
    /// the store's time allowed (<see cref="StoreOptions.LockTimeout"/>) has passed. Work that writes must be safe to run again (a transaction, or a write that
    /// finds out whether it already landed).
    /// </summary>
    public T Run<T>(PostgresLocation where, string doing, StoreOptions options, Func<NpgsqlConnection, T> work, CancellationToken cancel = default)
    {
        var retry = new Backoff(this, where, doing, options, cancel);
        while (true)
        {
            NpgsqlConnection? connection = null;
            try
            {
                connection = Open(retry);
                return work(connection);
            }
            catch (Exception e) when (IsFailure(e)) { retry.After(e, opening: false); }
            finally { connection?.Dispose(); }
        }
    }

    /// <summary>An open connection, after as many transient failures as <paramref name="retry"/> allows.</summary>
    public NpgsqlConnection Open(Backoff retry)
    {
        while (true)
        {
            try { return _source.OpenConnection(); }
            catch (Exception e) when (IsFailure(e)) { retry.After(e, opening: true); }
        }
    }

    // IOException: Npgsql reading a password file (PGPASSFILE) that is not there.
    public static bool IsFailure(Exception e) => e is NpgsqlException or SocketException or IOException;

    /// <summary>
    /// Tries again with growing waits (50 ms doubling to 2 s) while the failures are transient and the time allowed
    /// lasts; otherwise throws the store error.
    /// </summary>
    public sealed class Backoff(PostgresServer server, PostgresLocation where, string doing, StoreOptions options, CancellationToken cancel)
    {
        readonly StoreBackoff _wait = new(options, where.Display, doing, cancel, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2));

        public CancellationToken Cancel => cancel;

        /// <summary>What is left of the time allowed.</summary>
        public TimeSpan Remaining => _wait.Remaining;

        public void After(Exception e, bool opening)
        {
            cancel.ThrowIfCancellationRequested();
            if (!PostgresFaults.IsTransient(e, opening)) throw PostgresFaults.From(e, doing, where);
            server._source.Clear(); // the pool's other connections went down with the server: do not try them one by one
            _wait.Wait(waited => PostgresFaults.Unavailable(e, doing, where, waited), opening ? PostgresFaults.Reason(e) : null);
        }
    }
}
