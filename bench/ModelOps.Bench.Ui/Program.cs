using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using ModelOps.Bench.Ui;
using ModelOps.Core.Features;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;
using ModelOps.Jobs.Datasets;
using ModelOps.Store;
using ModelOps.Store.Auth;
using ModelOps.Store.Registry;
using ModelOps.Store.Tracking;

// The UI's page loads on a full store, for bench/ui.sh: fills a SQLite store with 1,000 runs (100 trainings, each
// registering a version of 'bench', with its test metrics and importances; 450 tunings with 40-step trial scores;
// 450 evaluations) and a group 'bench-live' whose inference log holds LOG_ROWS rows with their inputs and SHAP
// (LogFill), starts 'modelops serve' on it, and in Debian's Chromium measures for each page the time from the
// navigation (or the click, or the filter typed) until the page shows its data. One warm-up round, then ROUNDS
// measured ones, each in a fresh browser context. Prints a Markdown table (median and slowest, ms).
//   ModelOps.Bench.Ui MODELOPS_DLL REPO_ROOT WORK_FOLDER [ROUNDS] [LOG_ROWS]
if (args is not [var modelops, var root, var work, ..] || args.Length > 5)
{
    await Console.Error.WriteLineAsync("usage: ModelOps.Bench.Ui MODELOPS_DLL REPO_ROOT WORK_FOLDER [ROUNDS] [LOG_ROWS]");
    return 2;
}

var rounds = args.Length >= 4 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5;
var logRows = args.Length == 5 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 1_000_000;
var database = Path.Combine(work, "modelops.db");
var (secret, tuningId, compareIds, model) = await FillAsync(database, root, Path.Combine(work, "artifacts"));
var log = await LogFill.RunAsync(database, root, model, logRows);

using var server = Process.Start(new ProcessStartInfo("dotnet", [modelops, "serve", "--urls", "http://127.0.0.1:0", "--database", database, "--drain", "0"])
{
    RedirectStandardOutput = true,
    RedirectStandardError = true,
})!;
_ = server.StandardError.ReadToEndAsync();
string? address = null;
while (address is null && await server.StandardOutput.ReadLineAsync() is { } line)
{
    address = line.StartsWith("Listening on ", StringComparison.Ordinal) ? line["Listening on ".Length..] : null;
}

