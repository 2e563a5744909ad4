// Options (W&B style, --name=value): --epochs=N (rows to log; odd rows through $SWEEPS_METRICS_FILE, even rows
// as "@sweeps {json}" stdout lines), --exit=N, --sleep-ms=N (per epoch), --stderr=TEXT, --stderr-bytes=N (one line
// of N bytes), --ignore-term, --spawn-child (starts `sleep 120` and writes its pid to child.pid),
// --deep=N (then one row {"deep": {"a": {"a": ...}}} with N maps, both to the metrics file and to stdout).
// Always writes its own pid to $SWEEPS_RUN_DIR/program.pid.
// Always writes its arguments as a JSON array to $SWEEPS_RUN_DIR/argv.json and its environment's SWEEPS_* to env.json.
using System.Runtime.InteropServices;
using System.Text.Json;

var options = args.Where(a => a.StartsWith("--") && a.Contains('='))
    .ToDictionary(a => a[2..a.IndexOf('=')], a => a[(a.IndexOf('=') + 1)..]);
var runDir = Environment.GetEnvironmentVariable("SWEEPS_RUN_DIR") ?? ".";
File.WriteAllText(Path.Combine(runDir, "argv.json"), JsonSerializer.Serialize(args));
File.WriteAllText(Path.Combine(runDir, "env.json"), JsonSerializer.Serialize(
    Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("SWEEPS_") || k.StartsWith("WANDB_"))
        .OrderBy(k => k).ToDictionary(k => k, k => Environment.GetEnvironmentVariable(k))));

File.WriteAllText(Path.Combine(runDir, "program.pid"), Environment.ProcessId.ToString());
if (args.Contains("--spawn-child"))
{
    using var child = System.Diagnostics.Process.Start("sleep", "120");
    File.WriteAllText(Path.Combine(runDir, "child.pid"), child.Id.ToString());
}

var terminated = false;
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
{
    if (args.Contains("--ignore-term")) { ctx.Cancel = true; return; }
    terminated = true;
    ctx.Cancel = true;
});

var epochs = int.Parse(options.GetValueOrDefault("epochs", "0"));
var sleepMs = int.Parse(options.GetValueOrDefault("sleep-ms", "0"));
var metricsFile = Environment.GetEnvironmentVariable("SWEEPS_METRICS_FILE");
var x = double.Parse(options.GetValueOrDefault("x", "1"), System.Globalization.CultureInfo.InvariantCulture);
for (var epoch = 1; epoch <= epochs && !terminated; epoch++)
{
    var row = JsonSerializer.Serialize(new Dictionary<string, object> { ["epoch"] = epoch, ["loss"] = x / epoch });
    if (epoch % 2 == 1 && metricsFile is not null) File.AppendAllText(metricsFile, row + "\n");
    else Console.WriteLine("@sweeps " + row);
    Console.WriteLine($"epoch {epoch} done");
    if (sleepMs > 0) Thread.Sleep(sleepMs);
}
if (options.TryGetValue("deep", out var deep))
{
    var levels = int.Parse(deep);
    var row = "{\"deep\": " + string.Concat(Enumerable.Repeat("{\"a\": ", levels - 1)) + "1" + new string('}', levels - 1) + "}";
    if (metricsFile is not null) File.AppendAllText(metricsFile, row + "\n");
    Console.WriteLine("@sweeps " + row);
}
if (terminated) { Console.WriteLine("terminated"); return 143; }
if (options.TryGetValue("stderr", out var text)) Console.Error.WriteLine(text);
if (options.TryGetValue("stderr-bytes", out var size)) Console.Error.WriteLine(new string('e', int.Parse(size)));
return int.Parse(options.GetValueOrDefault("exit", "0"));
