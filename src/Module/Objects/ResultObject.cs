using System.Management.Automation;
using Sweeps.Engine.Results;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;

namespace Sweeps;

/// <summary>
/// Builds the result object of a run: parameters and summary metrics are properties of the object itself
/// (<c>$r.lr</c>, <c>$r.loss</c>) so Sort-Object, Where-Object and Export-Csv work directly. Its default view shows
/// the id, state, parameters, the sweep's metric and runtime.
/// </summary>
internal static class ResultObject
{
    public const string TypeName = "Sweeps.RunResult";

    public static PSObject From(SweepState sweep, RunRecord run)
    {
        var o = new PSObject();
        o.TypeNames.Insert(0, TypeName);
        void Add(string name, object? value) => o.Properties.Add(new PSNoteProperty(name, value));
        Add("SweepId", sweep.Id);
        Add("Id", run.Id);
        Add("Number", run.Number);
        Add("State", run.State.ToName());
        var display = new List<string> { "Number", "Id", "State" };
        foreach (var column in ResultColumns.For(sweep.Config, run))
        {
            Add(column.Name, PowerShellValues.ToPowerShell(column.Value));
            if (column.IsParameter || column.Name == sweep.Config.Metric?.Name) display.Add(column.Name);
        }
        Add("Runtime", run.Runtime is { } t ? Math.Round(t.TotalSeconds, 3) : (double?)null); // seconds, like W&B's _runtime
        Add("Created", run.Created);
        Add("Error", run.Error);
        display.Add("Runtime");
        o.Members.Add(new PSMemberSet("PSStandardMembers", [new PSPropertySet("DefaultDisplayPropertySet", display)]));
        return o;
    }
}
