using Sweeps.Engine.Store;

namespace Sweeps.Engine.Tests;

/// <summary>A store that cannot be reached is waited for, but said at once, and then an error names it.</summary>
public sealed class UnreachableStoreSpecs
{
    [Theory(Timeout = 60_000)]
    [InlineData("postgres://sweeps@127.0.0.1:1/sweeps", "connection refused")]
    [InlineData("http://127.0.0.1:1/devstoreaccount1/sweeps?sv=2023-01-03&sp=racwdl&sr=c&sig=c2lnbmF0dXJl", "connection refused")]
    public async Task Waiting_for_a_store_that_cannot_be_reached_is_told_once_at_the_first_failure(string location, string reason)
    {
        await Task.Yield();
        var told = new List<string>();
        var options = StoreOptions.Default with { LockTimeout = TimeSpan.FromSeconds(2), Waiting = told.Add };
        var error = Assert.Throws<SweepsException>(() => new SweepStore(location, options).List());
        Assert.Equal(SweepsErrorKind.StoreUnavailable, error.Kind);
        var message = Assert.Single(told);
        Assert.StartsWith("The store '", message);
        Assert.Contains($"cannot be reached ({reason}", message);
        Assert.DoesNotContain("sig=", message); // a SAS is a password
    }
}
