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
