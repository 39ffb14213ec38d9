using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ModelOps.Store;
using ModelOps.Store.Tracking;

namespace ModelOps.Cli.Tests.Ui;

/// <summary>The runs table (filter, sort, pages), a run's page and the comparison in Chromium, against the store's own values.</summary>
[Collection(HubUiCollection.Name)]
public sealed class RunsUiTests(HubUiFixture hub)
{
    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task Runs_FilterAndSortByAMetric_ShowWhatTheStoreFinds(string scheme)
    {
        await using var ui = await UiSession.OpenAsync(hub, scheme);
        await ui.SignInAsync("viewer", path: "/runs");
        await ui.WaitForCircuitAsync();
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        var all = await store.SearchRunsAsync(new RunSearch());

        await Assertions.Expect(ui.Page.GetByText($"{all.Total} runs", new() { Exact = true })).ToBeVisibleAsync();
        await ui.Page.GetByRole(AriaRole.Textbox, new() { Name = "Filter" }).FillAsync("metrics.rmse > 0 and status = finished");
        await ui.Page.GetByRole(AriaRole.Textbox, new() { Name = "Filter" }).PressAsync("Enter");
        var expected = await store.SearchRunsAsync(new RunSearch { Filter = "metrics.rmse > 0 and status = finished", OrderBy = "metrics.rmse asc" });
        await Assertions.Expect(ui.Page.GetByText($"{expected.Total} runs", new() { Exact = true })).ToBeVisibleAsync();
        await ui.Page.GetByRole(AriaRole.Columnheader, new() { Name = "rmse" }).GetByText("rmse").ClickAsync();

        var names = ui.Page.GetByRole(AriaRole.Table).Locator("tbody tr td[data-label='Name']");
        await Assertions.Expect(names).ToHaveTextAsync(expected.Runs.Select(r => r.Info.Name).ToArray());
        var rmse = await ui.Page.GetByRole(AriaRole.Table).Locator("tbody tr td[data-label='rmse']").AllInnerTextsAsync();
        Assert.Equal(expected.Runs.Count, rmse.Count);
        for (var i = 0; i < rmse.Count; i++)
        {
            var stored = expected.Runs[i].Metrics["rmse"];
            Assert.Equal(stored, double.Parse(rmse[i].Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture), tolerance: Math.Abs(stored) * 5e-4);
        }
        await ui.ScreenshotAsync("runs");
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Fact]
    public async Task Runs_BadFilter_ShowsWhereAndWhat()
    {
        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("viewer", path: "/runs");
        await ui.WaitForCircuitAsync();

        await ui.Page.GetByRole(AriaRole.Textbox, new() { Name = "Filter" }).FillAsync("metrics.rmse < seventy");
        await ui.Page.GetByRole(AriaRole.Textbox, new() { Name = "Filter" }).PressAsync("Enter");

        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("filter: at character 16: metrics.rmse is compared with a number, found 'seventy'");
        await ui.ScreenshotAsync("runs-bad-filter");
    }

