namespace Sweeps;

/// <summary>plotly.js, bundled into the module folder at build time (from npm); null when the build had no npm.</summary>
internal static class PlotlyScript
{
    public static string? Read()
    {
        var file = Path.Combine(Path.GetDirectoryName(typeof(PlotlyScript).Assembly.Location)!, "assets", "plotly.min.js");
        return File.Exists(file) ? File.ReadAllText(file) : null;
    }
}
