using System.Management.Automation;
using Sweeps.Engine;

namespace Sweeps.Commands;

/// <summary>Refuses a sweep name with a control character at binding, as a config's <c>name:</c> is refused (<see cref="Printable.NameProblem"/>).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateSweepNameAttribute : ValidateArgumentsAttribute
{
    /// <inheritdoc/>
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        if (arguments is string name && Printable.NameProblem(name) is { } problem) throw new ValidationMetadataException(problem);
    }
}
