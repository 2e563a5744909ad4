namespace Sweeps.Host;

/// <summary>Exit codes a pipeline can rely on.</summary>
static class ExitCode
{
    public const int Ok = 0, Error = 1, Usage = 2, FailedRuns = 3, InvalidConfig = 4, UnknownSweep = 5, Interrupted = 130;

    public const string Explained = """
        Exit codes: 0 ok, 1 error, 2 usage, 3 failed runs (with --fail-on-failed-runs), 4 invalid config, 5 unknown sweep,
                    130 stopped by Ctrl+C or SIGTERM (running runs ended and recorded as killed)
        """;
}
