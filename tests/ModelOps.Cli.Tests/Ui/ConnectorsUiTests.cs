using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Store;

namespace ModelOps.Cli.Tests.Ui;

/// <summary>
/// The connectors page in Chromium: only admins reach it; an added key is shown as its last 4 characters only; Test asks
/// the provider (an <see cref="LlmStubServer"/> on 127.0.0.1) and shows which model answered, or what it refused.
/// </summary>
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

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task Admin_TestsAConnector_SeesWhichModelAnsweredAndHowFast(string scheme)
    {
        const string Key = "sk-ui-stub-key-1234567890abcdefWx2Y";
        var name = $"stub-{scheme}";
        await using var stub = new LlmStubServer(LlmProtocol.OpenAI, Key);
        await using var ui = await UiSession.OpenAsync(hub, scheme);
        await ui.SignInAsync("admin", path: "/connectors");
        await ui.WaitForCircuitAsync();

        await AddAsync(ui, name, stub.BaseUrl, Key);
        var row = ui.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await row.GetByRole(AriaRole.Button, new() { Name = $"Test {name}", Exact = true }).ClickAsync();

        var result = ui.Page.GetByRole(AriaRole.Status, new() { Name = $"Test of {name}", Exact = true });
        await Assertions.Expect(result).ToHaveTextAsync(new Regex(@"^gpt-4o-mini answered in \d+ ms$"));
        var request = Assert.Single(stub.Requests);
        Assert.Equal(("/v1/chat/completions", "Bearer " + Key), (request.Path, request.Header("Authorization")));
        await ui.ScreenshotAsync("connectors-test");
        await RemoveAsync(name);
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Fact]
    public async Task Admin_TestsAConnectorWhoseKeyTheProviderRefuses_SeesTheRefusal()
    {
        const string Name = "stub-refused";
        await using var stub = new LlmStubServer(LlmProtocol.OpenAI, "sk-the-key-the-provider-expects-0000");
        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("admin", path: "/connectors");
        await ui.WaitForCircuitAsync();

        await AddAsync(ui, Name, stub.BaseUrl, "sk-ui-wrong-key-0987654321zyxwvuTs5R");
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = $"Test {Name}", Exact = true }).ClickAsync();

        // The provider's own message, which shows the key as the provider masks it (its first 3 and last 4 characters).
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert, new() { Name = $"Test of {Name}", Exact = true })).ToHaveTextAsync(new Regex(
            @"^the provider refused the API key \(401\): Incorrect API key provided: sk-\*+Ts5R\. You can find your API key at https://platform\.openai\.com/account/api-keys\.$"));
        Assert.Single(stub.Requests);
        Assert.DoesNotContain("wrong-key-0987654321", await ui.Page.ContentAsync(), StringComparison.Ordinal);
        await ui.ScreenshotAsync("connectors-test-refused");
        await RemoveAsync(Name);
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Fact]
    public async Task Scientist_SeesNoConnectorsLinkAndIsToldThePageNeedsAdmin()
    {
        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("scientist", path: "/connectors");

        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Your token's role may not open this page; it needs role admin.");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Link, new() { Name = "Connectors" })).ToHaveCountAsync(0);
    }

    // An OpenAI connector at the stub's base URL, through the page's form.
    private static async Task AddAsync(UiSession ui, string name, string baseUrl, string key)
    {
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Add connector" }).ClickAsync();
        var form = ui.Page.GetByRole(AriaRole.Form, new() { Name = "Add connector" });
        await form.GetByLabel("Name").FillAsync(name);
        await form.GetByLabel("Model").FillAsync("gpt-4o-mini");
        await form.GetByLabel("Base URL (optional)").FillAsync(baseUrl);
        await form.GetByLabel("API key").FillAsync(key);
        await form.GetByRole(AriaRole.Button, new() { Name = "Save connector" }).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToContainTextAsync(key[^4..]);
    }

    // Other tests of the shared hub list the connectors: leave none behind.
    private async Task RemoveAsync(string name)
    {
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        await store.Connectors.RemoveConnectorAsync(name);
    }
}
