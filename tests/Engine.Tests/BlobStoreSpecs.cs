using System.Diagnostics;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Sweeps.Engine.Store;
using Sweeps.Engine.Store.Blob;

namespace Sweeps.Engine.Tests;

/// <summary>Tests that set the credential's environment variables: they run alone, after the others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BlobCredentialsAlone
{
    public const string Name = "Azure credentials alone";
}

/// <summary>Where an Azure Blob store is: the forms a location takes, and what is never printed of it.</summary>
public sealed class BlobLocationSpecs
{
    [Theory]
    [InlineData("https://acct.blob.core.windows.net/sweeps", "acct", "sweeps", "https://acct.blob.core.windows.net/sweeps")]
    [InlineData("https://acct.blob.core.windows.net/sweeps/", "acct", "sweeps", "https://acct.blob.core.windows.net/sweeps")]
    [InlineData("https://acct.blob.core.chinacloudapi.cn/ml-sweeps", "acct", "ml-sweeps", "https://acct.blob.core.chinacloudapi.cn/ml-sweeps")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/sweeps", "devstoreaccount1", "sweeps", "http://127.0.0.1:10000/devstoreaccount1/sweeps")]
    [InlineData("http://localhost:10000/devstoreaccount1/s01", "devstoreaccount1", "s01", "http://localhost:10000/devstoreaccount1/s01")]
    [InlineData("https://acct.blob.core.windows.net/sweeps?sv=2024&sig=SECRET", "acct", "sweeps", "https://acct.blob.core.windows.net/sweeps")]
    public void A_location_names_the_account_and_container_and_prints_no_query(string location, string account, string container, string display)
    {
        var where = BlobLocation.Parse(location);
        Assert.Equal((account, container, display), (where.Account, where.ContainerName, where.Display));
        Assert.Equal(location.Contains('?'), where.Sas is not null);
    }

    [Theory]
    [InlineData("https://acct.blob.core.windows.net", "names no container")]
    [InlineData("https://acct.blob.core.windows.net/a/b/c", "names no container")]
    [InlineData("https://acct.blob.core.windows.net/Sweeps", "'Sweeps' is not a valid container name")]
    [InlineData("https://acct.blob.core.windows.net/ab", "'ab' is not a valid container name")]
    [InlineData("https://acct.blob.core.windows.net/a--b", "'a--b' is not a valid container name")]
    [InlineData("http://127.0.0.1:10000/sweeps", "an emulator's location is")]
    public void A_location_that_is_not_a_container_is_refused_saying_why(string location, string why)
    {
        var e = Assert.Throws<SweepsException>(() => BlobLocation.Parse(location + "?sig=SECRET"));
        Assert.Equal(SweepsErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(why, e.Message);
        Assert.DoesNotContain("SECRET", e.Message);
    }

    [Fact]
    public void A_location_is_a_blob_store_only_over_http()
    {
        Assert.True(StoreBackends.IsBlob("https://acct.blob.core.windows.net/sweeps"));
        Assert.True(StoreBackends.IsBlob("http://127.0.0.1:10000/devstoreaccount1/sweeps"));
        Assert.False(StoreBackends.IsBlob("./https-notes"));
        Assert.False(StoreBackends.IsBlob("https"));
    }
}

/// <summary>
/// What the Azure Blob store does beyond the contract, against Azurite: one clear error for a credential that is
/// refused or missing (never showing it), answers lost to a broken connection never making a change count twice,
/// the service's clock, history gathered into blocks, and removal.
/// </summary>
[NeedsService("azurite")]
public sealed class BlobStoreSpecs : IDisposable
{
    const string Grid = "method: grid\nmetric: {name: loss}\nparameters:\n  a: {min: 1, max: 20}\n";

    readonly string _container = BlobTestServer.NewContainer();

    public BlobStoreSpecs() => BlobTestServer.SignIn();

    public void Dispose() => BlobTestServer.Drop(_container);

    static StoreOptions Quick => new() { LockTimeout = TimeSpan.FromSeconds(2) };

    (TcpCutProxy Proxy, SweepStore Store) ThroughProxy()
    {
        var uri = new Uri(_container);
        var proxy = new TcpCutProxy("127.0.0.1", uri.Port);
        return (proxy, new SweepStore(new UriBuilder(uri) { Port = proxy.Port }.Uri.AbsoluteUri));
    }

    [StoreFact(Timeout = 60_000)]
    public async Task An_append_whose_answer_was_lost_counts_once()
    {
        await Task.Yield();
        var (proxy, store) = ThroughProxy();
        using var _ = proxy;
        var sweep = store.Create(Configs.Parse(Grid));
        var first = sweep.Claim("agent-1")!;
        proxy.CutAfter("comp=appendblock");
        var second = sweep.Claim("agent-1")!; // its append lands, its answer does not
        Assert.Equal(1, proxy.Cuts);
        var state = new SweepStore(_container).Open(sweep.Id).Refresh();
        Assert.Equal([first.Run.Id, second.Run.Id], state.Runs.Select(r => r.Id));
        Assert.Equal([1, 2], state.Runs.Select(r => r.Number));
        Assert.NotNull(sweep.Claim("agent-1")); // and the handle goes on where it is
        Assert.Equal(3, new SweepStore(_container).Open(sweep.Id).Refresh().Runs.Count);
    }

    [StoreFact(Timeout = 60_000)]
    public async Task A_sweep_created_while_the_answer_was_lost_is_created_once()
    {
        await Task.Yield();
        var (proxy, store) = ThroughProxy();
        using var _ = proxy;
        store.List();
        proxy.CutAfter("comp=appendblock");
        var sweep = store.Create(Configs.Parse(Grid));
        Assert.Equal(1, proxy.Cuts);
        Assert.Equal([sweep.Id], new SweepStore(_container).List().Select(s => s.Id));
        Assert.Empty(new SweepStore(_container).Open(sweep.Id).Refresh().Runs);
    }

    [StoreFact(Timeout = 60_000)]
    public async Task History_rows_whose_append_answer_was_lost_are_kept_once()
    {
        await Task.Yield();
        var (proxy, store) = ThroughProxy();
        using var _ = proxy;
        var sweep = store.Create(Configs.Parse(Grid));
        var run = sweep.Claim("agent-1")!.Run.Id;
        using (var writer = sweep.Backend.WriteHistory(run))
        {
            writer.Append("{\"loss\":0,\"_step\":0}"u8);
            Thread.Sleep(1500); // the first block goes alone
            proxy.CutAfter("comp=appendblock");
            for (var i = 1; i < 3; i++) writer.Append(System.Text.Encoding.UTF8.GetBytes($"{{\"loss\":{i},\"_step\":{i}}}"));
        }
        Assert.Equal(1, proxy.Cuts);
        Assert.Equal([0L, 1L, 2L], new SweepStore(_container).Open(sweep.Id).History(run).Select(r => r["loss"]));
    }

    [StoreFact]
    public void History_rows_are_gathered_into_few_blocks_and_reach_readers_within_a_second()
    {
        var store = new SweepStore(_container);
        var sweep = store.Create(Configs.Parse(Grid));
        var run = sweep.Claim("agent-1")!.Run.Id;
        var reader = store.Open(sweep.Id).Backend.ReadHistory(run);
        var writer = (BlobHistoryWriter)sweep.Backend.WriteHistory(run);
        for (var i = 0; i < 5000; i++) writer.Append(System.Text.Encoding.UTF8.GetBytes($"{{\"loss\":{i}}}"));
        var clock = Stopwatch.StartNew();
        var seen = 0;
        while (seen < 5000 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            seen += reader.ReadNew().Count;
            Thread.Sleep(50);
        }
        Assert.Equal(5000, seen); // without the writer being closed
        writer.Dispose();
        Assert.InRange(writer.Appends, 1, 3); // not 5000
    }

    [StoreFact]
    public void Event_times_and_heartbeat_ages_are_on_the_services_clock_whatever_the_local_clock_says()
    {
        var store = new SweepStore(new BlobStore(_container, new StoreOptions { Time = new SkewedTime(TimeSpan.FromMinutes(-7)) }));
        var sweep = store.Create(Configs.Parse(Grid));
        Assert.InRange(sweep.Backend.Now - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(-3), TimeSpan.FromSeconds(3));
        var claim = sweep.Claim("agent-1")!;
        Assert.InRange(claim.Run.Created - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(-3), TimeSpan.FromSeconds(3));
        sweep.Backend.Beat("agent-1", ProcessIdentity.Current);
        Assert.InRange(sweep.Backend.LastBeat("agent-1")!.Silence, TimeSpan.Zero, TimeSpan.FromSeconds(3));
    }

    [StoreFact]
    public void Removing_a_sweep_removes_every_blob_of_it_and_no_other()
    {
        var store = new SweepStore(_container);
        var kept = store.Create(Configs.Parse(Grid));
        var sweep = store.Create(Configs.Parse(Grid));
        var claim = sweep.Claim("agent-1")!;
        sweep.Backend.Beat("agent-1", ProcessIdentity.Current);
        using (var w = sweep.Backend.WriteHistory(claim.Run.Id)) w.Append("{\"loss\":1}"u8);
        File.WriteAllText(Path.Combine(claim.Directory, "stdout.log"), "hi");
        sweep.Backend.KeepFiles(claim.Run.Id);
        Assert.False(Directory.Exists(claim.Directory)); // taken in, and the local folder removed
        Assert.Equal("hi", store.Open(sweep.Id).Backend.ReadFile(claim.Run.Id, "stdout.log", 100));
        store.Remove(sweep, force: true);
        var left = BlobTestServer.Client(_container).GetBlobs().Select(b => b.Name).ToList();
        Assert.All(left, name => Assert.Contains(kept.Id, name));
        Assert.Contains($"sweeps/{kept.Id}.journal", left);
        Assert.Equal([kept.Id], store.List().Select(s => s.Id));
        Assert.Equal(SweepsErrorKind.SweepNotFound, Assert.Throws<SweepsException>(() => sweep.Claim("agent-1")).Kind);
    }

    [StoreFact]
    public void A_damaged_journal_line_is_an_error_naming_it_and_nothing_is_written()
    {
        var store = new SweepStore(_container);
        var sweep = store.Create(Configs.Parse(Grid));
        sweep.Claim("agent-1");
        var journal = BlobTestServer.Client(_container).GetAppendBlobClient($"sweeps/{sweep.Id}.journal");
        journal.AppendBlock(new MemoryStream("{\"e\":\"run_claimed\",\"t\":\n"u8.ToArray()));
        var length = journal.GetProperties().Value.ContentLength;
        var e = Assert.Throws<SweepsException>(() => store.Open(sweep.Id).Claim("agent-2"));
        Assert.Equal(SweepsErrorKind.StoreCorrupt, e.Kind);
        Assert.Contains("journal line 3", e.Message);
        Assert.Equal(length, journal.GetProperties().Value.ContentLength);
    }

    [StoreFact]
    public void A_change_that_lost_the_race_does_not_count_and_the_next_ones_take_the_lease_in_turn()
    {
        var store = new SweepStore(_container);
        var sweep = store.Create(Configs.Parse(Grid));
        var backend = (BlobSweep)store.Open(sweep.Id).Backend;
        var journal = BlobTestServer.Client(_container).GetAppendBlobClient($"sweeps/{sweep.Id}.journal");
        var pause = new SweepStateChanged(DateTimeOffset.UtcNow, "paused", "test");
        using (var change = backend.BeginChange(default))
        {
            backend.ReadEvents(exclusive: true);
            sweep.Claim("agent-1"); // lands between this change's read and its append
            Assert.False(change.Append([pause]).Counted);
        }
        Assert.True(backend.Contended);
        Assert.Equal("running", store.Open(sweep.Id).Refresh().State);
        using (var change = backend.BeginChange(default))
        {
            Assert.Equal(Azure.Storage.Blobs.Models.LeaseState.Leased, journal.GetProperties().Value.LeaseState);
            backend.Rewind();
            backend.ReadEvents(exclusive: true);
            Assert.True(change.Append([pause]).Counted);
        }
        Assert.NotEqual(Azure.Storage.Blobs.Models.LeaseState.Leased, journal.GetProperties().Value.LeaseState);
        var state = store.Open(sweep.Id).Refresh();
        Assert.Equal(("paused", 1), (state.State, state.Runs.Count));
    }

    [StoreFact(Timeout = 60_000)]
    public async Task A_change_waits_for_anothers_lease_only_as_long_as_the_time_out()
    {
        await Task.Yield();
        var store = new SweepStore(new BlobStore(_container, Quick));
        var sweep = store.Create(Configs.Parse(Grid));
        var lease = BlobTestServer.Client(_container).GetAppendBlobClient($"sweeps/{sweep.Id}.journal").GetBlobLeaseClient();
        lease.Acquire(TimeSpan.FromSeconds(60));
        try
        {
            var clock = Stopwatch.StartNew();
            var e = Assert.Throws<SweepsException>(() => store.Open(sweep.Id).Claim("agent-2"));
            Assert.Equal(SweepsErrorKind.LockTimeout, e.Kind);
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
            Assert.Empty(store.Open(sweep.Id).Refresh().Runs);
        }
        finally { lease.Release(); }
        Assert.NotNull(store.Open(sweep.Id).Claim("agent-2"));
    }

    [StoreFact(Timeout = 60_000)]
    public async Task A_service_that_does_not_answer_is_retried_for_the_time_out_then_named_unavailable()
    {
        await Task.Yield();
        var port = Ports.Free(); // nothing listens there now
        var location = $"http://127.0.0.1:{port}/devstoreaccount1/nothing-here";
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<SweepsException>(() => new SweepStore(new BlobStore(location, Quick)).List());
        Assert.Equal(SweepsErrorKind.StoreUnavailable, e.Kind);
        Assert.Contains($"The Azure Blob store '{location}' is unavailable", e.Message);
        Assert.Contains("connection refused", e.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
    }
}

/// <summary>Credentials: each source Sweeps reads, and one clear error when one is refused, never showing it.</summary>
[NeedsService("azurite")]
[Collection(BlobCredentialsAlone.Name)]
public sealed class BlobCredentialSpecs : IDisposable
{
    const string Grid = "method: grid\nmetric: {name: loss}\nparameters:\n  a: {min: 1, max: 20}\n";
    const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    static readonly string[] Variables = ["AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_SAS_TOKEN", "AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT"];

    readonly string _container = BlobTestServer.NewContainer();
    readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);

    public BlobCredentialSpecs()
    {
        BlobTestServer.SignIn();
        BlobTestServer.Client(_container).CreateIfNotExists();
        foreach (var v in Variables) Environment.SetEnvironmentVariable(v, null);
    }

    public void Dispose()
    {
        foreach (var (v, value) in _saved) Environment.SetEnvironmentVariable(v, value);
        BlobTestServer.Drop(_container);
    }

    static StoreOptions Quick => new() { LockTimeout = TimeSpan.FromSeconds(2) };

    string Sas(BlobContainerSasPermissions permissions) =>
        BlobTestServer.Client(_container).GenerateSasUri(permissions, DateTimeOffset.UtcNow.AddHours(1)).Query.TrimStart('?');

    [StoreFact]
    public void A_wrong_key_is_one_clear_error_naming_where_it_came_from_and_never_showing_it()
    {
        Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING",
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])}");
        var e = Assert.Throws<SweepsException>(() => new SweepStore(new BlobStore(_container, Quick)).Create(Configs.Parse(Grid)));
        Assert.Equal(SweepsErrorKind.StoreUnavailable, e.Kind);
        Assert.Contains($"The store '{_container}' refused the credential from AZURE_STORAGE_CONNECTION_STRING", e.Message);
        Assert.DoesNotContain(Convert.ToBase64String(new byte[64]), e.ToString());
    }

    [StoreFact]
    public void A_key_for_another_account_is_named_before_anything_is_sent()
    {
        Environment.SetEnvironmentVariable("AZURE_STORAGE_ACCOUNT", "someoneelse");
        Environment.SetEnvironmentVariable("AZURE_STORAGE_KEY", Key);
        var e = Assert.Throws<SweepsException>(() => new BlobStore(_container, Quick));
        Assert.Contains("AZURE_STORAGE_KEY is the key of the account 'someoneelse'", e.Message);
        Environment.SetEnvironmentVariable("AZURE_STORAGE_ACCOUNT", "devstoreaccount1");
        Assert.Empty(new SweepStore(new BlobStore(_container, Quick)).List());
    }

    [StoreFact]
    public void No_credential_over_http_says_which_variables_to_set()
    {
        var e = Assert.Throws<SweepsException>(() => new SweepStore(_container).List());
        Assert.Contains("AZURE_STORAGE_CONNECTION_STRING", e.Message);
        Assert.Contains("No credential", e.Message);
    }

    [StoreFact]
    public void A_sas_in_the_location_or_in_AZURE_STORAGE_SAS_TOKEN_works_and_is_never_printed()
    {
        var sas = Sas(BlobContainerSasPermissions.All);
        var store = new SweepStore($"{_container}?{sas}");
        Assert.Equal(_container, store.Location);
        var sweep = store.Create(Configs.Parse(Grid));
        Assert.DoesNotContain("sig=", sweep.Location);
        Assert.NotNull(sweep.Claim("agent-1"));
        Environment.SetEnvironmentVariable("AZURE_STORAGE_SAS_TOKEN", "?" + sas);
        Assert.Single(new SweepStore(_container).Open(sweep.Id).Refresh().Runs);
    }

    [StoreFact]
    public void A_sas_that_may_only_read_is_named_as_missing_permission()
    {
        Environment.SetEnvironmentVariable("AZURE_STORAGE_SAS_TOKEN", Sas(BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List));
        var e = Assert.Throws<SweepsException>(() => new SweepStore(new BlobStore(_container, Quick)).Create(Configs.Parse(Grid)));
        Assert.Equal(SweepsErrorKind.StoreUnavailable, e.Kind);
        Assert.Contains("AZURE_STORAGE_SAS_TOKEN", e.Message);
        Assert.DoesNotContain("sig=", e.ToString());
    }
}
