using System.Collections;
using System.Management.Automation;
using Sweeps.Engine;
using Sweeps.Engine.Config;

namespace Sweeps.Commands;

/// <summary>Test-SweepConfig: every problem of a config as objects (path, message, line, severity); creates nothing.</summary>
[Cmdlet(VerbsDiagnostic.Test, "SweepConfig", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ConfigProblem), typeof(bool))]
public sealed class TestSweepConfigCommand : PSCmdlet
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

    /// <summary>Return only $true or $false (valid or not) instead of the problems.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        IReadOnlyList<ConfigProblem> problems;
        try
        {
            var doc = ConfigInput.Read(ParameterSetName == PathSet ? Path : null, Config, GetUnresolvedProviderPathFromPSPath);
            problems = SweepConfigParser.Validate(doc).Problems;
        }
        catch (InvalidConfigException e)
        {
            problems = e.Problems;
        }
        catch (SweepsException e)
        {
            WriteError(ErrorRecords.From(e, Path));
            return;
        }
        if (Quiet) WriteObject(problems.All(p => p.Severity != ConfigSeverity.Error));
        else WriteObject(problems, enumerateCollection: true);
    }
}
