using System.Management.Automation;
using Sweeps.Engine;
using Sweeps.Engine.Dashboard;

namespace Sweeps.Commands;

/// <summary>
/// Start-SweepDashboard: serves the live dashboard of the store's sweeps until Ctrl+C or Stop-Job, on loopback by
/// default. Writes the dashboard's address first, so a job's Receive-Job gives it too.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "SweepDashboard")]
[OutputType(typeof(SweepDashboardInfo))]
public sealed class StartSweepDashboardCommand : SweepsCmdlet, IDisposable
{
    readonly CancellationTokenSource _stop = new();

    /// <summary>The sweep to open the page at (id, name or object); without it, the list of the store's sweeps.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [ArgumentCompleter(typeof(SweepCompleter))]
    public object? Sweep { get; set; }

    /// <summary>The TCP port to listen on.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = 8765;

    /// <summary>The address to listen on: loopback by default; another address lets other machines see the sweeps.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Lets the page pause, resume, stop and cancel sweeps (read-only without it).</summary>
    [Parameter]
    public SwitchParameter AllowControl { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        try
        {
            var store = OpenStore();
            var start = Sweep is null ? "" : "#/sweep/" + ResolveOneSweep(Sweep).Handle.Id;
            using var server = new DashboardServer(store, Address, Port, PlotlyScript.Read(), AllowControl);
            WriteObject(new SweepDashboardInfo(server.Url + start, store.Location, AllowControl));
            WriteInformation(new HostInformationMessage { Message = $"Dashboard: {server.Url + start} (read{(AllowControl ? " and control" : "-only")}; Ctrl+C stops it)" }, ["PSHOST"]);
            server.Run(_stop.Token);
        }
        catch (SweepsException e)
        {
            WriteError(e, Sweep);
        }
    }

    /// <inheritdoc/>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Releases the stop signal; PowerShell calls it when the pipeline ends.</summary>
    public void Dispose() => _stop.Dispose();
}

/// <summary>Where a dashboard serves.</summary>
public sealed record SweepDashboardInfo(string Url, string Store, bool AllowControl);
