namespace Sweeps.Engine;

/// <summary>What went wrong, coarsely: the module maps each kind to one stable error id and category.</summary>
public enum SweepsErrorKind
{
    /// <summary>The sweep config has problems (an <see cref="Config.InvalidConfigException"/> lists them).</summary>
    InvalidConfig,
    /// <summary>The sweep config file does not exist.</summary>
    ConfigNotFound,
    /// <summary>No sweep in the store has the id or name given.</summary>
    SweepNotFound,
    /// <summary>More than one sweep has the name given: use the id.</summary>
    SweepAmbiguous,
    /// <summary>The sweep has no run with the id or number given.</summary>
    RunNotFound,
    /// <summary>The sweep is paused, finished or canceled, so no run can be claimed.</summary>
    SweepNotRunning,
    /// <summary>The store holds data that cannot be read back (a broken journal, an unknown format).</summary>
    StoreCorrupt,
    /// <summary>The store cannot be reached or read (a server down, no permission).</summary>
    StoreUnavailable,
    /// <summary>The store's disk (or quota) is full.</summary>
    StoreFull,
    /// <summary>A sweep's lock was held by another agent for longer than the lock timeout.</summary>
    LockTimeout,
    /// <summary>An argument is not valid (a name, a location, a number out of range).</summary>
    InvalidArgument,
    /// <summary>The program, its interpreter or its working directory does not exist.</summary>
    ProgramNotFound,
    /// <summary>The agent stopped because its runs kept failing.</summary>
    AgentFailing,
    /// <summary>The sweep cannot go to the state asked from the state it is in.</summary>
    InvalidTransition,
    /// <summary>The sweep has running runs, so it cannot be removed without force.</summary>
    SweepInUse,
    /// <summary>A logged metric row is not valid (not an object, a bad key or value).</summary>
    InvalidMetric,
    /// <summary>A training block read a key its run's config does not have.</summary>
    UnknownConfigKey,
    /// <summary>The dashboard's port is taken by another program.</summary>
    PortInUse,
}

/// <summary>The one exception type the engine throws on purpose; <see cref="Kind"/> says which failure it is.</summary>
public class SweepsException : Exception
{
    /// <summary>An error of this kind with a message for people.</summary>
    public SweepsException(SweepsErrorKind kind, string message, Exception? inner = null) : base(message, inner) => Kind = kind;

    /// <summary>Which failure this is: the module maps it to an error id and category.</summary>
    public SweepsErrorKind Kind { get; }
}
