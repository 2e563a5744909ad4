using Microsoft.Playwright;
using Sweeps.Engine.Dashboard;
using Sweeps.Engine.Store;

namespace Sweeps.Engine.Tests;

/// <summary>A fact that needs Debian's Chromium (.ci/run installs it); Playwright drives it, no browser is downloaded.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public static string? Chromium => new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    public BrowserFactAttribute()
    {
        Timeout = 120_000;
        if (Chromium is null) Skip = "Chromium is not installed (.ci/run installs Debian's chromium)";
    }
}

/// <summary>The dashboard in a real browser: it loads cleanly, shows what agents write without a reload, sorts and filters, draws log axes, and shows hostile values as text.</summary>
[Collection("browser")]
public sealed class DashboardBrowserSpecs : IAsyncLifetime, IDisposable
{
    readonly TempStore _temp = new();
    IPlaywright? _playwright;
    IBrowser? _browser;
    ServedDashboard? _served;

    // plotly.js as the build bundles it (npm install at the repository's root).
    static string? Plotly
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "node_modules", "plotly.js-dist-min", "plotly.min.js")))
                    return File.ReadAllText(Path.Combine(dir.FullName, "node_modules", "plotly.js-dist-min", "plotly.min.js"));
            return null;
        }
    }

    public async Task InitializeAsync()
    {
        if (BrowserFactAttribute.Chromium is null) return;
        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = BrowserFactAttribute.Chromium, Headless = true,
            Args = ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_served is not null) await _served.DisposeAsync();
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }

    public void Dispose() => _temp.Dispose();

    string Serve(bool allowControl = false)
    {
        _served = new ServedDashboard(_temp.Store, plotly: Plotly, allowControl: allowControl);
        return _served.Url;
    }

    async Task<(IPage Page, List<string> Errors)> Open(string url)
    {
        var page = await _browser!.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text + " " + m.Location); };
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(url);
        return (page, errors);
    }

    static void Finish(SweepHandle sweep, int count, Func<int, Dictionary<string, object?>> metrics)
    {
        for (var i = 0; i < count; i++)
        {
            var claim = sweep.Claim("test-agent")!;
            sweep.EndRun(new RunEnding(claim.Run.Id, Runs.RunState.Finished, metrics(claim.Run.Number), Steps: 1));
        }
    }

    [BrowserFact]
    public async Task A_run_written_by_another_process_appears_without_a_reload_and_the_page_logs_no_error()
    {
        var sweep = _temp.Create("method: random\nmetric: {name: loss}\nparameters:\n  lr: {distribution: log_uniform_values, min: 0.0001, max: 3}\n  batch: {values: [64, 8, 32, 16]}\n");
        var (page, errors) = await Open(Serve() + "#/sweep/" + sweep.Id);
        await page.WaitForSelectorAsync("body[data-updates]");
        Assert.Equal("0 of 0 runs", await page.TextContentAsync("#shown"));
        // An agent process claims and ends three runs while the page is open.
        var worker = StoreWorker.Start(_temp.Root, sweep.Id, "--count", "3");
        await worker.WaitForExitAsync();
        Assert.Equal(0, worker.ExitCode);
        await Assertions.Expect(page.Locator("#shown")).ToHaveTextAsync("3 of 3 runs", new() { Timeout = 10_000 });
        Assert.Equal(3, await page.Locator("#runs tr.run").CountAsync());
        Assert.Equal("charts", await page.GetAttributeAsync("body", "data-rendered"));
        Assert.Empty(errors);
        Assert.Null(await page.EvaluateAsync<string?>("document.documentElement.dataset.error ?? null"));
    }

    [BrowserFact]
    public async Task The_run_table_sorts_on_a_header_and_filters_on_text_and_state()
    {
        var sweep = _temp.Create("method: grid\nmetric: {name: loss}\nparameters:\n  x: {values: [3, 1, 2, 5, 4]}\n");
        Finish(sweep, 5, n => new() { ["loss"] = 10.25 - n });
        var (page, _) = await Open(Serve() + "#/sweep/" + sweep.Id);
        await Assertions.Expect(page.Locator("#shown")).ToHaveTextAsync("5 of 5 runs");
        async Task<string[]> Column(int index) => (await page.Locator($"#runs tr.run td:nth-child({index})").AllTextContentsAsync()).ToArray();
        Assert.Equal(["3", "1", "2", "5", "4"], await Column(4)); // x, in run order
        await page.ClickAsync("#runs th[data-key='p:x']");
        Assert.Equal(["1", "2", "3", "4", "5"], await Column(4));
        await page.ClickAsync("#runs th[data-key='p:x']");
        Assert.Equal(["5", "4", "3", "2", "1"], await Column(4));
        await page.FillAsync("#filter", "6.25"); // run 4's loss; no id has a point
        Assert.Equal(["4"], await Column(1));
        await page.FillAsync("#filter", "");
        await page.SelectOptionAsync("#state-filter", "finished");
        Assert.Equal(5, await page.Locator("#runs tr.run").CountAsync());
        await page.ClickAsync("#runs tr.run >> nth=0");
        await page.WaitForSelectorAsync("#run-detail:not([hidden])");
    }

    [BrowserFact]
    public async Task A_log_distributed_parameter_gets_a_log_axis_and_numeric_categories_are_in_order()
    {
        var sweep = _temp.Create("method: random\nmetric: {name: loss}\nparameters:\n  lr: {distribution: log_uniform_values, min: 0.0001, max: 3}\n  batch: {values: [64, 8, 32, 16]}\n");
        Finish(sweep, 12, n => new() { ["loss"] = 1.0 / n });
        var (page, _) = await Open(Serve() + "#/sweep/" + sweep.Id);
        await page.WaitForSelectorAsync("body[data-rendered='charts']");
        var lrSlice = await page.EvaluateAsync<string>("document.getElementById('slice-1').layout.xaxis.type");
        Assert.Equal("log", lrSlice);
        var (labels, batchTicks) = await ParallelAxes(page);
        Assert.Equal(["batch", "lr (log)", "loss"], labels);
        Assert.Equal(["8", "16", "32", "64"], batchTicks);
    }

    // The axes' labels and the first axis's ticks, as Plotly's parcoords (WebGL) or the line drawing without it has them.
    static async Task<(string[] Labels, string[] FirstTicks)> ParallelAxes(IPage page) =>
        await page.GetAttributeAsync("#parcoords", "data-kind") == "webgl"
            ? (await page.EvaluateAsync<string[]>("document.getElementById('parcoords').data[0].dimensions.map(d => d.label)"),
               await page.EvaluateAsync<string[]>("document.getElementById('parcoords').data[0].dimensions[0].ticktext"))
            : (await page.EvaluateAsync<string[]>("document.getElementById('parcoords').layout.annotations.filter(a => a.y > 1).map(a => a.text)"),
               await page.EvaluateAsync<string[]>("document.getElementById('parcoords').layout.annotations.filter(a => a.x === 0 && a.y <= 1).map(a => a.text)"));

    [BrowserFact]
    public async Task Without_webgl_the_parallel_coordinates_are_drawn_as_one_line_per_run()
    {
        var sweep = _temp.Create("method: random\nmetric: {name: loss}\nparameters:\n  lr: {distribution: log_uniform_values, min: 0.0001, max: 3}\n  batch: {values: [64, 8, 32, 16]}\n");
        Finish(sweep, 12, n => new() { ["loss"] = 1.0 / n });
        var page = await _browser!.NewPageAsync();
        await page.AddInitScriptAsync("HTMLCanvasElement.prototype.getContext = (kind => function (type, ...rest) { return /webgl/.test(type) ? null : kind.call(this, type, ...rest); })(HTMLCanvasElement.prototype.getContext);");
        await page.GotoAsync(Serve() + "#/sweep/" + sweep.Id);
        await page.WaitForSelectorAsync("body[data-rendered='charts']");
        Assert.Equal("svg", await page.GetAttributeAsync("#parcoords", "data-kind"));
        Assert.Equal(12, await page.EvaluateAsync<int>("document.getElementById('parcoords').data.length"));
        var (labels, batchTicks) = await ParallelAxes(page);
        Assert.Equal(["batch", "lr (log)", "loss"], labels);
        Assert.Equal(["8", "16", "32", "64"], batchTicks);
    }

    [BrowserFact]
    public async Task Hostile_values_show_as_text_and_run_nothing()
    {
        const string Hostile = "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script>";
        var yaml = "method: grid\nname: '" + Hostile.Replace("'", "''") + "'\nmetric: {name: '" + Hostile.Replace("'", "''") + "'}\nparameters:\n  p:\n    values: ['" + Hostile.Replace("'", "''") + "', 'plain']\n";
        var sweep = _temp.Create(yaml);
        var claim = sweep.Claim("test-agent")!;
        sweep.EndRun(new RunEnding(claim.Run.Id, Runs.RunState.Failed, new Dictionary<string, object?> { [Hostile] = 1.0 }, 1, Hostile, 1));
        var (page, errors) = await Open(Serve() + "#/sweep/" + sweep.Id);
        await page.WaitForSelectorAsync("body[data-rendered='charts']");
        await page.ClickAsync("#runs tr.run >> nth=0");
        await page.WaitForSelectorAsync("#run-detail:not([hidden])");
        Assert.Contains(Hostile, await page.TextContentAsync("#title"));
        Assert.Contains(Hostile, await page.TextContentAsync("#runs"));
        Assert.Null(await page.EvaluateAsync<int?>("window.pwned ?? null"));
        Assert.Equal(0, await page.Locator("img[src=x]").CountAsync());
        // The exported report: the same page with the data inside.
        var report = await _browser!.NewPageAsync();
        await report.SetContentAsync(DashboardPage.Static(DashboardData.Build(_temp.Store.Open(sweep.Id)), Plotly));
        await report.WaitForSelectorAsync("body[data-rendered='charts']");
        Assert.Contains(Hostile, await report.TextContentAsync("#title"));
        Assert.Null(await report.EvaluateAsync<int?>("window.pwned ?? null"));
        Assert.Empty(errors);
    }
}
