using System.Management.Automation;

namespace Sweeps;

/// <summary>
/// Ends a training scriptblock whose run was stopped (early termination, a canceled sweep) at its next metric. It
/// behaves as a <c>throw</c> statement in the script, so it ends the whole block, not only the current statement.
/// </summary>
public sealed class RunStoppedException : RuntimeException
{
    /// <summary>An exception that ends the block with this message.</summary>
    public RunStoppedException(string message) : base(message) => WasThrownFromThrowStatement = true;
}
