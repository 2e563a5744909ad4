using System.Collections.Concurrent;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace Sweeps;

/// <summary>
/// The table a sweep's results are shown in: Number, Id, State, each parameter, the metric and Runtime, as W&amp;B's
/// runs table. Parameters differ by sweep, so no format file can name them: a view for each set of columns is made
/// and registered in the session the first time it is needed. It is used when the columns fit the console;
/// otherwise PowerShell's list shows every property. Doubles show six significant digits (pwsh 7.6 tables show two
/// decimals: a learning rate of 1.05e-4 read 0.00).
/// </summary>
public static class ResultView
{
    static readonly ConcurrentDictionary<string, string[]> ColumnsOf = new();
    static readonly ConditionalWeakTable<Runspace, HashSet<string>> Registered = new();

    /// <summary>Gives each result the table view of its columns when they fit the console's width.</summary>
    internal static void Apply(PSCmdlet cmdlet, IEnumerable<PSObject> results)
    {
        var width = Width(cmdlet);
        var views = new Dictionary<string, string?>(); // a sweep's results share their columns: decided once per set
        foreach (var result in results)
        {
            var columns = ((result.Members["PSStandardMembers"] as PSMemberSet)?.Members["DefaultDisplayPropertySet"] as PSPropertySet)?.ReferencedPropertyNames.ToArray();
            if (columns is null) continue;
            var key = string.Join("\0", columns);
            if (!views.TryGetValue(key, out var typeName)) views[key] = typeName = ViewFor(cmdlet, columns, key, width);
            if (typeName is not null) result.TypeNames.Insert(0, typeName);
        }
    }

    // The view's type name for these columns, made and loaded into the session the first time; null when they do not fit.
    static string? ViewFor(PSCmdlet cmdlet, string[] columns, string key, int width)
    {
        if (!Fits(columns, width)) return null;
        var typeName = ResultObject.TypeName + "#" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..12];
        ColumnsOf.TryAdd(typeName, columns);
        return Register(cmdlet, typeName, columns) ? typeName : null;
    }

    /// <summary>A cell of the table: the value of the row's column, doubles with six significant digits.</summary>
    public static string? Cell(PSObject row, string typeName, int column)
    {
        if (!ColumnsOf.TryGetValue(typeName, out var columns) || column >= columns.Length) return null;
        return row.Properties[columns[column]]?.Value switch
        {
            null => null,
            double d => d.ToString("G6", CultureInfo.CurrentCulture),
            float f => f.ToString("G6", CultureInfo.CurrentCulture),
            var v => LanguagePrimitives.ConvertTo<string>(v),
        };
    }

    // A column is as wide as its name, and at least as a number in six digits or a run id.
    static bool Fits(string[] columns, int width) => columns.Sum(c => Math.Max(c.Length, 9) + 1) <= width;

    static int Width(PSCmdlet cmdlet)
    {
        try { return cmdlet.Host.UI.RawUI.BufferSize.Width is > 0 and var w ? w : 120; }
        catch (Exception e) when (e is NotImplementedException or System.Management.Automation.Host.HostException or NullReferenceException) { return 120; }
    }

    // Builds the view (no user text in any script: a cell names its column by number) and loads it into this session.
    static bool Register(PSCmdlet cmdlet, string typeName, string[] columns)
    {
        var runspace = Runspace.DefaultRunspace;
        if (runspace?.InitialSessionState is not { } session) return false;
        var seen = Registered.GetOrCreateValue(runspace);
        lock (seen)
        {
            if (seen.Contains(typeName)) return true;
            var table = TableControl.Create(outOfBand: false, autoSize: false, hideTableHeaders: false);
            foreach (var c in columns) table.AddHeader(c is "Number" or "Runtime" ? Alignment.Right : Alignment.Undefined, 0, c);
            var row = table.StartRowDefinition(false, null, null);
            for (var i = 0; i < columns.Length; i++) row.AddScriptBlockColumn($"[Sweeps.ResultView]::Cell($_, '{typeName}', {i})", Alignment.Undefined, null);
            var definition = new ExtendedTypeDefinition(typeName);
            definition.FormatViewDefinition.Add(new FormatViewDefinition(typeName, row.EndRowDefinition().EndTable()));
            session.Formats.Add(new SessionStateFormatEntry(definition));
            cmdlet.InvokeCommand.InvokeScript("Update-FormatData");
            seen.Add(typeName);
            return true;
        }
    }
}
