namespace Sweeps.Engine;

/// <summary>What went wrong, coarsely: the module maps each kind to one stable error id and category.</summary>
public enum SweepsErrorKind
{
    InvalidConfig,
    ConfigNotFound,
    SweepNotFound,
    SweepAmbiguous,
    RunNotFound,
    SweepNotRunning,
    StoreCorrupt,
    StoreUnavailable,
    /// <summary>The store's disk (or quota) is full.</summary>
    StoreFull,
    LockTimeout,
    InvalidArgument,
    ProgramNotFound,
    AgentFailing,
    InvalidTransition,
    SweepInUse,
    InvalidMetric,
    /// <summary>A training block read a key its run's config does not have.</summary>
    UnknownConfigKey,
    /// <summary>The dashboard's port is taken by another program.</summary>
    PortInUse,
}

/// <summary>The one exception type the engine throws on purpose; <see cref="Kind"/> says which failure it is.</summary>
public class SweepsException : Exception
{
    public SweepsException(SweepsErrorKind kind, string message, Exception? inner = null) : base(message, inner) => Kind = kind;

    public SweepsErrorKind Kind { get; }
}
