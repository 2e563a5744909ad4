using System.Globalization;
using System.Text;

namespace Sweeps.Engine.Space;

/// <summary>
/// Where a value sits in a tree, as problems name it: keys joined by '.', list items as <c>[i]</c>
/// (<c>parameters.lr.values[2]</c>). A walk pushes and pops steps as it descends and makes text only when a problem
/// needs it, so walking a large tree builds no strings.
/// </summary>
public sealed class KeyPath
{
    readonly List<(string? Key, int Index)> _steps = [];

    /// <summary>How many steps down the walk is (0 at the root).</summary>
    public int Depth => _steps.Count;

    /// <summary>Steps down into a mapping's key.</summary>
    public void Push(string key) => _steps.Add((key, 0));

    /// <summary>Steps down into a list's item.</summary>
    public void Push(int index) => _steps.Add((null, index));

    /// <summary>Steps back up.</summary>
    public void Pop() => _steps.RemoveAt(_steps.Count - 1);

    /// <summary>The path as problems name it, e.g. <c>parameters.lr.values[2]</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var (key, index) in _steps)
        {
            if (key is null) sb.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
            else (sb.Length == 0 ? sb : sb.Append('.')).Append(key);
        }
        return sb.ToString();
    }

    /// <summary>The path of <paramref name="key"/> inside the value at <paramref name="parent"/>.</summary>
    internal static string Child(string parent, string key) => parent.Length == 0 ? key : parent + "." + key;

    /// <summary>The path of item <paramref name="index"/> of the list at <paramref name="parent"/>.</summary>
    public static string Item(string parent, int index) => $"{parent}[{index.ToString(CultureInfo.InvariantCulture)}]";
}
