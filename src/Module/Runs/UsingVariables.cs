using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Sweeps;

/// <summary>
/// <c>$using:name</c> in a training scriptblock, as ForEach-Object -Parallel has it: the caller's value of the
/// variable when the agent starts. A block re-created from its text in a worker runspace has no caller to take
/// them from, so each reference is rewritten to a plain variable (<c>$__sweepsUsing0</c>, ...) that the launcher
/// defines before the block runs. Objects are passed by reference, not copied, as with ForEach-Object -Parallel.
/// </summary>
internal sealed class UsingVariables
{
    public const string Prefix = "__sweepsUsing";

    /// <summary>PowerShell that defines the rewritten variables from a <c>$__sweepsUsing</c> parameter holding <see cref="Values"/>.</summary>
    public const string DefineVariables = "foreach ($__sweepsName in $__sweepsUsing.Keys) { Set-Variable -Name $__sweepsName -Value $__sweepsUsing[$__sweepsName] }";

    UsingVariables(string text, Hashtable values) => (Text, Values) = (text, values);

    /// <summary>The block's text with every <c>$using:</c> reference rewritten.</summary>
    public string Text { get; }

    /// <summary>The rewritten names and the caller's values, for the launcher to define.</summary>
    public Hashtable Values { get; }

    public bool Any => Values.Count > 0;

    /// <summary>Reads the references of <paramref name="block"/> from <paramref name="caller"/>; throws when one is not set there.</summary>
    public static UsingVariables Of(ScriptBlock block, SessionState caller)
    {
        // A function's block (${function:Train}) has the whole definition as its Ast: its body is what runs.
        var root = block.Ast as ScriptBlockAst ?? ((FunctionDefinitionAst)block.Ast).Body;
        var references = root.FindAll(a => a is UsingExpressionAst u && !IsSentAway(u, root), searchNestedScriptBlocks: true)
            .Select(a => UsingExpressionAst.ExtractUsingVariable((UsingExpressionAst)a))
            .OrderByDescending(v => v.Extent.StartOffset)
            .ToList();
        var values = new Hashtable(StringComparer.OrdinalIgnoreCase);
        if (references.Count == 0) return new UsingVariables(block.ToString(), values);

        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var text = root.Extent.Text;
        foreach (var reference in references)
        {
            var name = reference.VariablePath.UserPath;
            if (!names.TryGetValue(name, out var rewritten))
            {
                var variable = caller.PSVariable.Get(name)
                    ?? throw new UsingVariableUndefinedException($"The value of the using variable '$using:{name}' cannot be retrieved because it has not been set in the local session.");
                rewritten = names[name] = Prefix + names.Count;
                values[rewritten] = variable.Value;
            }
            var start = reference.Extent.StartOffset - root.Extent.StartOffset;
            // Braced, so a name character right after the reference ("${using:x}_a") does not join the name.
            text = $"{text[..start]}${{{rewritten}}}{text[(start + reference.Extent.Text.Length)..]}";
        }
        // A nested or function body's Ast includes its braces; the text to run does not.
        if (text.StartsWith('{') && text.EndsWith('}') && root.Parent is not null) text = text[1..^1];
        // Parameters declared outside a function's body (function Train($Run) { ... }) go back in as a param block.
        if (block.Ast is FunctionDefinitionAst { Parameters: { Count: > 0 } parameters })
            text = $"param({string.Join(", ", parameters.Select(p => p.Extent.Text))})\n{text}";
        return new UsingVariables(text, values);
    }

    // $using: inside a block handed to a command that runs it elsewhere (ForEach-Object -Parallel, Invoke-Command,
    // Start-Job, Start-ThreadJob) refers to the scope that runs that command, not to the agent's caller.
    static bool IsSentAway(UsingExpressionAst reference, ScriptBlockAst root)
    {
        for (var ast = reference.Parent; ast is not null && ast != root; ast = ast.Parent)
        {
            if (ast is not ScriptBlockExpressionAst { Parent: CommandAst or CommandParameterAst } nested) continue;
            var command = nested.Parent as CommandAst ?? (CommandAst)nested.Parent.Parent;
            var name = command.GetCommandName();
            if (name is not null && (RunsElsewhere.Contains(name)
                || ForEachObject.Contains(name) && command.CommandElements.OfType<CommandParameterAst>().Any(p => "Parallel".StartsWith(p.ParameterName, StringComparison.OrdinalIgnoreCase) && p.ParameterName.Length >= 2)))
                return true;
        }
        return false;
    }

    static readonly HashSet<string> ForEachObject = new(StringComparer.OrdinalIgnoreCase) { "ForEach-Object", "%", "foreach" };
    static readonly HashSet<string> RunsElsewhere = new(StringComparer.OrdinalIgnoreCase) { "Invoke-Command", "icm", "Start-Job", "sajb", "Start-ThreadJob", "Start-RSJob" };
}

internal sealed class UsingVariableUndefinedException(string message) : InvalidOperationException(message);
