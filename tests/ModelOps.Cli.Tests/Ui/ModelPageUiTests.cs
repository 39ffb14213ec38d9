using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ModelOps.Store;

namespace ModelOps.Cli.Tests.Ui;

/// <summary>The model page (Analytics and Versions tabs) in Chromium, against the store's own values.</summary>
[Collection(HubUiCollection.Name)]
public sealed class ModelPageUiTests(HubUiFixture hub)
{
    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task Analytics_ShowsTheRegisteredMetricsWithTheirChangeChartsTuningAndImportances(string scheme)
    {
        await using var ui = await UiSession.OpenAsync(hub, scheme);
        await ui.SignInAsync("viewer", path: "/models/bike_demand?version=2");
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        var v1 = (await store.GetVersionAsync("bike_demand", 1)).Tags;
        var v2 = (await store.GetVersionAsync("bike_demand", 2)).Tags;

        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = "bike_demand", Level = 1 })).ToBeVisibleAsync();
        var cards = ui.Page.GetByRole(AriaRole.Group, new() { Name = "Key metrics" });
        foreach (var metric in (string[])["rmse", "mae", "r2"])
        {
            var card = cards.GetByRole(AriaRole.Group, new() { Name = metric, Exact = true });
            var text = (await card.InnerTextAsync()).Split('\n', 2)[1];
            var value = double.Parse(v2[metric], CultureInfo.InvariantCulture);
            var change = value - double.Parse(v1[metric], CultureInfo.InvariantCulture);
            Assert.Equal(value, Number(text, 1), tolerance: Math.Abs(value) * 5e-4);
            Assert.Equal(change, Number(text, 2), tolerance: Math.Abs(change) * 5e-3 + 1e-4);
            Assert.Contains("vs v1", text, StringComparison.Ordinal);
            var better = metric == "r2" ? change > 0 : change < 0;
            Assert.Contains(better ? "(better)" : "(worse)", text, StringComparison.Ordinal);
        }

        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Figure, new() { Name = "rmse across versions" })).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Figure, new() { Name = "Share of mean |SHAP| and of split gain, top features (%)" })).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = "Every metric" })).ToBeVisibleAsync();
        await ui.WaitForCircuitAsync();
        await ui.ScreenshotAsync("model-analytics-v2");
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Fact]
    public async Task Analytics_OfTheChampion_ShowsItsTuningTrialsAndEvaluation()
    {
        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("viewer", path: "/models/bike_demand");
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        var training = await store.GetRunAsync((await store.GetVersionAsync("bike_demand", 1)).RunId!);
        var tuning = await store.GetRunAsync(training.Tags["tuning_run"]);

        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = "Tuning: 4 candidates by cross-validated rmse" })).ToBeVisibleAsync();
        var best = tuning.Metrics.Single(m => m.Key == "best_rmse").Value;
        await Assertions.Expect(ui.Page.GetByText(new Regex($"Best rmse {Regex.Escape(best.ToString("0.##", CultureInfo.InvariantCulture))}"))).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Figure, new() { Name = "rmse against learning_rate" })).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Figure, new() { Name = "rmse against max_leaf_nodes" })).ToBeVisibleAsync();
        await ui.WaitForCircuitAsync();
        await ui.Page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Evaluation \\(EvaluationsJob") }).ClickAsync();
        var evaluation = (await store.ListRunsAsync("bike")).Single(r => r.Name == "EvaluationsJob");
        var r2 = (await store.GetRunAsync(evaluation.Id)).Metrics.Single(m => m.Key == "r2").Value;
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Row, new() { NameRegex = new Regex($"^r2 {Regex.Escape(r2.ToString("0.####", CultureInfo.InvariantCulture))}") })).ToBeVisibleAsync();

        await ui.ScreenshotAsync("model-analytics-champion");
        Assert.Empty(ui.ConsoleErrors);
    }

    [Fact]
    public async Task Versions_ShowSignatureLineageAliasHistoryAndDownloadTheRegisteredFile()
    {
        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("viewer", path: "/models/bike_demand");
        await ui.WaitForCircuitAsync();
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        var version = await store.GetVersionAsync("bike_demand", 1);
        var run = await store.GetRunAsync(version.RunId!);
        var artifact = run.Artifacts.Single(a => a.Path == "model.json");

        await ui.Page.GetByRole(AriaRole.Tab, new() { Name = "Versions (2)" }).ClickAsync();

        var signature = ui.Page.GetByRole(AriaRole.Table, new() { Name = "Signature of version 1" });
        await Assertions.Expect(signature.GetByRole(AriaRole.Row)).ToHaveCountAsync(13);
        await Assertions.Expect(signature.GetByRole(AriaRole.Row, new() { Name = "temp float64", Exact = true })).ToBeVisibleAsync();
        var lineage = ui.Page.GetByRole(AriaRole.Table, new() { Name = "Lineage of version 1" });
        var inputs = run.Datasets[0];
        await Assertions.Expect(lineage.GetByRole(AriaRole.Row).Nth(1).GetByRole(AriaRole.Cell)).ToHaveTextAsync(
            [inputs.Name, inputs.SourceUri!, inputs.RowCount.ToString("N0", CultureInfo.InvariantCulture), inputs.ColumnCount.ToString(CultureInfo.InvariantCulture), inputs.Digest[..19] + "…"]);
        var move = ui.Page.GetByRole(AriaRole.Table, new() { Name = "Alias history" }).GetByRole(AriaRole.Row).Nth(1).GetByRole(AriaRole.Cell);
        await Assertions.Expect(move.Nth(1)).ToHaveTextAsync("Champion");
        await Assertions.Expect(move.Nth(2)).ToHaveTextAsync("none → v1");
        var download = await ui.Page.RunAndWaitForDownloadAsync(() => ui.Page.GetByRole(AriaRole.Link, new() { Name = "Download the model file of version 1" }).ClickAsync());
        var path = await download.PathAsync();

        Assert.Equal("model.json", download.SuggestedFilename);
        Assert.Equal(artifact.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path))));
        await ui.ScreenshotAsync("model-versions");
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Fact]
    public async Task UnknownModel_ShowsTheStoresProblem()
    {
        // The list names every model of the shared hub's store, which other UI test classes add to (JobsUiTests
        // registers its own): the page must show the store's own message, whatever ran before.
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        var problem = (await Assert.ThrowsAsync<StoreException>(() => store.GetModelAsync("bike_demnd"))).Message;
        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("viewer", path: "/models/bike_demnd");

        Assert.StartsWith("model 'bike_demnd' not found; models are: bike_demand, ", problem, StringComparison.Ordinal);
        Assert.Contains(", credit_risk", problem, StringComparison.Ordinal);
        Assert.EndsWith(" (did you mean bike_demand?)", problem, StringComparison.Ordinal);
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(problem);
        await ui.ScreenshotAsync("model-not-found");
    }

    // The n-th number (1-based) in a card's text: "rmse 61.2 ▼ -1.58 vs v1 (better)".
    private static double Number(string text, int n) =>
        double.Parse(Regex.Matches(text, @"[-+]?\d[\d,]*(\.\d+)?")[n - 1].Value.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
}
