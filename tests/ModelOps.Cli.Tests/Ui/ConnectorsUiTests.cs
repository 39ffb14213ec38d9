using Microsoft.Playwright;
using ModelOps.Store;

namespace ModelOps.Cli.Tests.Ui;

/// <summary>The connectors page in Chromium: only admins reach it; an added key is shown as its last 4 characters only.</summary>
[Collection(HubUiCollection.Name)]
public sealed class ConnectorsUiTests(HubUiFixture hub)
{
    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task Admin_AddsAConnectorAndReplacesItsKey_TheKeysNeverReachThePage(string scheme)
    {
        var name = $"openai-{scheme}";
        const string Key = "sk-ui-test-1234567890abcdefghJk4M";
        const string Replacement = "sk-ui-test-replacement-0987654321Pp7Q";
        await using var ui = await UiSession.OpenAsync(hub, scheme);
        await ui.SignInAsync("admin", path: "/connectors");
        await ui.WaitForCircuitAsync();

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Add connector" }).ClickAsync();
        var form = ui.Page.GetByRole(AriaRole.Form, new() { Name = "Add connector" });
        await form.GetByLabel("Name").FillAsync(name);
        await form.GetByLabel("Model").FillAsync("gpt-4o-mini");
        await form.GetByLabel("API key").FillAsync(Key);
        await ui.ScreenshotAsync("connectors-add");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save connector" }).ClickAsync();

        var row = ui.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Assertions.Expect(row).ToContainTextAsync("…Jk4M");
        await Assertions.Expect(row).ToContainTextAsync("by ui-admin");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Replace the API key of {name}" }).ClickAsync();
        await ui.Page.GetByLabel($"New API key for {name}").FillAsync(Replacement);
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Save key" }).ClickAsync();
        // Until the key form closes, its row also holds the name (a strict-mode violation, which is not retried).
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Form, new() { Name = $"Replace the API key of {name}" })).ToHaveCountAsync(0);
        await Assertions.Expect(row).ToContainTextAsync("…Pp7Q");
        await ui.ScreenshotAsync("connectors");

        var html = await ui.Page.ContentAsync();
        Assert.DoesNotContain(Key[..^4], html, StringComparison.Ordinal);
        Assert.DoesNotContain(Replacement[..^4], html, StringComparison.Ordinal);
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        Assert.Equal(Replacement, (await store.Connectors.OpenConnectorAsync(name)).ApiKey);

        await row.GetByRole(AriaRole.Button, new() { Name = $"Remove {name}" }).ClickAsync();
        await ui.Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
        Assert.DoesNotContain(await store.Connectors.ListConnectorsAsync(), c => c.Name == name);
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Fact]
    public async Task Admin_InvalidConnector_IsRefusedWithEveryProblem()
    {
        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("admin", path: "/connectors");
        await ui.WaitForCircuitAsync();

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Add connector" }).ClickAsync();
        var form = ui.Page.GetByRole(AriaRole.Form, new() { Name = "Add connector" });
        await form.GetByLabel("Name").FillAsync("bad name");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save connector" }).ClickAsync();

        await Assertions.Expect(form.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            "connector 'bad name' is invalid: name: use 1 to 100 letters, digits, '-', '_' or '.'; model: name the model its calls use, 1 to 200 printable characters (e.g. gpt-4o-mini); api_key: kind openai needs the provider's API key (only openai-compatible endpoints may have none)");
        await ui.ScreenshotAsync("connectors-invalid");
    }

    [Fact]
    public async Task Scientist_SeesNoConnectorsLinkAndIsToldThePageNeedsAdmin()
    {
        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("scientist", path: "/connectors");

        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Your token's role may not open this page; it needs role admin.");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Link, new() { Name = "Connectors" })).ToHaveCountAsync(0);
    }
}
