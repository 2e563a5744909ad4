using System.Management.Automation;
using System.Reflection;
using Sweeps.Engine;
using Sweeps.Engine.Results;

namespace Sweeps.Commands;

/// <summary>Export-SweepReport: one self-contained HTML file (works offline) with the sweep's charts and tables.</summary>
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
            var html = Template.Replace("/*DATA*/", ReportData.Build(handle).Replace("</", "<\\/").Replace("<!--", "<\\!--"))
                               .Replace("/*PLOTLY*/", Plotly.Replace("</script", "<\\/script"));
            File.WriteAllText(target, html);
            WriteObject(new FileInfo(target));
        }
        catch (SweepsException e)
        {
            WriteError(e, Sweep);
        }
    }

    static string Template => Resource("Sweeps.Report.report.html");

    // plotly.js is bundled into the module folder at build time (from npm); without it the report has tables only.
    static string Plotly
    {
        get
        {
            var file = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(typeof(ExportSweepReportCommand).Assembly.Location)!, "assets", "plotly.min.js");
            return File.Exists(file) ? File.ReadAllText(file) : "";
        }
    }

    static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The report template '{name}' is missing from the module.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
