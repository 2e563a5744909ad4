using System.Collections;
using Sweeps.Engine.Config;

namespace Sweeps.Commands;

/// <summary>Reads a config from a file path (YAML or JSON) or a hashtable, the two ways cmdlets take one.</summary>
internal static class ConfigInput
{
    public static ConfigDocument Read(string? path, IDictionary? config, Func<string, string> resolvePath)
    {
        if (path is not null) return YamlConfigReader.ReadFile(resolvePath(path));
        if (PowerShellValues.ToMap(config) is { } map) return new ConfigDocument(map, isInput: true);
        throw new Engine.SweepsException(Engine.SweepsErrorKind.InvalidArgument, "Give -Path or -Config.");
    }
}
