using System.Collections;
using Sweeps.Engine.Config;

namespace Sweeps.Commands;

/// <summary>Reads a config from a file path (YAML or JSON) or a hashtable, the two ways cmdlets take one.</summary>
internal static class ConfigInput
{
    public static ConfigDocument Read(string? path, IDictionary? config, Func<string, string> resolvePath)
    {
        if (path is not null) return YamlConfigReader.ReadFile(resolvePath(path));
        if (config is null) throw new Engine.SweepsException(Engine.SweepsErrorKind.InvalidArgument, "Give -Path or -Config.");
        try
        {
            // Shared parts of a hashtable count at each use, as YAML aliases do: a small table cannot stand for a huge config.
            return new ConfigDocument(PowerShellValues.ToMap(config, Engine.Limits.MaxConfigNodes)!, isInput: true);
        }
        catch (PowerShellValues.ShapeException e)
        {
            throw new InvalidConfigException([new ConfigProblem(e.Path, e.Problem)], "-Config");
        }
    }
}
