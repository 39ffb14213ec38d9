using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
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
// 450 evaluations), starts 'modelops serve' on it, and in Debian's Chromium measures for each page the time from
// the navigation (or the click) until the page shows its data. One warm-up round, then ROUNDS measured ones, each
// in a fresh browser context. Prints a Markdown table (median and slowest, ms).
//   ModelOps.Bench.Ui MODELOPS_DLL REPO_ROOT WORK_FOLDER [ROUNDS]
if (args is not [var modelops, var root, var work, ..] || args.Length > 4)
{
    await Console.Error.WriteLineAsync("usage: ModelOps.Bench.Ui MODELOPS_DLL REPO_ROOT WORK_FOLDER [ROUNDS]");
    return 2;
}

var rounds = args.Length == 4 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5;
var database = Path.Combine(work, "modelops.db");
var (secret, tuningId, compareIds) = await FillAsync(database, root, Path.Combine(work, "artifacts"));

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
    (string Page, Func<IPage, Task> Act)[] pages =
    [
        ("Models (/models)", async page =>
        {
            await page.GotoAsync("/models");
            await page.GetByRole(AriaRole.Link, new() { Name = "bench", Exact = true }).WaitForAsync();
        }),
        ("Model, Analytics tab (100 versions)", async page =>
        {
            await page.GotoAsync("/models/bench");
            await page.GetByRole(AriaRole.Group, new() { Name = "Key metrics" }).WaitForAsync();
            await page.GetByRole(AriaRole.Heading, new() { Name = "Every metric" }).WaitForAsync();
        }),
        ("Model, Versions tab (click)", async page =>
        {
            await page.GetByRole(AriaRole.Tab, new() { NameRegex = new("^Versions") }).ClickAsync();
            await page.GetByRole(AriaRole.Table, new() { Name = "Signature of version 100" }).WaitForAsync();
        }),
        ("Runs (/runs, 1,000 runs, page of 25)", async page =>
        {
            await page.GotoAsync("/runs");
            await page.GetByText("1,000 runs", new() { Exact = true }).WaitForAsync();
        }),
        ("Runs sorted by a metric (click)", async page =>
        {
            await page.GetByRole(AriaRole.Columnheader, new() { Name = "rmse" }).GetByText("rmse").ClickAsync();
            await page.Locator("th .mud-table-sort-label-icon.mud-direction-asc").WaitForAsync();
            await page.Locator("tbody tr td[data-label='rmse']").First.WaitForAsync();
        }),
        ("Run (a tuning: 40-step metrics)", async page =>
        {
            await page.GotoAsync($"/runs/{tuningId}");
            await page.GetByRole(AriaRole.Figure, new() { Name = "trial_score by step" }).WaitForAsync();
        }),
        ("Compare 5 runs", async page =>
        {
            await page.GotoAsync($"/runs/compare?ids={string.Join(',', compareIds)}");
            await page.GetByRole(AriaRole.Table, new() { Name = "Metrics of the compared runs" }).WaitForAsync();
        }),
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
        foreach (var (name, act) in pages)
        {
            if (name.EndsWith("(click)", StringComparison.Ordinal))
            {
                await LiveAsync(page);
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

static async Task<(string Secret, string TuningId, string[] CompareIds)> FillAsync(string database, string root, string artifacts)
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
    return (token.Secret, tuning, [.. compare]);
}
