namespace Sweeps.Engine.Store;

/// <summary>The lifecycle changes a user can ask for, with W&amp;B's rules (wandb sweep --pause/--resume/--stop/--cancel).</summary>
public enum SweepTransition
{
    /// <summary>No new runs; running runs go on. From running or paused.</summary>
    Pause,
    /// <summary>New runs again. From any state (a finished grid then has nothing left).</summary>
    Resume,
    /// <summary>Finished: no new runs, running runs finish. From running or paused.</summary>
    Stop,
    /// <summary>Canceled: no new runs, running runs are killed. From running or paused.</summary>
    Cancel,
}

internal static class SweepTransitions
{
    /// <summary>The state a transition leads to.</summary>
    public static string Target(this SweepTransition t) => t switch
    {
        SweepTransition.Pause => "paused",
        SweepTransition.Resume => "running",
        SweepTransition.Stop => "finished",
        _ => "canceled",
    };

    /// <summary>Null when the transition is allowed from <paramref name="state"/>, else W&amp;B's reason.</summary>
    public static string? Refusal(this SweepTransition t, string state) => t switch
    {
        SweepTransition.Pause when state is not ("running" or "paused") => $"Cannot pause {state} sweep.",
        SweepTransition.Stop or SweepTransition.Cancel when state is not ("running" or "paused") => $"Sweep already {state}.",
        _ => null,
    };
}