    [Fact]
    public async Task RunPage_OfTheTuning_ShowsParametersSteppedScoresAndDownloadsItsTrials()
    {
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        var tuning = await store.GetRunAsync((await store.ListRunsAsync("bike")).Single(r => r.Name == "TuningJob").Id);
        var trials = tuning.Artifacts.Single(a => a.Path == "trials.csv");
        await using var ui = await UiSession.OpenAsync(hub);

        await ui.SignInAsync("viewer", path: $"/runs/{tuning.Info.Id}");

        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = "TuningJob", Level = 1 })).ToBeVisibleAsync();
        var parameters = ui.Page.GetByRole(AriaRole.Table, new() { Name = "Parameters" });
        await Assertions.Expect(parameters.GetByRole(AriaRole.Row)).ToHaveCountAsync(tuning.Parameters.Count + 1);
        await Assertions.Expect(parameters.GetByRole(AriaRole.Row, new() { Name = $"trial.0 {tuning.Parameters["trial.0"]}", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Figure, new() { Name = "trial_score by step" })).ToBeVisibleAsync();
        await ui.WaitForCircuitAsync();
        var download = await ui.Page.RunAndWaitForDownloadAsync(() => ui.Page.GetByRole(AriaRole.Link, new() { Name = "Download trials.csv" }).ClickAsync());

        Assert.Equal(trials.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(await download.PathAsync()))));
        await ui.ScreenshotAsync("run");
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Fact]
    public async Task RunPage_OfAFailedRun_ShowsItsError()
    {
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        var failed = (await store.SearchRunsAsync(new RunSearch { Filter = "status = failed" })).Runs.Single().Info;
        await using var ui = await UiSession.OpenAsync(hub);

        await ui.SignInAsync("viewer", path: $"/runs/{failed.Id}");

        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync($"{failed.Error!.Kind}: {failed.Error.Message}");
        await ui.ScreenshotAsync("run-failed");
    }

    [Fact]
    public async Task Compare_TwoTrainingRuns_HighlightsTheParametersThatDiffer()
    {
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        var trainings = (await store.SearchRunsAsync(new RunSearch { Experiment = "bike", Filter = "tags.job = 'TrainingJob'", OrderBy = "started asc" })).Runs;
        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("viewer", path: "/runs?experiment=bike&filter=" + Uri.EscapeDataString("tags.job = 'TrainingJob'"));
        await ui.WaitForCircuitAsync();

        await Assertions.Expect(ui.Page.GetByText("2 runs", new() { Exact = true })).ToBeVisibleAsync();
        foreach (var checkbox in await ui.Page.GetByRole(AriaRole.Table).Locator("tbody tr").GetByRole(AriaRole.Checkbox).AllAsync())
        {
            await checkbox.CheckAsync();
        }

        await ui.Page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Compare") }).ClickAsync();
        await Assertions.Expect(ui.Page).ToHaveURLAsync(new Regex("/runs/compare\\?ids="));
        var differing = trainings[0].Parameters.Keys.Union(trainings[1].Parameters.Keys)
            .Where(k => trainings[0].Parameters.GetValueOrDefault(k) != trainings[1].Parameters.GetValueOrDefault(k)).Order(StringComparer.Ordinal).ToList();

        await Assertions.Expect(ui.Page.GetByText($"{differing.Count} of ", new() { Exact = false })).ToBeVisibleAsync();
        var highlighted = ui.Page.GetByRole(AriaRole.Table, new() { Name = "Parameters of the compared runs" }).Locator("tr.hub-differs td:first-child");
        await Assertions.Expect(highlighted).ToHaveTextAsync([.. differing]);
        await ui.ScreenshotAsync("runs-compare");
        Assert.Empty(ui.ConsoleErrors);
    }

    [Fact]
    public async Task Compare_RunsThatLoggedDifferentSteps_DrawsGapsNotMadeUpPoints()
    {
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        var every = await store.StartRunAsync("steps", new RunStart { Name = "every-step" });
        await store.LogMetricsAsync(every.Id, [.. Enumerable.Range(0, 5).Select(s => new MetricPoint("loss", 1.0 / (s + 1), s, DateTimeOffset.UnixEpoch))]);
        var even = await store.StartRunAsync("steps", new RunStart { Name = "even-steps" });
        await store.LogMetricsAsync(even.Id, [.. new[] { 0, 2, 4, 6 }.Select(s => new MetricPoint("loss", 2.0 / (s + 1), s, DateTimeOffset.UnixEpoch))]);
        await using var ui = await UiSession.OpenAsync(hub);

        await ui.SignInAsync("viewer", path: $"/runs/compare?ids={every.Id},{even.Id}");

        await Assertions.Expect(ui.Page.GetByText("None of these runs logged parameters.")).ToBeVisibleAsync();
        var chart = ui.Page.GetByRole(AriaRole.Figure, new() { Name = "loss by step" });
        await Assertions.Expect(chart.GetByRole(AriaRole.Img)).ToHaveAttributeAsync(
            "aria-label", $"loss by step: every-step {every.Id[^8..]} from 0.2 to 1; even-steps {even.Id[^8..]} from 0.2857 to 2");
        // The x-axis holds the steps either run logged (0-4 and 6). The first run's 0-4 are one line; the second run's 0, 2
        // and 4 stand alone (it has no value at 1 and 3), and its 4 and 6 are joined (no run logged a step 5).
        var lines = chart.Locator("polyline");
        await Assertions.Expect(lines).ToHaveCountAsync(2);
        Assert.Equal(5, (await lines.Nth(0).GetAttributeAsync("points"))!.Split(' ').Length);
        Assert.Equal(2, (await lines.Nth(1).GetAttributeAsync("points"))!.Split(' ').Length);
        await Assertions.Expect(chart.Locator("circle")).ToHaveCountAsync(9);
        await Assertions.Expect(chart.Locator("text.hub-chart-axis").Filter(new() { HasText = "6" })).ToHaveCountAsync(1);
        await ui.ScreenshotAsync("runs-compare-steps");
        Assert.Empty(ui.ConsoleErrors);
    }
}
