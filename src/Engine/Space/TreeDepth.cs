namespace Sweeps.Engine.Space;

/// <summary>
/// How deeply a tree value nests, against <see cref="Limits.MaxValueDepth"/> (a flat map is depth 1). Everything that
/// takes a value in (a config, a metric row) refuses a deeper one with this check, naming where, so nothing stored can
/// later be too deep to read back or to walk without running out of stack.
/// </summary>
public static class TreeDepth
{
    /// <summary>What a problem about a too-deep value says after its key path.</summary>
    public static readonly string Problem = $"nests deeper than {Limits.MaxValueDepth} levels of maps and lists, the most a value may have";

    /// <summary>The key path of the first map or list nested deeper than the limit, or null when the whole value is within it.</summary>
    internal static string? TooDeep(object? value)
    {
        var path = new KeyPath();
        return Find(value, path) ? path.ToString() : null;
    }

    // Depth-first; stops at the first container past the limit, so the walk itself never goes deeper than that.
    static bool Find(object? value, KeyPath path)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> map:
                if (path.Depth >= Limits.MaxValueDepth) return true;
                foreach (var (key, item) in map)
                {
                    path.Push(key);
                    if (Find(item, path)) return true;
                    path.Pop();
                }
                return false;
            case IEnumerable<object?> list:
                if (path.Depth >= Limits.MaxValueDepth) return true;
                var i = 0;
                foreach (var item in list)
                {
                    path.Push(i++);
                    if (Find(item, path)) return true;
                    path.Pop();
                }
                return false;
            default:
                return false;
        }
    }
}
