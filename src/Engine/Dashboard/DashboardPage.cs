using System.Reflection;

namespace Sweeps.Engine.Dashboard;

/// <summary>
/// The one page of the dashboard and the report: live, it asks the server for data; exported, the data and plotly.js
/// are inside the file, which then works offline and from anywhere.
/// </summary>
public static class DashboardPage
{
    /// <summary>What the page may load: its own scripts and data, nothing from elsewhere.</summary>
    public const string Policy = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'";

    static readonly Lazy<string> Template = new(() =>
    {
        using var stream = typeof(DashboardPage).Assembly.GetManifestResourceStream("Sweeps.Engine.Dashboard.dashboard.html")
            ?? throw new InvalidOperationException("The dashboard page is missing from the engine.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The page the server serves: it loads plotly.js and the data from the server.</summary>
    internal static string Live(bool allowControl) => Fill(
        "<script src=\"assets/plotly.min.js\"></script>",
        $$"""{ "live": true, "control": {{(allowControl ? "true" : "false")}} }""",
        "null");

    /// <summary>The report: one file with the data of one sweep and plotly.js (or none: tables only).</summary>
    public static string Static(string dataJson, string? plotly) => Fill(
        string.IsNullOrEmpty(plotly) ? "" : "<script>" + plotly.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase) + "</script>",
        """{ "live": false, "control": false }""",
        Inert(dataJson));

    // Data inside a <script> element must not end it, nor open a comment the parser treats specially.
    static string Inert(string json) => json.Replace("</", "<\\/").Replace("<!--", "<\\!--");

    static string Fill(string plotlyTag, string mode, string data) =>
        Template.Value.Replace("<!--PLOTLY-->", plotlyTag).Replace("/*MODE*/null", mode).Replace("/*DATA*/null", data);
}
