// An agent process for tests and benchmarks: claims runs of one sweep until it has none left (or --count is
// reached), "trains" by logging one metric computed from the parameters, and records each run as finished.
// Prints the ids of the runs it did, one per line.
using Sweeps.Engine.Agents;
using Sweeps.Engine.Runs;
using Sweeps.Engine.Store;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Sweeps.StoreWorker <store> <sweep-id> [--count N] [--sleep-ms N]");
    return 2;
}
int? count = null;
var sleepMs = 0;
for (var i = 2; i < args.Length - 1; i++)
{
    if (args[i] == "--count") count = int.Parse(args[++i]);
    else if (args[i] == "--sleep-ms") sleepMs = int.Parse(args[++i]);
}
var sweep = new SweepStore(args[0]).Open(args[1]);
var agent = new SweepAgent(sweep, new MetricLauncher(sleepMs), new AgentOptions { Count = count });
foreach (var run in agent.Run(CancellationToken.None)) Console.WriteLine(run.Id);
return 0;

sealed class MetricLauncher(int sleepMs) : IRunLauncher
{
    public RunOutcome Launch(RunContext run, CancellationToken cancel)
    {
        if (sleepMs > 0) Thread.Sleep(sleepMs);
        run.Log(new Dictionary<string, object?> { ["loss"] = (double)run.Number });
        return RunOutcome.Finished;
    }
}
