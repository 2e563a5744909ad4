using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Sweeps.Engine;
using Sweeps.Engine.Store;

namespace Sweeps;

/// <summary>Completes sweep ids (with the name as tooltip) from the store the command line names, or the default store.</summary>
public sealed class SweepCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var cwd = Environment.CurrentDirectory;
        try
        {
            using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
            cwd = ps.AddCommand("Get-Location").Invoke<PathInfo>().FirstOrDefault()?.ProviderPath ?? cwd;
        }
        catch (Exception) { }
        var root = StoreLocation.Resolve(fakeBoundParameters["Store"] as string, cwd);
        var prefix = wordToComplete.Trim('\'', '"');
        var results = new List<CompletionResult>();
        try
        {
            // A store that does not answer (a database server down) is given up on quickly: a tab press must not hang.
            foreach (var h in new SweepStore(root, new StoreOptions { LockTimeout = TimeSpan.FromSeconds(2) }).List())
            {
                var s = h.Refresh();
                if (!s.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && !s.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
                var name = Engine.Printable.Text(s.Name);
                results.Add(new CompletionResult(s.Id, $"{s.Id} ({name})", CompletionResultType.ParameterValue, $"{name}: {s.Config.Method}, {s.State}, {s.Runs.Count} runs"));
            }
        }
        catch (SweepsException) { }
        return results;
    }
}
