using System.Management.Automation;
using Sweeps.Engine;

namespace Sweeps;

/// <summary>The one place engine failures become ErrorRecords, each kind with a stable id and a specific category.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(SweepsException e, object? target) => new(
        exception: e,
        errorId: Id(e.Kind),
        errorCategory: Category(e.Kind),
        targetObject: target);

    public static ErrorRecord Create(string id, ErrorCategory category, string message, object? target) =>
        new(new InvalidOperationException(message), id, category, target);

    static string Id(SweepsErrorKind kind) => kind switch
    {
        SweepsErrorKind.InvalidConfig => "InvalidSweepConfig",
        SweepsErrorKind.ConfigNotFound => "ConfigFileNotFound",
        SweepsErrorKind.SweepNotFound => "SweepNotFound",
        SweepsErrorKind.SweepAmbiguous => "SweepAmbiguous",
        SweepsErrorKind.RunNotFound => "RunNotFound",
        SweepsErrorKind.SweepNotRunning => "SweepNotRunning",
        SweepsErrorKind.StoreCorrupt => "StoreCorrupt",
        SweepsErrorKind.StoreUnavailable => "StoreUnavailable",
        SweepsErrorKind.StoreFull => "StoreDiskFull",
        SweepsErrorKind.LockTimeout => "StoreLockTimeout",
        SweepsErrorKind.ProgramNotFound => "ProgramNotFound",
        SweepsErrorKind.AgentFailing => "AgentStoppedOnFailures",
        SweepsErrorKind.InvalidTransition => "InvalidSweepTransition",
        SweepsErrorKind.SweepInUse => "SweepInUse",
        SweepsErrorKind.InvalidMetric => "InvalidSweepMetric",
        SweepsErrorKind.UnknownConfigKey => "UnknownConfigKey",
        SweepsErrorKind.PortInUse => "DashboardPortInUse",
        _ => "InvalidArgument",
    };

    static ErrorCategory Category(SweepsErrorKind kind) => kind switch
    {
        SweepsErrorKind.InvalidConfig => ErrorCategory.InvalidData,
        SweepsErrorKind.ConfigNotFound => ErrorCategory.ObjectNotFound,
        SweepsErrorKind.SweepNotFound => ErrorCategory.ObjectNotFound,
        SweepsErrorKind.SweepAmbiguous => ErrorCategory.InvalidArgument,
        SweepsErrorKind.RunNotFound => ErrorCategory.ObjectNotFound,
        SweepsErrorKind.SweepNotRunning => ErrorCategory.InvalidOperation,
        SweepsErrorKind.StoreCorrupt => ErrorCategory.InvalidData,
        SweepsErrorKind.StoreUnavailable => ErrorCategory.ResourceUnavailable,
        SweepsErrorKind.StoreFull => ErrorCategory.WriteError,
        SweepsErrorKind.LockTimeout => ErrorCategory.ResourceBusy,
        SweepsErrorKind.ProgramNotFound => ErrorCategory.ObjectNotFound,
        SweepsErrorKind.AgentFailing => ErrorCategory.OperationStopped,
        SweepsErrorKind.InvalidTransition => ErrorCategory.InvalidOperation,
        SweepsErrorKind.SweepInUse => ErrorCategory.ResourceBusy,
        SweepsErrorKind.InvalidMetric => ErrorCategory.InvalidData,
        SweepsErrorKind.UnknownConfigKey => ErrorCategory.ObjectNotFound,
        SweepsErrorKind.PortInUse => ErrorCategory.ResourceUnavailable,
        _ => ErrorCategory.InvalidArgument,
    };
}
