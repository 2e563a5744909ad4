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

    UsingVariables(string text, Hashtable values) => (Text, Values) = (text, values);

    /// <summary>The block's text with every <c>$using:</c> reference rewritten.</summary>
    public string Text { get; }

    /// <summary>The rewritten names and the caller's values, for the launcher to define.</summary>
    public Hashtable Values { get; }

    public bool Any => Values.Count > 0;

    /// <summary>Reads the references of <paramref name="block"/> from <paramref name="caller"/>; throws when one is not set there.</summary>
    public static UsingVariables Of(ScriptBlock block, SessionState caller)
    {
        var ast = block.Ast;
        var references = ast.FindAll(a => a is UsingExpressionAst, searchNestedScriptBlocks: true)
            .Select(a => UsingExpressionAst.ExtractUsingVariable((UsingExpressionAst)a))
            .OrderByDescending(v => v.Extent.StartOffset)
            .ToList();
        var values = new Hashtable(StringComparer.OrdinalIgnoreCase);
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var text = ast.Extent.Text;
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
            var start = reference.Extent.StartOffset - ast.Extent.StartOffset;
            text = string.Concat(text.AsSpan(0, start), "$", rewritten, text.AsSpan(start + reference.Extent.Text.Length));
        }
        // A scriptblock literal's Ast includes its braces; its text (what ToString gives) does not.
        var body = block.ToString();
        if (ast.Extent.Text.Length == body.Length + 2 && ast.Extent.Text.StartsWith('{')) text = text[1..^1];
        return new UsingVariables(text, values);
    }
}

internal sealed class UsingVariableUndefinedException(string message) : InvalidOperationException(message);
