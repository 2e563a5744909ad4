namespace Sweeps.Engine.Store;

/// <summary>Who asks for the next run, and how orphaned and crashed runs are treated while claiming.</summary>
internal sealed record ClaimRequest(string Agent, TimeSpan HeartbeatTimeout, bool RetryCrashed = false)
{
    public static ClaimRequest For(string agent) => new(agent, TimeSpan.FromSeconds(60));
}
