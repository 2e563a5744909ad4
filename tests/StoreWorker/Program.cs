// An agent process for tests and benchmarks: claims runs of one sweep until it has none left (or --count is
// reached), "trains" by logging one metric computed from the parameters, and records each run as finished.
// Prints the ids of the runs it ended, one per line; a store error is one line on stderr and exit code 1. With
// --timings FILE it also writes how long each claim's change took (ms, one per line) to FILE when it stops.
using Sweeps.Engine;
using Sweeps.Engine.Agents;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Sweeps.StoreWorker <store> <sweep-id> [--count N] [--throttle N] [--sleep-ms N] [--heartbeat-timeout-ms N] [--heartbeat-interval-ms N] [--lock-stale-ms N] [--clock-skew-s N] [--retry-crashed] [--timings FILE] [--program DLL [ARGS...]]");
    return 2;
}
var options = new AgentOptions();
var store = new StoreOptions();
var sleepMs = 0;
List<string>? program = null;
string? timings = null;
for (var i = 2; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--count": options = options with { Count = int.Parse(args[++i]) }; break;
        case "--throttle": options = options with { ThrottleLimit = int.Parse(args[++i]) }; break;
        case "--sleep-ms": sleepMs = int.Parse(args[++i]); break;
        case "--heartbeat-timeout-ms": options = options with { HeartbeatTimeout = TimeSpan.FromMilliseconds(int.Parse(args[++i])) }; break;
        case "--heartbeat-interval-ms": options = options with { HeartbeatInterval = TimeSpan.FromMilliseconds(int.Parse(args[++i])) }; break;
        case "--lock-stale-ms": store = store with { LockStaleAfter = TimeSpan.FromMilliseconds(int.Parse(args[++i])) }; break;
        case "--clock-skew-s": store = store with { Time = new SkewedTime(TimeSpan.FromSeconds(double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture))) }; break;
        case "--retry-crashed": options = options with { RetryCrashed = true }; break;
        case "--timings": timings = args[++i]; break;
        case "--program": program = ["dotnet", .. args[(i + 1)..], "${args}"]; i = args.Length; break; // the rest is the program's
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}
try
{
    var backend = StoreBackends.Open(args[0], store);
    var timed = timings is null ? null : new TimedStore(backend);
    var sweep = new SweepStore(timed ?? backend).Open(args[1]);
    IRunLauncher launcher = program is null ? new MetricLauncher(sleepMs, options.ThrottleLimit == 1)
        : new ProcessLauncher(new ExecutableSpec { Command = program, WorkingDirectory = Environment.CurrentDirectory });
    var agent = new SweepAgent(sweep, launcher, options);
    foreach (var e in agent.Run(CancellationToken.None))
    {
        if (e is RunStarted s) Console.Error.WriteLine($"started {s.Claim.Run.Id}");
        if (e is RunCompleted r) Console.WriteLine(r.Run.Id);
    }
    if (timed is not null) File.WriteAllLines(timings!, timed.ChangeMs.Select(ms => ms.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)));
    return 0;
}
catch (SweepsException e)
{
    Console.Error.WriteLine($"error ({e.Kind}): {e.Message}");
    return 1;
}

// With one run at a time it runs on the main thread, as a PowerShell scriptblock agent does.
sealed class MetricLauncher(int sleepMs, bool onCallerThread) : IRunLauncher
{
    public bool RequiresCallerThread => onCallerThread;

    public RunOutcome Launch(RunContext run, CancellationToken cancel)
    {
        run.Log(new Dictionary<string, object?> { ["loss"] = (double)run.Number });
        if (sleepMs > 0) Thread.Sleep(sleepMs);
        return RunOutcome.Finished;
    }
}

// A machine whose clock is off by a fixed amount.
sealed class SkewedTime(TimeSpan skew) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + skew;
}
