using System.Net.Http;
using System.Net.Sockets;
using Azure;
using Azure.Identity;

namespace Sweeps.Engine.Store.Blob;

/// <summary>
/// What a failure talking to Azure Blob Storage means: a transient one (the service busy or restarting, a refused or
/// broken connection, a time-out) is retried with back-off; anything else is one <see cref="SweepsException"/> at
/// once that says what is wrong in the user's words (a refused credential, no such account, no permission) and names
/// the store and where the credential came from, never the credential.
/// </summary>
internal static class BlobFaults
{
    public static bool IsFailure(Exception e) =>
        e is RequestFailedException or HttpRequestException or IOException or SocketException or AuthenticationFailedException or CredentialUnavailableException
        || e is AggregateException a && a.InnerExceptions.All(IsFailure)
        || e is TaskCanceledException { InnerException: TimeoutException };

    public static bool IsTransient(Exception e) => e switch
    {
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsTransient),
        RequestFailedException { Status: 0 } r => r.InnerException is null || IsTransient(r.InnerException),
        RequestFailedException r => r.Status is 408 or 429 or 500 or 502 or 503 or 504,
        HttpRequestException { InnerException: SocketException s } => IsTransient(s),
        HttpRequestException { InnerException: IOException } => true,
        HttpRequestException h => h.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded or HttpRequestError.Unknown,
        SocketException s => IsTransient(s),
        IOException => true,
        TaskCanceledException => true, // the SDK's network time-out
        _ => false,
    };

    static bool IsTransient(SocketException s) => s.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset
        or SocketError.ConnectionAborted or SocketError.Shutdown or SocketError.TryAgain or SocketError.TimedOut;

    /// <summary>The request's error code from the service (BlobNotFound, ContainerNotFound, ...), or null.</summary>
    public static string? Code(Exception e) => e is RequestFailedException r ? r.ErrorCode : null;

    public static bool Is(Exception e, int status, string? code = null) =>
        e is RequestFailedException r && r.Status == status && (code is null || r.ErrorCode == code);

    /// <summary>The error for a failure that is not transient.</summary>
    public static SweepsException From(Exception e, string doing, string store, string credentialSource)
    {
        if (e is AggregateException { InnerExceptions.Count: > 0 } a) e = a.InnerExceptions[^1];
        return e switch
        {
            RequestFailedException { Status: 404, ErrorCode: "ContainerNotFound" } =>
                new(SweepsErrorKind.StoreUnavailable,
                    $"The container of the store '{store}' does not exist, and the credential from {credentialSource} may not create it. Create it (az storage container create), or use a credential that may.", e),
            RequestFailedException { Status: 403, ErrorCode: "AuthorizationPermissionMismatch" or "AuthorizationResourceTypeMismatch" } r =>
                new(SweepsErrorKind.StoreUnavailable,
                    $"No permission to {doing} in the store '{store}' with the credential from {credentialSource} ({r.ErrorCode}). It needs read, write, list and delete on the container (the role 'Storage Blob Data Contributor', or a SAS with racwdl).", e),
            RequestFailedException { Status: 403 } r =>
                new(SweepsErrorKind.StoreUnavailable,
                    $"The store '{store}' refused the credential from {credentialSource} ({r.ErrorCode ?? "403"}): a wrong or expired key or SAS, one for another account, or the account's firewall refusing this machine.", e),
            RequestFailedException { Status: 404, ErrorCode: "ResourceNotFound" or "AccountNotFound" or null } =>
                new(SweepsErrorKind.StoreUnavailable, $"The storage account of the store '{store}' does not exist (or is not a blob endpoint).", e),
            RequestFailedException { Status: 409, ErrorCode: "BlockCountExceedsLimit" } =>
                new(SweepsErrorKind.StoreFull,
                    $"Cannot {doing} in the store '{store}': the blob reached Azure's limit of 50,000 appends. Start a new sweep (New-Sweep -From with this one's config) to go on.", e),
            RequestFailedException r =>
                new(SweepsErrorKind.StoreUnavailable, $"Cannot {doing} in the store '{store}': {r.ErrorCode ?? r.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)} ({FirstLine(r.Message)}).", e),
            AuthenticationFailedException or CredentialUnavailableException =>
                new(SweepsErrorKind.StoreUnavailable,
                    $"Cannot sign in to the store '{store}' with {credentialSource}: {FirstLine(e.Message)} Set AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_SAS_TOKEN or AZURE_STORAGE_KEY, or sign in (az login, a managed or workload identity).", e),
            HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } } =>
                new(SweepsErrorKind.StoreUnavailable, $"Cannot find the host of the store '{store}': no such name (is the account name right?).", e),
            _ => new(SweepsErrorKind.StoreUnavailable, $"Cannot {doing} in the store '{store}': {FirstLine(e.Message)}", e),
        };
    }

    /// <summary>The error after transient failures went on for the whole time allowed.</summary>
    public static SweepsException Unavailable(Exception last, string doing, string store, TimeSpan waited) =>
        new(SweepsErrorKind.StoreUnavailable,
            $"The Azure Blob store '{store}' is unavailable: could not {doing} for {waited.TotalSeconds:0} s ({Reason(last)}). Check that the service is reachable from this machine.", last);

    public static string Reason(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: > 0 } a => Reason(a.InnerExceptions[^1]),
        RequestFailedException { Status: > 0 } r => $"{r.Status} {r.ErrorCode}",
        _ when Socket(e) is { } s => s.SocketErrorCode == SocketError.ConnectionRefused ? "connection refused" : s.Message,
        { InnerException: { } inner } => FirstLine(inner.Message),
        _ => FirstLine(e.Message),
    };

    // The socket error under the SDK's and HttpClient's wrappings, if there is one.
    static SocketException? Socket(Exception? e)
    {
        for (; e is not null; e = e is AggregateException { InnerExceptions.Count: > 0 } a ? a.InnerExceptions[^1] : e.InnerException)
            if (e is SocketException s) return s;
        return null;
    }

    // The SDK's messages run to many lines of headers; the first says what happened.
    static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
