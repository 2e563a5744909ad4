namespace Sweeps.Engine.Config;

/// <summary>A config with one or more problems; the message lists every one of them.</summary>
public sealed class InvalidConfigException : SweepsException
{
    /// <summary>An exception for these problems in the config from <paramref name="source"/> (a file, or null).</summary>
    public InvalidConfigException(IReadOnlyList<ConfigProblem> problems, string? source = null)
        : base(SweepsErrorKind.InvalidConfig, Describe(problems, source)) => Problems = problems;

    /// <summary>Every problem found, in the order found.</summary>
    public IReadOnlyList<ConfigProblem> Problems { get; }

    static string Describe(IReadOnlyList<ConfigProblem> problems, string? source) =>
        $"The sweep config{(source is null ? "" : $" '{source}'")} has {problems.Count} problem{(problems.Count == 1 ? "" : "s")}:"
        + string.Concat(problems.Select(p => Environment.NewLine + "  " + p));
}
