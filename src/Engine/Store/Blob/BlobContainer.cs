using Azure;
using Azure.Core;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;

namespace Sweeps.Engine.Store.Blob;

/// <summary>
/// The container a Blob store lives in, and the one way work reaches it: <see cref="Run{T}"/> tries again with back-off
/// while the service restarts or a connection breaks, for at most the store's time-out, then gives up with one clear
/// error naming the store. It also keeps the service's clock (from its answers' Date header).
/// </summary>
internal sealed class BlobContainer
{
    readonly object _clockGate = new();
    TimeSpan _clockOffset;
    long? _clockSampled; // Environment.TickCount64 of the last sample
    int _made;           // 1 once the container is known to exist

    public BlobContainer(BlobLocation where, StoreOptions options)
    {
        Where = where;
        Options = options;
        var (credential, source) = where.Credential();
        CredentialSource = source;
        var client = new BlobClientOptions
        {
            // A few quick tries inside each call; outages longer than that are Run's to wait out, within the time-out.
            Retry = { Mode = RetryMode.Exponential, MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1), NetworkTimeout = TimeSpan.FromSeconds(30) },
            Diagnostics = { IsLoggingEnabled = false, IsDistributedTracingEnabled = false, IsTelemetryEnabled = false },
        };
        Client = credential switch
        {
            StorageSharedKeyCredential key => new BlobContainerClient(where.Container, key, client),
            AzureSasCredential sas => new BlobContainerClient(where.Container, sas, client),
            TokenCredential token => new BlobContainerClient(where.Container, token, client),
            _ => throw new InvalidOperationException("unknown credential"),
        };
    }

    public BlobLocation Where { get; }
    public StoreOptions Options { get; }
    public BlobContainerClient Client { get; }

    /// <summary>Where the credential came from (an environment variable's name), for errors.</summary>
    public string CredentialSource { get; }

    public string Display => Where.Display;

    public AppendBlobClient Append(string name) => Client.GetAppendBlobClient(name);

    public BlockBlobClient Block(string name) => Client.GetBlockBlobClient(name);

    /// <summary>
    /// Runs <paramref name="work"/>, again after a transient failure, until the store's time-out has passed. Work that
    /// writes must be safe to run again (conditional, or finding out whether it already landed).
    /// </summary>
    public T Run<T>(string doing, Func<T> work, CancellationToken cancel = default)
    {
        var retry = Retry(doing, cancel);
        while (true)
        {
            try { return work(); }
            catch (Exception e) when (BlobFaults.IsFailure(e)) { retry.After(e); }
        }
    }

    public void Run(string doing, Action work, CancellationToken cancel = default) => Run(doing, () => { work(); return 0; }, cancel);

    public Backoff Retry(string doing, CancellationToken cancel = default) => new(this, doing, cancel, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2));

    /// <summary>Waits for another agent's lease: held for milliseconds, so looked at again soon (20 ms growing to 400 ms).</summary>
    public Backoff Turn(string doing, CancellationToken cancel = default) => new(this, doing, cancel, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(400));

    /// <summary>Makes the container where it is missing (once per process).</summary>
    public void Make()
    {
        if (Volatile.Read(ref _made) == 1) return;
        Run("create the store's container", () =>
        {
            try { Client.Create(); }
            // There already (409), or a credential that may only work inside it, such as a container's SAS (403): the
            // next call says whether the container is there.
            catch (RequestFailedException e) when (e.Status is 409 or 403) { }
        });
        Volatile.Write(ref _made, 1);
    }

    /// <summary>
    /// Now on the service's clock: the local clock plus the offset learnt from the Date of the service's answer (whole
    /// seconds: the middle of that second is taken), sampled again every few minutes, so every machine stamps events on
    /// one clock within about a second.
    /// </summary>
    public DateTimeOffset Now
    {
        get
        {
            lock (_clockGate)
            {
                if (_clockSampled is not long sampled || Environment.TickCount64 - sampled > 5 * 60_000)
                {
                    _clockOffset = Run("read the service's clock", () =>
                    {
                        var before = Options.Time.GetUtcNow();
                        Response? answer;
                        try { answer = Client.GetProperties().GetRawResponse(); }
                        // Any answer tells the time: no container yet (404), a credential that may not read the container's own properties (403).
                        catch (RequestFailedException e) when (e.Status is >= 400 and < 500 && e.GetRawResponse() is { } refused) { answer = refused; }
                        var after = Options.Time.GetUtcNow();
                        var date = answer?.Headers.Date ?? throw new RequestFailedException(0, "the service's answer had no Date header");
                        return date + TimeSpan.FromMilliseconds(500) - (before + (after - before) / 2);
                    });
                    _clockSampled = Environment.TickCount64;
                }
                return Options.Time.GetUtcNow() + _clockOffset;
            }
        }
    }

    /// <summary>Tries again while failures are transient and the time allowed lasts; otherwise throws the store error.</summary>
    public sealed class Backoff(BlobContainer container, string doing, CancellationToken cancel, TimeSpan first, TimeSpan longest)
    {
        readonly StoreBackoff _wait = new(container.Options, container.Display, doing, cancel, first, longest);

        public TimeSpan Remaining => _wait.Remaining;

        public void After(Exception e)
        {
            cancel.ThrowIfCancellationRequested();
            if (!BlobFaults.IsTransient(e)) throw BlobFaults.From(e, doing, container.Display, container.CredentialSource);
            Wait(e);
        }

        /// <summary>Waits before the next try (after a failure, or for a turn), or throws when the time allowed is spent.</summary>
        public void Wait(Exception? last = null) => _wait.Wait(
            waited => last is null
                ? new SweepsException(SweepsErrorKind.LockTimeout, $"Cannot {doing} in the store '{container.Display}': gave up after {waited.TotalSeconds:0} s.")
                : BlobFaults.Unavailable(last, doing, container.Display, waited),
            last is null || BlobFaults.Code(last) is not null ? null : BlobFaults.Reason(last)); // no answer from the service: unreachable
    }
}
