using System.Management.Automation;
using Sweeps.Engine;
using Sweeps.Engine.Dashboard;

namespace Sweeps.Commands;

/// <summary>Export-SweepReport: the dashboard's page of one sweep as one self-contained HTML file that works offline.</summary>
[Cmdlet(VerbsData.Export, "SweepReport", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportSweepReportCommand : SweepTargetCmdlet
{
    /// <summary>The HTML file to write.</summary>
    [Parameter(Mandatory = true, Position = 1, HelpMessage = "The HTML file to write.")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Overwrites an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        try
        {
            var (_, handle) = ResolveOneSweep(Sweep);
            var target = GetUnresolvedProviderPathFromPSPath(Path);
            if (File.Exists(target) && !Force)
            {
                WriteError(ErrorRecords.Create("ReportExists", ErrorCategory.ResourceExists, $"'{target}' exists; use -Force to overwrite it.", target));
                return;
            }
            if (!ShouldProcess(target, $"Write the report of sweep {handle.Id}")) return;
            File.WriteAllText(target, DashboardPage.Static(DashboardData.Build(handle, outputBytes: 4096), PlotlyScript.Read()));
            WriteObject(new FileInfo(target));
        }
        catch (SweepsException e)
        {
            WriteError(e, Sweep);
        }
    }
}
