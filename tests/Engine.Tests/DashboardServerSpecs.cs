using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Sweeps.Engine.Dashboard;
using Sweeps.Engine.Store;

namespace Sweeps.Engine.Tests;

/// <summary>The dashboard's server over HTTP, on every kind of store: what it answers, what it refuses.</summary>
public sealed class DashboardServerSpecs : IDisposable
{
    readonly TempStore _temp = new();
    readonly HttpClient _http = new();

    public void Dispose() { _http.Dispose(); _temp.Dispose(); }

    // A sweep with one finished run, served from the store at its location; the answer for that sweep.
    async Task<JsonElement> ServeOneRun(string location)
    {
        var store = new SweepStore(location);
        var sweep = store.Create(Configs.Parse("method: grid\nmetric: {name: loss}\nparameters:\n  x: {values: [1, 2]}\n"), null, seed: 1);
        var claim = sweep.Claim("test-agent")!;
        sweep.EndRun(new RunEnding(claim.Run.Id, Runs.RunState.Finished, new Dictionary<string, object?> { ["loss"] = 0.5 }, 1));
        await using var server = new ServedDashboard(store);
        var list = JsonDocument.Parse(await _http.GetStringAsync(server.Url + "api/sweeps")).RootElement;
        Assert.Contains(list.GetProperty("sweeps").EnumerateArray(), s => s.GetProperty("id").GetString() == sweep.Id);
        return JsonDocument.Parse(await _http.GetStringAsync(server.Url + "api/sweeps/" + sweep.Id)).RootElement;
    }

    static void AssertOneFinishedRun(JsonElement data)
    {
        var run = Assert.Single(data.GetProperty("runs").EnumerateArray());
        Assert.Equal("finished", run.GetProperty("state").GetString());
        Assert.Equal(0.5, run.GetProperty("metric").GetDouble());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_folder_store_is_served() => AssertOneFinishedRun(await ServeOneRun(_temp.Root));

    [PostgresFact(Timeout = 60_000)]
    public async Task A_postgresql_store_is_served() => AssertOneFinishedRun(await ServeOneRun(PostgresTestServer.ConnectionString));

    [AzuriteFact(Timeout = 60_000)]
    public async Task An_azure_blob_store_is_served()
    {
        BlobTestServer.SignIn();
        var container = BlobTestServer.NewContainer();
        try { AssertOneFinishedRun(await ServeOneRun(container)); }
        finally { BlobTestServer.Drop(container); }
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unchanged_sweep_is_a_304_an_unknown_one_a_404_and_a_page_reached_by_name_is_refused()
    {
        await Task.Yield();
        var sweep = _temp.Create("method: grid\nparameters:\n  x: {values: [1]}\n");
        await using var server = new ServedDashboard(_temp.Store, allowControl: true);
        var first = await _http.GetAsync(server.Url + "api/sweeps/" + sweep.Id);
        var tag = first.Headers.ETag!;
        using var again = new HttpRequestMessage(HttpMethod.Get, server.Url + "api/sweeps/" + sweep.Id);
        again.Headers.IfNoneMatch.Add(tag);
        Assert.Equal(HttpStatusCode.NotModified, (await _http.SendAsync(again)).StatusCode);
        sweep.Claim("test-agent"); // something changed: a new document
        using var changed = new HttpRequestMessage(HttpMethod.Get, server.Url + "api/sweeps/" + sweep.Id);
        changed.Headers.IfNoneMatch.Add(tag);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(changed)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(server.Url + "api/sweeps/nosuchid")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(server.Url + "api/sweeps/..%2F..%2Fetc")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(server.Url + "api/sweeps/" + sweep.Id + "/runs/..%2F..%2Fjournal/log")).StatusCode);
        // Control needs the page's header, which a form on another site cannot send.
        Assert.Equal(HttpStatusCode.Forbidden, (await _http.PostAsync(server.Url + "api/sweeps/" + sweep.Id + "/pause", new StringContent(""))).StatusCode);
        using var pause = new HttpRequestMessage(HttpMethod.Post, server.Url + "api/sweeps/" + sweep.Id + "/pause") { Content = new StringContent("") };
        pause.Headers.Add("X-Sweeps-Control", "1");
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(pause)).StatusCode);
        Assert.Equal("paused", _temp.Store.Open(sweep.Id).Refresh().State);
        // DNS rebinding: a page of another site reaching this port through its own name sends that name.
        using var rebound = new HttpRequestMessage(HttpMethod.Get, server.Url + "api/sweeps");
        rebound.Headers.Host = "attacker.example";
        Assert.NotEqual(HttpStatusCode.OK, (await _http.SendAsync(rebound)).StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Served_to_every_interface_it_answers_by_address_and_by_name()
    {
        await using var server = new ServedDashboard(_temp.Store, "0.0.0.0");
        Assert.Equal($"http://{Environment.MachineName}:", server.Url[..(server.Url.LastIndexOf(':') + 1)]);
        var port = new Uri(server.Url).Port;
        using var byName = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/api/sweeps");
        byName.Headers.Host = Environment.MachineName;
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(byName)).StatusCode);
    }

    [Fact]
    public void A_port_in_use_is_said_to_be_in_use()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var error = Assert.Throws<SweepsException>(() => new DashboardServer(_temp.Store, "127.0.0.1", port, null, false));
        Assert.Equal(SweepsErrorKind.PortInUse, error.Kind);
        Assert.Contains($"port {port} is in use", error.Message);
    }
}

/// <summary>A dashboard server on a free loopback port (or all interfaces), answering on its own thread until disposed.</summary>
public sealed class ServedDashboard : IAsyncDisposable
{
    readonly CancellationTokenSource _stop = new();
    readonly Task _running;

    public ServedDashboard(SweepStore store, string address = "127.0.0.1", string? plotly = null, bool allowControl = false)
    {
        Server = new DashboardServer(store, address, Ports.Free(), plotly, allowControl);
        _running = Task.Run(() => Server.Run(_stop.Token));
    }

    public DashboardServer Server { get; }

    public string Url => Server.Url;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _running;
        Server.Dispose();
        _stop.Dispose();
    }
}
