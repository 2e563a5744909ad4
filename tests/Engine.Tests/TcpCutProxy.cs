using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sweeps.Engine.Tests;

/// <summary>
/// A TCP proxy on loopback in front of a server, which can lose one answer on purpose: armed with a marker, it
/// forwards the next client message that holds the marker to the server, lets the server act on it, then closes the
/// connection without passing the answer on. The client is left not knowing whether what it sent was done (a commit
/// whose answer was lost to a broken connection).
/// </summary>
public sealed class TcpCutProxy : IDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly IPEndPoint _server;
    readonly CancellationTokenSource _stop = new();
    string? _marker;
    int _cuts;

    public TcpCutProxy(string host, int port)
    {
        _server = new IPEndPoint(IPAddress.Parse(host), port);
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many answers were lost so far.</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    /// <summary>Loses the answer to the next client message holding <paramref name="marker"/> (once).</summary>
    public void CutAfter(string marker) => Volatile.Write(ref _marker, marker);

    async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            _ = Task.Run(() => Pipe(client));
        }
    }

    async Task Pipe(TcpClient client)
    {
        using var server = new TcpClient();
        using (client)
        {
            try
            {
                await server.ConnectAsync(_server, _stop.Token);
                var link = new Link();
                var up = Forward(client.GetStream(), server.GetStream(), link, inspect: true);
                var down = Forward(server.GetStream(), client.GetStream(), link, inspect: false);
                await Task.WhenAny(up, down);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
        }
    }

    sealed class Link
    {
        public volatile bool Swallowing; // answers from the server go nowhere
    }

    // Client to server: a chunk holding the marker is sent on, the answers are swallowed from then on, and the
    // connection is cut once the server had time to act. Server to client: passed on until then.
    async Task Forward(Stream from, Stream to, Link link, bool inspect)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var n = await from.ReadAsync(buffer, _stop.Token);
            if (n == 0) return;
            var marker = inspect ? Volatile.Read(ref _marker) : null;
            var cutting = marker is not null && Encoding.UTF8.GetString(buffer, 0, n).Contains(marker, StringComparison.Ordinal)
                && Interlocked.CompareExchange(ref _marker, null, marker) == marker;
            if (cutting) link.Swallowing = true;
            if (!inspect && link.Swallowing) continue;
            await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            if (!cutting) continue;
            await Task.Delay(500); // the server acts meanwhile; its answer goes nowhere
            Interlocked.Increment(ref _cuts);
            return;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
