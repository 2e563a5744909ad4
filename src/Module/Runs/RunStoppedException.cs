namespace Sweeps;

/// <summary>Ends a training scriptblock whose run an early-termination rule stopped, at its next metric.</summary>
public sealed class RunStoppedException(string message) : Exception(message);
