namespace Sweeps.Engine.Search;

/// <summary>The parameters a search method proposes for the next run, nested as the run sees them.</summary>
internal sealed record Suggestion(Dictionary<string, object?> Config);
