using System.Net.Sockets;
using Npgsql;

namespace Sweeps.Engine.Store.Postgres;

/// <summary>
/// What a failure talking to PostgreSQL means: a transient one (the server restarting or shutting down, a refused or
/// broken connection) is retried with back-off; anything else is one <see cref="SweepsException"/> at once that says
/// what is wrong in the user's words (no such host, wrong password, no such database, no permission, disk full) and
/// names the store, never with a password.
/// </summary>
internal static class PostgresFaults
{
    /// <summary>
    /// Whether trying again may work. <paramref name="opening"/>: the failure came while connecting, where no answer
    /// at all (a timeout) means an unreachable host rather than a connection broken under way.
    /// </summary>
    public static bool IsTransient(Exception e, bool opening) => e switch
    {
        PostgresException p => p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.SerializationFailure
            or PostgresErrorCodes.DeadlockDetected || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException { InnerException: SocketException s } => IsTransient(s),
        NpgsqlException { InnerException: TimeoutException } => !opening,
        NpgsqlException { InnerException: IOException or EndOfStreamException or ObjectDisposedException } => true,
        SocketException s => IsTransient(s),
        NpgsqlException n => n.IsTransient && !NoPassword(n),
        _ => false,
    };

    // Refused: nothing listens yet (a server restarting, a pod not ready). Reset or aborted: a connection broken.
    static bool IsTransient(SocketException s) => s.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset
        or SocketError.ConnectionAborted or SocketError.Shutdown or SocketError.TryAgain or SocketError.TimedOut;

    static bool NoPassword(Exception e) => e.Message.Contains("No password has been provided", StringComparison.Ordinal);

    /// <summary>The error for a failure that is not transient (or a transient one given up on).</summary>
    public static SweepsException From(Exception e, string doing, PostgresLocation where)
    {
        var store = where.Display;
        var server = $"{where.Host}:{where.Port}";
        return e switch
        {
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } p =>
                new(SweepsErrorKind.StoreUnavailable, $"PostgreSQL at {server} refused the login of the store '{store}': {p.MessageText}. {PasswordHint}", e),
            _ when NoPassword(e) =>
                new(SweepsErrorKind.StoreUnavailable, $"PostgreSQL at {server} asks a password for the store '{store}' and none was given. {PasswordHint}", e),
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } =>
                new(SweepsErrorKind.StoreUnavailable, $"The database '{where.Database}' does not exist on the PostgreSQL server at {server} (store '{store}'). Create it (createdb {where.Database}) or name another one in the location.", e),
            PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } =>
                new(SweepsErrorKind.SweepNotFound, $"Cannot {doing}: the sweep is no longer in the store '{store}' (it was removed).", e),
            PostgresException { SqlState: PostgresErrorCodes.DiskFull } =>
                new(SweepsErrorKind.StoreFull, $"Disk full: the PostgreSQL server of the store '{store}' cannot {doing}. Free some space there; nothing already in the store was changed.", e),
            PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } p =>
                new(SweepsErrorKind.StoreUnavailable, $"No permission to {doing} in the store '{store}': {p.MessageText}.", e),
            PostgresException { SqlState: PostgresErrorCodes.ReadOnlySqlTransaction } =>
                new(SweepsErrorKind.StoreUnavailable, $"The store '{store}' is read-only (a standby server): cannot {doing}. Reading its sweeps still works.", e),
            PostgresException p =>
                new(SweepsErrorKind.StoreUnavailable, $"Cannot {doing} in the store '{store}': {p.MessageText} (SQLSTATE {p.SqlState}).", e),
            NpgsqlException { InnerException: SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } } =>
                new(SweepsErrorKind.StoreUnavailable, $"Cannot find the host '{where.Host}' of the store '{store}': no such name.", e),
            NpgsqlException { InnerException: SocketException or TimeoutException } =>
                new(SweepsErrorKind.StoreUnavailable, $"Cannot reach the PostgreSQL server at {server} of the store '{store}': {e.InnerException!.Message}.", e),
            _ => new(SweepsErrorKind.StoreUnavailable, $"Cannot {doing} in the store '{store}': {e.Message}", e),
        };
    }

    const string PasswordHint = "Give the password in PGPASSWORD or ~/.pgpass (or in the location, which Sweeps never prints).";

    /// <summary>The error after transient failures went on for the whole time allowed.</summary>
    public static SweepsException Unavailable(Exception last, string doing, PostgresLocation where, TimeSpan waited) =>
        new(SweepsErrorKind.StoreUnavailable,
            $"The PostgreSQL store '{where.Display}' is unavailable: could not {doing} for {waited.TotalSeconds:0} s ({Reason(last)}). Check that its server runs and accepts connections at {where.Host}:{where.Port}.", last);

    public static string Reason(Exception e) => e switch
    {
        PostgresException p => $"{p.MessageText}, SQLSTATE {p.SqlState}",
        NpgsqlException { InnerException: SocketException s } => s.SocketErrorCode == SocketError.ConnectionRefused ? "connection refused" : s.Message,
        NpgsqlException { InnerException: { } inner } => inner.Message,
        _ => e.Message,
    };
}
