using System.Collections;
using System.Management.Automation;
using Sweeps.Engine;
using Sweeps.Engine.Config;

namespace Sweeps.Commands;

/// <summary>New-Sweep: validates a config and creates a sweep in the store.</summary>
[Cmdlet(VerbsCommon.New, "Sweep", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(SweepInfo))]
public sealed class NewSweepCommand : SweepsCmdlet
{
    const string PathSet = "Path", ConfigSet = "Config";

    /// <summary>A W&amp;B sweep config file, YAML or JSON.</summary>
    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, HelpMessage = "A W&B sweep config file, YAML or JSON.")]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>A hashtable with the keys of a W&amp;B sweep config.</summary>
    [Parameter(ParameterSetName = ConfigSet, Mandatory = true, Position = 0, HelpMessage = "A hashtable with the keys of a W&B sweep config.")]
    [ValidateNotNull]
    public IDictionary? Config { get; set; }

    /// <summary>The sweep's name; overrides the config's name.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateSweepName]
    public string? Name { get; set; }

    /// <summary>The seed; overrides the config's seed. Without either a seed is drawn and recorded.</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long? Seed { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var source = ParameterSetName == PathSet ? Path : "-Config";
        try
        {
            var doc = ConfigInput.Read(ParameterSetName == PathSet ? Path : null, Config, GetUnresolvedProviderPathFromPSPath);
            var config = SweepConfigParser.Parse(doc, out var warnings);
            foreach (var w in warnings) WriteWarning(w.ToString());
            var store = OpenStore();
            if (!ShouldProcess(store.Location, $"Create a {config.Method} sweep from {source}")) return;
            var handle = store.Create(config, doc.Text, Name, Seed);
            WriteObject(SweepInfo.From(store, handle, handle.Refresh()));
        }
        catch (SweepsException e)
        {
            WriteError(e, source);
        }
    }
}
