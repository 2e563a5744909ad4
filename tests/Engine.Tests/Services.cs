namespace Sweeps.Engine.Tests;

/// <summary>
/// The servers the store tests use, started on loopback by <c>build.ps1 -Task Test</c> (build/services/*.ps1), which
/// tells the tests where through environment variables. A test that needs one where it is not running is skipped,
/// saying so.
/// </summary>
public static class Services
{
    /// <summary>An Npgsql connection string to a throwaway PostgreSQL database, or null.</summary>
    public static string? Postgres => Environment.GetEnvironmentVariable("SWEEPS_TEST_POSTGRES") is { Length: > 0 } s ? s : null;

    /// <summary>An Azure Storage connection string to Azurite, or null.</summary>
    public static string? Azurite => Environment.GetEnvironmentVariable("SWEEPS_TEST_AZURITE") is { Length: > 0 } s ? s : null;
}

/// <summary>A fact that needs the PostgreSQL test server.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (Services.Postgres is null) Skip = "no PostgreSQL test server (SWEEPS_TEST_POSTGRES; build.ps1 -Task Test starts one)";
    }
}

/// <summary>A fact that needs the Azurite test server.</summary>
public sealed class AzuriteFactAttribute : FactAttribute
{
    public AzuriteFactAttribute()
    {
        if (Services.Azurite is null) Skip = "no Azurite test server (SWEEPS_TEST_AZURITE; build.ps1 -Task Test starts one)";
    }
}

/// <summary>The server a whole test class needs ("postgres" or "azurite"); its <see cref="StoreFactAttribute"/> facts are skipped without it.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class NeedsServiceAttribute(string service) : Attribute
{
    public string Service { get; } = service;

    public string? SkipReason => Service switch
    {
        "postgres" => Services.Postgres is null ? new PostgresFactAttribute().Skip : null,
        "azurite" => Services.Azurite is null ? new AzuriteFactAttribute().Skip : null,
        _ => $"unknown service '{Service}'",
    };
}

/// <summary>
/// A fact of a suite that derived classes run against several stores (<see cref="StoreContract"/>): skipped, saying
/// why, in a derived class whose <see cref="NeedsServiceAttribute"/> server is not running here.
/// </summary>
[Xunit.Sdk.XunitTestCaseDiscoverer("Sweeps.Engine.Tests.StoreFactDiscoverer", "Sweeps.Engine.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

public sealed class StoreFactDiscoverer(Xunit.Abstractions.IMessageSink sink) : Xunit.Sdk.FactDiscoverer(sink)
{
    protected override Xunit.Sdk.IXunitTestCase CreateTestCase(Xunit.Abstractions.ITestFrameworkDiscoveryOptions options, Xunit.Abstractions.ITestMethod method, Xunit.Abstractions.IAttributeInfo attribute)
    {
        var needs = method.TestClass.Class.ToRuntimeType()?.GetCustomAttributes(typeof(NeedsServiceAttribute), true).OfType<NeedsServiceAttribute>().FirstOrDefault();
        return needs?.SkipReason is { } why
            ? new SkippedTestCase(DiagnosticMessageSink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), method, why)
            : base.CreateTestCase(options, method, attribute);
    }

    sealed class SkippedTestCase : Xunit.Sdk.XunitTestCase
    {
        string _why = "";

        [Obsolete("for deserialization")]
        public SkippedTestCase() { }

        public SkippedTestCase(Xunit.Abstractions.IMessageSink sink, Xunit.Sdk.TestMethodDisplay display, Xunit.Sdk.TestMethodDisplayOptions displayOptions, Xunit.Abstractions.ITestMethod method, string why)
            : base(sink, display, displayOptions, method) => _why = why;

        protected override string GetSkipReason(Xunit.Abstractions.IAttributeInfo factAttribute) => _why;

        public override void Serialize(Xunit.Abstractions.IXunitSerializationInfo data)
        {
            base.Serialize(data);
            data.AddValue("why", _why);
        }

        public override void Deserialize(Xunit.Abstractions.IXunitSerializationInfo data)
        {
            _why = data.GetValue<string>("why"); // before the base, which works out the skip reason
            base.Deserialize(data);
        }
    }
}