_ = server.StandardOutput.ReadToEndAsync();
try
{
    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });

    // A click needs the live page (its circuit); waiting for it is not part of the click's time.
    static Task LiveAsync(IPage page) => page.Locator("#hub-interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    // Until the condition holds, checked every 20 ms (Playwright's own waits poll 100, 250, then 500 ms apart, which
    // would add up to half a second to a page that is ready). Times out after 30 s.
    static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var limit = Stopwatch.StartNew();
        while (!await condition())
        {
            if (limit.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"not within 30 s: {what}");
            }

            await Task.Delay(20);
        }
    }

    static Task ShownAsync(ILocator locator, string what) => UntilAsync(() => locator.IsVisibleAsync(), what);

    static async Task<bool> ContainsAsync(ILocator locator, string text) => await locator.CountAsync() > 0 && (await locator.First.TextContentAsync() ?? string.Empty).Contains(text, StringComparison.Ordinal);

    // The first row of the inference browser's table shows the request expected (the newest row the filters keep).
    static Task FirstRowAsync(IPage page, string requestId) => UntilAsync(
        () => ContainsAsync(page.GetByRole(AriaRole.Table, new() { Name = "Logged predictions" }).GetByRole(AriaRole.Row).Nth(1), requestId),
        $"first row {requestId}");

    static async Task PickAsync(IPage page, string select, string option)
    {
        await page.GetByLabel(select, new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
    }

    static Task TypeAsync(IPage page, string field, string text) => page.GetByLabel(field, new() { Exact = true }).FillAsync(text);
    var rows = log.Rows.ToString("N0", CultureInfo.InvariantCulture);
    static string Figures(int count) => string.Create(CultureInfo.InvariantCulture, $"{count:N0} row{(count == 1 ? " matches" : "s match")}");
    // Each page's act is timed; its preparation (undoing the previous filter) is not.
    (string Page, Func<IPage, Task> Act, Func<IPage, Task>? Prepare)[] pages =
    [
        ("Models (/models)", async page =>
        {
            await page.GotoAsync("/models");
            await page.GetByRole(AriaRole.Link, new() { Name = "bench", Exact = true }).WaitForAsync();
        }, null),
        ("Model, Analytics tab (100 versions)", async page =>
        {
            await page.GotoAsync("/models/bench");
            await page.GetByRole(AriaRole.Group, new() { Name = "Key metrics" }).WaitForAsync();
            await page.GetByRole(AriaRole.Heading, new() { Name = "Every metric" }).WaitForAsync();
        }, null),
        ("Model, Versions tab (click)", async page =>
        {
            await page.GetByRole(AriaRole.Tab, new() { NameRegex = new("^Versions") }).ClickAsync();
            await page.GetByRole(AriaRole.Table, new() { Name = "Signature of version 100" }).WaitForAsync();
        }, null),
        ("Runs (/runs, 1,000 runs, page of 25)", async page =>
        {
            await page.GotoAsync("/runs");
            await page.GetByText("1,000 runs", new() { Exact = true }).WaitForAsync();
        }, null),
        ("Runs sorted by a metric (click)", async page =>
        {
            await page.GetByRole(AriaRole.Columnheader, new() { Name = "rmse" }).GetByText("rmse").ClickAsync();
            await page.Locator("th .mud-table-sort-label-icon.mud-direction-asc").WaitForAsync();
            await page.Locator("tbody tr td[data-label='rmse']").First.WaitForAsync();
        }, null),
        ("Run (a tuning: 40-step metrics)", async page =>
        {
            await page.GotoAsync($"/runs/{tuningId}");
            await page.GetByRole(AriaRole.Figure, new() { Name = "trial_score by step" }).WaitForAsync();
        }, null),
        ("Compare 5 runs", async page =>
        {
            await page.GotoAsync($"/runs/compare?ids={string.Join(',', compareIds)}");
            await page.GetByRole(AriaRole.Table, new() { Name = "Metrics of the compared runs" }).WaitForAsync();
        }, null),
        ($"Groups (/groups, a group of {rows} logged rows)", async page =>
        {
            await page.GotoAsync("/groups");
            await ShownAsync(page.GetByRole(AriaRole.Link, new() { Name = LogFill.Group, Exact = true }), "the group's link");
        }, null),
        ("Group, Comparison (last 24 hours)", async page =>
        {
            await page.GotoAsync($"/groups/{LogFill.Group}");
            await UntilAsync(() => ContainsAsync(page.GetByRole(AriaRole.Status, new() { Name = "Live status" }), "Live · "), "the comparison");
            await ShownAsync(page.GetByRole(AriaRole.Figure, new() { Name = "Requests per 1 hour" }), "the traffic chart");
        }, null),
        ("Comparison, all time (pick)", async page =>
        {
            await PickAsync(page, "Time range", "All time");
            await UntilAsync(() => ContainsAsync(page.GetByRole(AriaRole.Status, new() { Name = "Live status" }), $"Live · {rows} rows"), "the all-time comparison");
            await ShownAsync(page.GetByRole(AriaRole.Figure, new() { Name = "Requests per 1 day" }), "the daily traffic chart");
        }, null),
        ("Inferences tab, first page (click)", async page =>
        {
            await page.GetByRole(AriaRole.Tab, new() { Name = "Inferences" }).ClickAsync();
            await FirstRowAsync(page, log.Newest);
        }, null),
        ("Inferences by version (pick)", async page =>
        {
            await PickAsync(page, "Version filter", "bench v99");
            await FirstRowAsync(page, log.NewestChallenger);
        }, null),
        ($"Inferences with prediction ≥ {log.HighPrediction} (typed; {Figures(log.HighRows)})", async page =>
        {
            await TypeAsync(page, "Lowest prediction", log.HighPrediction.ToString(CultureInfo.InvariantCulture));
            await FirstRowAsync(page, log.NewestHigh);
        }, async page =>
        {
            await PickAsync(page, "Version filter", "Any version");
            await FirstRowAsync(page, log.Newest);
        }),
        ($"Inferences, text '{LogFill.RareText}' in the inputs (typed; {Figures(log.RareRows)})", async page =>
        {
            await TypeAsync(page, "Text in the inputs", LogFill.RareText);
            await FirstRowAsync(page, log.NewestRare);
        }, async page =>
        {
            await TypeAsync(page, "Lowest prediction", string.Empty);
            await FirstRowAsync(page, log.Newest);
        }),
        ("Inferences, text matching no row (typed)", async page =>
        {
            await TypeAsync(page, "Text in the inputs", LogFill.NoText);
            await ShownAsync(page.GetByRole(AriaRole.Status, new() { Name = "No logged row matches the filters" }), "the empty result");
        }, null),
        ("Request page (inputs and SHAP chart)", async page =>
        {
            await page.GotoAsync($"/groups/{LogFill.Group}/requests/{log.Middle}");
            await ShownAsync(page.GetByRole(AriaRole.Figure, new() { Name = "SHAP values chart" }), "the SHAP chart");
        }, null),
    ];

    var times = pages.ToDictionary(p => p.Page, _ => new List<double>());
    for (var round = 0; round <= rounds; round++)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = address });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.GetByLabel("API token").FillAsync(secret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/models");
        foreach (var (name, act, prepare) in pages)
        {
            if (name.Contains("(click)", StringComparison.Ordinal) || name.Contains("(pick)", StringComparison.Ordinal) || name.Contains("(typed", StringComparison.Ordinal))
            {
                await LiveAsync(page);
            }

            if (prepare is not null)
            {
                await prepare(page);
            }

            var clock = Stopwatch.StartNew();
            await act(page);
            if (round > 0)
            {
                times[name].Add(clock.Elapsed.TotalMilliseconds);
            }
        }
    }

    Console.WriteLine("| page | median ms | slowest ms |");
    Console.WriteLine("|---|---:|---:|");
    foreach (var (name, measured) in times)
    {
        measured.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {measured[measured.Count / 2]:F0} | {measured[^1]:F0} |"));
    }
}
finally
{
    server.Kill();
    await server.WaitForExitAsync();
}

