namespace Sweeps.Engine.Config;

/// <summary>How bad a config problem is: an error stops the sweep, a warning does not.</summary>
public enum ConfigSeverity
{
    /// <summary>The config cannot be used as it is.</summary>
    Error,
    /// <summary>The config works, but something in it is likely a mistake.</summary>
    Warning,
}

/// <summary>One problem found in a sweep config: the key path it is about, what is wrong, and the line when known.</summary>
public sealed record ConfigProblem(string Path, string Message, int? Line = null, ConfigSeverity Severity = ConfigSeverity.Error)
{
    /// <summary>The problem as one line; a control character from the config (in a key, a value) shows as <c>\xHH</c>.</summary>
    public override string ToString() =>
        Printable.Text((Line is int line ? $"line {line}: " : "") + (Path.Length == 0 ? Message : $"{Path}: {Message}"));
}
