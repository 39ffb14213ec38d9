using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ModelOps.Store;

namespace ModelOps.Cli.Tests.Ui;

/// <summary>Sign-in and the models list in Chromium, against the store's own values.</summary>
[Collection(HubUiCollection.Name)]
public sealed partial class ModelsUiTests(HubUiFixture hub)
{
    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task SignIn_ThenModels_ShowsEveryModelWithTheChampionsKeyMetric(string scheme)
    {
        await using var ui = await UiSession.OpenAsync(hub, scheme);

        await ui.SignInAsync("viewer");

        await Assertions.Expect(ui.Page).ToHaveURLAsync(new Regex("/models$"));
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = "Models", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByLabel("Signed in as")).ToContainTextAsync("ui-viewer · viewer");
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        var models = await store.ListModelsAsync();
        var table = ui.Page.GetByRole(AriaRole.Table);
        await Assertions.Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(models.Count + 1);
        foreach (var model in models)
        {
            var row = table.GetByRole(AriaRole.Row).Filter(new() { Has = ui.Page.GetByRole(AriaRole.Link, new() { Name = model.Name, Exact = true }) });
            var cells = await row.GetByRole(AriaRole.Cell).AllInnerTextsAsync();
            Assert.Equal(model.LatestVersion!.Value.ToString(CultureInfo.InvariantCulture), cells[1].Trim());
            if (model.Aliases.TryGetValue("Champion", out var champion))
            {
                Assert.Contains($"Champion → v{champion}", cells[2], StringComparison.Ordinal);
                var tags = (await store.GetVersionAsync(model.Name, champion)).Tags;
                var shown = KeyMetric().Match(cells[3]);
                Assert.True(shown.Success, cells[3]);
                var stored = double.Parse(tags[shown.Groups["name"].Value], CultureInfo.InvariantCulture);
                var value = double.Parse(shown.Groups["value"].Value.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
                Assert.Equal(stored, value, tolerance: Math.Abs(stored) * 5e-4);
            }
            else
            {
                Assert.Equal("no Champion", cells[3].Trim());
            }
        }

        await ui.ScreenshotAsync("models");
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Fact]
    public async Task SignIn_UnknownOrPredictorToken_IsRefusedWithTheReason()
    {
        await using var ui = await UiSession.OpenAsync(hub);

        await ui.SignInAsync(role: null, secret: "mo_not-a-token");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Sign-in refused: unknown token.");
        await ui.SignInAsync("predictor");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            "Token 'ui-predictor' has role predictor, which may not read; the web UI needs role admin, scientist or viewer.");

        await Assertions.Expect(ui.Page).ToHaveURLAsync(new Regex("/signin"));
        await ui.ScreenshotAsync("signin-refused");
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Fact]
    public async Task Page_WithoutSession_GoesToSignInAndBackAfterIt()
    {
        await using var ui = await UiSession.OpenAsync(hub);

        await ui.Page.GotoAsync("/models?from=link");
        await Assertions.Expect(ui.Page).ToHaveURLAsync(new Regex("/signin\\?ReturnUrl=%2Fmodels%3Ffrom%3Dlink$"));
        await ui.ScreenshotAsync("signin");
        await ui.Page.GetByLabel("API token").FillAsync(hub.Tokens["scientist"]);
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(ui.Page).ToHaveURLAsync(new Regex("/models\\?from=link$"));
        Assert.Empty(ui.ConsoleErrors);
    }

    [Fact]
    public async Task Search_FiltersModelsAndSaysWhenNoneMatches()
    {
        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("viewer");
        await ui.WaitForCircuitAsync();
        var table = ui.Page.GetByRole(AriaRole.Table);

        await ui.Page.GetByLabel("Search models").FillAsync("CREDIT");
        await Assertions.Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Assertions.Expect(table.GetByRole(AriaRole.Link)).ToHaveTextAsync(["credit_risk"]);
        await ui.Page.GetByLabel("Search models").FillAsync("zzz");

        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "No model matches 'zzz'" })).ToContainTextAsync("Search looks in names and descriptions.");
        await ui.ScreenshotAsync("models-no-match");
        Assert.Empty(ui.ConsoleErrors);
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("admin");
        await ui.WaitForCircuitAsync();

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(ui.Page).ToHaveURLAsync(new Regex("/signin$"));
        await ui.Page.GotoAsync("/models");

        await Assertions.Expect(ui.Page).ToHaveURLAsync(new Regex("/signin\\?ReturnUrl=%2Fmodels$"));
        Assert.Empty(ui.ConsoleErrors);
    }

    [Fact]
    public async Task ApiReference_IsServedByTheHubFromItsOwnOpenApiDocument()
    {
        await using var ui = await UiSession.OpenAsync(hub);
        // The reference renders once the hub's OpenAPI document arrives; on a loaded CI machine (every test project runs
        // at once) generating it the first time took longer than a locator's wait, so the test waits for it explicitly.
        var document = ui.Page.WaitForResponseAsync(r => r.Url.EndsWith("/openapi/v1.json", StringComparison.Ordinal), new() { Timeout = 90_000 });
        await ui.SignInAsync("viewer", path: "/scalar");

        Assert.Equal(200, (await document).Status);
        await Assertions.Expect(ui.Page).ToHaveTitleAsync("ModelOps hub API");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Liveness, the routing revision") })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Complementary, new() { Name = "Sidebar for ModelOps hub API" })).ToBeVisibleAsync();
        await ui.ScreenshotAsync("api-reference");
        Assert.Empty(ui.OutsideRequests);
        Assert.Empty(ui.ConsoleErrors);
    }

    [GeneratedRegex(@"(?<name>[a-z_0-9]+) (?<value>-?[\d,]+(\.\d+)?)")]
    private static partial Regex KeyMetric();
}
