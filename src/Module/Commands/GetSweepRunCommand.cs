using System.Management.Automation;
using Sweeps.Engine;

namespace Sweeps.Commands;

/// <summary>Get-SweepRun: runs in full, with config, summary and every history row.</summary>
[Cmdlet(VerbsCommon.Get, "SweepRun")]
[OutputType(typeof(RunDetail))]
public sealed class GetSweepRunCommand : SweepsCmdlet
{
    /// <summary>The sweep: its id, its name, or a sweep object.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The sweep id, name, or object.")]
    [Alias("SweepId")]
    [ArgumentCompleter(typeof(SweepCompleter))]
    [ValidateNotNull]
    public object Sweep { get; set; } = "";

    /// <summary>Run ids (wildcards allowed); all runs when omitted.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Id { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        try
        {
            var (_, handle) = ResolveOneSweep(Sweep);
            var runs = handle.Observe().Runs;
            foreach (var id in Id ?? ["*"])
            {
                var pattern = new WildcardPattern(id, WildcardOptions.IgnoreCase);
                var matches = runs.Where(r => pattern.IsMatch(r.Id)).ToList();
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(id))
                    WriteError(new SweepsException(SweepsErrorKind.RunNotFound, $"No run '{id}' in sweep '{handle.Id}'."), id);
                foreach (var run in matches) WriteObject(RunDetail.From(handle, run));
            }
        }
        catch (SweepsException e)
        {
            WriteError(e, Sweep);
        }
    }
}
