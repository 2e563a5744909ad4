using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Sweeps.Engine.Store;

namespace Sweeps.Engine.Dashboard;

/// <summary>
/// The live dashboard: a small web server (.NET's own HttpListener: nothing to install, and it runs inside pwsh,
/// where ASP.NET Core's framework cannot be loaded) on loopback by default. It serves one page, which asks for the
/// sweep's data every second or so and redraws when it changed (an ETag makes an unchanged answer a 304), so runs
/// written by agents in other processes or on other machines appear without a reload, from any store. Read-only
/// unless <see cref="AllowControl"/>: then the page may pause, resume, stop and cancel sweeps.
/// </summary>
public sealed class DashboardServer : IDisposable
{
    readonly SweepStore _store;
    readonly string? _plotly;
    readonly HttpListener _listener = new();
    readonly ConcurrentDictionary<string, Watched> _sweeps = new();

    // A sweep the page looks at: its handle (catching up incrementally), and the last document built, with what it was built from.
    sealed class Watched(SweepHandle handle)
    {
        public readonly SweepHandle Handle = handle;
        public string? Token, Json;
    }
    readonly HistoryCache _histories = new();
    readonly bool _loopbackOnly;

    /// <summary>Serves the dashboard of a store's sweeps until disposed.</summary>
    /// <param name="store">The store whose sweeps the page shows.</param>
    /// <param name="address">The address to listen on (0.0.0.0, ::, * or + for every interface).</param>
    /// <param name="port">The port to listen on.</param>
    /// <param name="allowControl">Whether the page may pause, resume and stop sweeps.</param>
    /// <param name="plotly">plotly.js, served to the page (null: the page shows tables only).</param>
    public DashboardServer(SweepStore store, string address, int port, string? plotly, bool allowControl)
    {
        _store = store;
        _plotly = plotly;
        AllowControl = allowControl;
        // Every interface is "+" to HttpListener, however the user spells it; the address shown is then this machine's name.
        var everywhere = address is "0.0.0.0" or "::" or "*" or "+";
        _loopbackOnly = address == "localhost" || IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip);
        var host = everywhere ? Environment.MachineName : address.Contains(':') ? $"[{address}]" : address;
        Url = $"http://{host}:{port}/";
        _listener.Prefixes.Add(everywhere ? $"http://+:{port}/" : Url);
        try { _listener.Start(); }
        catch (HttpListenerException e)
        {
            var inUse = e.ErrorCode is 98 or 48 or 10048 or 183 || e.Message.Contains("in use", StringComparison.OrdinalIgnoreCase);
            throw new SweepsException(inUse ? SweepsErrorKind.PortInUse : SweepsErrorKind.InvalidArgument,
                $"Cannot serve the dashboard at {Url}: {(inUse ? $"port {port} is in use by another program; choose another with -Port (--port)" : e.Message)}.", e);
        }
    }

    /// <summary>The address the dashboard is served at.</summary>
    public string Url { get; }

    /// <summary>Whether the page may pause, resume and stop sweeps.</summary>
    public bool AllowControl { get; }

    /// <summary>Answers requests until <paramref name="cancel"/> fires.</summary>
    public void Run(CancellationToken cancel)
    {
        using var stop = cancel.Register(() => { try { _listener.Stop(); } catch (ObjectDisposedException) { } });
        while (!cancel.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = _listener.GetContext(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { break; }
            ThreadPool.QueueUserWorkItem(_ => Answer(context));
        }
    }

    void Answer(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            response.Headers["X-Content-Type-Options"] = "nosniff";
            response.Headers["Cache-Control"] = "no-cache";
            // Another site's page cannot read or change anything here: no CORS headers, and on loopback a page
            // reached through another name (DNS rebinding) is refused. Served to the network, it is there to be reached.
            if (_loopbackOnly && !AddressedByNumber(context.Request)) { Send(response, 403, "text/plain", "Forbidden: open the dashboard through the address it printed."); return; }
            var path = context.Request.Url?.AbsolutePath.TrimEnd('/') ?? "";
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            switch (context.Request.HttpMethod, parts)
            {
                case ("GET", []):
                    response.Headers["Content-Security-Policy"] = DashboardPage.Policy;
                    Send(response, 200, "text/html; charset=utf-8", DashboardPage.Live(AllowControl));
                    break;
                case ("GET", ["assets", "plotly.min.js"]) when _plotly is not null:
                    Send(response, 200, "text/javascript; charset=utf-8", _plotly);
                    break;
                case ("GET", ["api", "sweeps"]):
                    Json(context, DashboardData.List(_store));
                    break;
                case ("GET", ["api", "sweeps", var id]):
                    Json(context, With(id, Current));
                    break;
                case ("GET", ["api", "sweeps", var id, "runs", var run, "log"]):
                    Send(response, 200, "text/plain; charset=utf-8", With(id, w => Log(w.Handle, run)));
                    break;
                case ("POST", ["api", "sweeps", var id, var verb]) when Transitions.ContainsKey(verb):
                    Control(context, id, Transitions[verb]);
                    break;
                default:
                    Send(response, 404, "text/plain", "Not found.");
                    break;
            }
        }
        catch (SweepsException e)
        {
            var status = e.Kind switch
            {
                SweepsErrorKind.SweepNotFound or SweepsErrorKind.RunNotFound => 404,
                SweepsErrorKind.InvalidArgument => 400,
                SweepsErrorKind.InvalidTransition => 409,
                _ => 503, // the store could not be read: the page says so and asks again
            };
            Send(response, status, "text/plain; charset=utf-8", e.Message);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException) { } // the browser went away
        finally
        {
            try { response.Close(); } catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException) { }
        }
    }

    static readonly Dictionary<string, SweepTransition> Transitions = new()
    {
        ["pause"] = SweepTransition.Pause, ["resume"] = SweepTransition.Resume, ["stop"] = SweepTransition.Stop, ["cancel"] = SweepTransition.Cancel,
    };

    void Control(HttpListenerContext context, string id, SweepTransition transition)
    {
        // A form on another site can post here but cannot add this header without a preflight, which is never granted.
        if (!AllowControl || context.Request.Headers["X-Sweeps-Control"] != "1")
        {
            Send(context.Response, 403, "text/plain", AllowControl ? "Forbidden." : "The dashboard is read-only: start it with -AllowControl (--allow-control) to pause, resume, stop or cancel from the page.");
            return;
        }
        var state = With(id, w => w.Handle.Transition(transition, "from the dashboard").State);
        Send(context.Response, 200, "application/json", $"{{\"state\":\"{state}\"}}");
    }

    T With<T>(string id, Func<Watched, T> read)
    {
        var watched = _sweeps.GetOrAdd(id, key => new Watched(_store.Open(key)));
        lock (watched) return read(watched); // a handle catches up incrementally, one reader at a time
    }

    // The document is built again only when something it shows changed: a page asks every second, mostly for nothing.
    string Current(Watched watched)
    {
        var token = DashboardData.ChangeToken(watched.Handle, _histories, out var state);
        if (token != watched.Token || watched.Json is null) (watched.Json, watched.Token) = (DashboardData.Build(watched.Handle, state, _histories), token);
        return watched.Json;
    }

    static string Log(SweepHandle handle, string run) => DashboardData.Output(handle, run, 64 * 1024) ?? "(no output kept for this run)";

    static void Json(HttpListenerContext context, string json)
    {
        var tag = "\"" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16] + "\"";
        context.Response.Headers["ETag"] = tag;
        if (context.Request.Headers["If-None-Match"] == tag) { context.Response.StatusCode = 304; return; }
        Send(context.Response, 200, "application/json; charset=utf-8", json);
    }

    static void Send(HttpListenerResponse response, int status, string type, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = type;
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes);
    }

    // A page that reached this server through a name it controls (DNS rebinding) sends that name as Host: only an
    // address or localhost is answered.
    static bool AddressedByNumber(HttpListenerRequest request)
    {
        var host = request.UserHostName ?? "";
        var name = host.StartsWith('[') ? host[1..Math.Max(1, host.IndexOf(']'))] : host.Split(':')[0];
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(name, out _);
    }

    /// <summary>Stops serving.</summary>
    public void Dispose()
    {
        try { _listener.Close(); } catch (ObjectDisposedException) { }
    }
}
