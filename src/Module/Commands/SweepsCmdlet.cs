using System.Management.Automation;
using Sweeps.Engine;
using Sweeps.Engine.Store;

namespace Sweeps.Commands;

/// <summary>What every Sweeps cmdlet shares: the -Store parameter and turning engine failures into ErrorRecords.</summary>
public abstract class SweepsCmdlet : PSCmdlet
{
    /// <summary>The store: a folder, a PostgreSQL location or an Azure Blob container URL. Default: $env:SWEEPS_STORE, else ./.sweeps.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Store { get; set; }

    private protected SweepStore OpenStore(string? root = null)
    {
        // A store that cannot be reached is waited for (a server restarting, a pod starting), but not in silence:
        // a warning says so at once, from the pipeline's thread (an agent's workers cannot write to the pipeline).
        var pipelineThread = Environment.CurrentManagedThreadId;
        var options = StoreOptions.Default with { Waiting = message => { if (Environment.CurrentManagedThreadId == pipelineThread) Warn(message); } };
        return new(StoreLocation.Resolve(root ?? Store, SessionState.Path.CurrentFileSystemLocation.ProviderPath), options);
    }

    // A handle can outlive its cmdlet (a SweepInfo kept in a variable): then there is nobody to warn.
    void Warn(string message)
    {
        try { WriteWarning(message); }
        catch (Exception e) when (e is InvalidOperationException or PipelineStoppedException) { }
    }

    private protected void WriteError(SweepsException e, object? target) => WriteError(ErrorRecords.From(e, target));

    /// <summary>
    /// Resolves what the user gave as a sweep: a SweepInfo (from the pipeline), an exact id, or a name with wildcards.
    /// A literal that matches nothing is a SweepNotFound error; a pattern that matches nothing returns nothing.
    /// </summary>
    private protected IEnumerable<(SweepStore Store, SweepHandle Handle)> ResolveSweeps(object input)
    {
        if (input is PSObject pso) input = pso.BaseObject;
        if (input is SweepInfo info)
        {
            var owner = OpenStore(Store is null ? info.Store : null);
            return [(owner, owner.Open(info.Id))];
        }
        var text = LanguagePrimitives.ConvertTo<string>(input);
        var store = OpenStore();
        if (!WildcardPattern.ContainsWildcardCharacters(text) && store.Exists(text)) return [(store, store.Open(text))];
        var pattern = new WildcardPattern(text, WildcardOptions.IgnoreCase);
        var matches = store.List().Where(h => pattern.IsMatch(h.Id) || pattern.IsMatch(h.Refresh().Name)).ToList();
        if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(text))
            throw new SweepsException(SweepsErrorKind.SweepNotFound, $"No sweep with id or name '{text}' in the store '{store.Location}'.");
        return matches.Select(h => (store, h));
    }

    /// <summary>Like <see cref="ResolveSweeps"/> but for commands that act on exactly one sweep per input.</summary>
    private protected (SweepStore Store, SweepHandle Handle) ResolveOneSweep(object input)
    {
        var matches = ResolveSweeps(input).ToList();
        if (matches.Count == 1) return matches[0];
        if (matches.Count == 0)
            throw new SweepsException(SweepsErrorKind.SweepNotFound, $"No sweep matches '{input}' in the store '{OpenStore().Location}'.");
        throw new SweepsException(SweepsErrorKind.SweepAmbiguous,
            $"'{input}' matches {matches.Count} sweeps ({string.Join(", ", matches.Select(m => m.Handle.Id))}); give one id.");
    }
}