return 0;

static async Task<(string Secret, string TuningId, string[] CompareIds, Model Model)> FillAsync(string database, string root, string artifacts)
{
    string[] inputs = ["season", "yr", "mnth", "hr", "weekday", "workingday", "weathersit", "temp", "hum", "windspeed"];
    var data = Dataset.ReadCsv(Path.Combine(root, "data", "bike_sharing", "hour.csv"));
    var model = new Model([new PassthroughStep(inputs)], new GradientBoostingRegressorOptions { MaxIter = 20 });
    model.Fit(data.Select(inputs), data["cnt"]);
    var importances = new ModelOps.Core.Explain.FeatureImportanceFile(500, ModelOps.Core.Explain.FeatureImportances.Compute(model, data.Head(500).Select(inputs)));
    await using var store = await StoreFactory.OpenAsync(database, new StoreOptions { ArtifactRoot = artifacts });
    var random = new Random(7);
    var now = DateTimeOffset.UnixEpoch;
    string tuning = string.Empty;
    var compare = new List<string>();
    for (var i = 0; i < 1000; i++)
    {
        var kind = (i % 10) switch { 0 => "TrainingJob", < 5 => "TuningJob", _ => "EvaluationsJob" };
        var run = await store.StartRunAsync("bench", new RunStart { Name = $"{kind}-{i}", Tags = new Dictionary<string, string> { ["job"] = kind } });
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["model"] = "GradientBoostingRegressor",
            ["model.learning_rate"] = (0.05 + (0.01 * (i % 10))).ToString(CultureInfo.InvariantCulture),
            ["model.max_iter"] = (100 + (10 * (i % 7))).ToString(CultureInfo.InvariantCulture),
        };
        await store.LogParametersAsync(run.Id, parameters);
        var rmse = 60 + (random.NextDouble() * 20);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal) { ["rmse"] = rmse, ["mae"] = rmse * 0.65, ["r2"] = 0.95 - (rmse / 1000) };
        var points = metrics.Select(m => new MetricPoint(m.Key, m.Value, 0, now)).ToList();
        if (kind == "TuningJob")
        {
            points.AddRange(Enumerable.Range(0, 40).Select(step => new MetricPoint("trial_score", rmse + random.NextDouble() * 10, step, now)));
            tuning = run.Id;
        }

        await store.LogMetricsAsync(run.Id, points);
        if (kind == "TrainingJob")
        {
            await store.RegisterAsync(new ModelRegistration("bench", model, run.Id) { Metrics = metrics });
            using var content = new MemoryStream(importances.ToBytes());
            await store.LogArtifactAsync(run.Id, ModelOps.Core.Explain.FeatureImportanceFile.ArtifactPath, content);
            if (compare.Count < 5)
            {
                compare.Add(run.Id);
            }
        }

        await store.EndRunAsync(run.Id, RunStatus.Finished);
    }

    await store.SetAliasAsync("bench", "Champion", 100);
    var token = await store.Tokens.CreateTokenAsync("bench-ui", TokenRole.Viewer);
    return (token.Secret, tuning, [.. compare], model);
}
