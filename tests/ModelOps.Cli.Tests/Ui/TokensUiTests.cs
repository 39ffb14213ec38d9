using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using ModelOps.Store;
using ModelOps.Store.Auth;

namespace ModelOps.Cli.Tests.Ui;

/// <summary>The API tokens page in Chromium: an admin makes a token, sees its secret once, revokes it in place, and the API refuses it.</summary>
[Collection(HubUiCollection.Name)]
public sealed class TokensUiTests(HubUiFixture hub)
{
    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task Admin_CreatesATokenSeesItsSecretOnce_RevokesItInPlace_AndTheApiRefusesIt(string scheme)
    {
        var name = $"ui-made-{scheme}";
        await using var ui = await UiSession.OpenAsync(hub, scheme);
        await ui.SignInAsync("admin", path: "/tokens");
        await ui.WaitForCircuitAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = "API tokens", Level = 1 })).ToBeVisibleAsync();

        var create = ui.Page.GetByRole(AriaRole.Button, new() { Name = "Create token" });
        await Assertions.Expect(create).ToBeDisabledAsync();
        await ui.Page.GetByLabel("Token name", new() { Exact = true }).FillAsync(name);
        await ui.Page.GetByLabel("Token role", new() { Exact = true }).ClickAsync();
        await ui.Page.GetByRole(AriaRole.Option, new() { Name = "scientist", Exact = true }).ClickAsync();
        // The list closes once the hub has taken the choice (a Create clicked before that made a viewer token in one CI run).
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Option)).ToHaveCountAsync(0);
        await Assertions.Expect(create).ToBeEnabledAsync();
        await create.ClickAsync();

        // The secret shows once, in the status under the form.
        var created = ui.Page.GetByRole(AriaRole.Status, new() { Name = "New token secret" });
        await Assertions.Expect(created).ToContainTextAsync($"Token {name} (scientist) was created. Copy its secret now: it is shown this once and never stored.");
        var secret = await created.GetByLabel("Secret", new() { Exact = true }).InnerTextAsync();
        Assert.StartsWith("mo_", secret, StringComparison.Ordinal);

        await using var store = await StoreFactory.OpenAsync(hub.Database);
        var token = (await store.Tokens.ListTokensAsync()).Single(t => t.Name == name);
        Assert.Equal((TokenRole.Scientist, null), (token.Role, token.RevokedAt));
        var row = ui.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = $"#{token.Id.ToString(CultureInfo.InvariantCulture)}" });
        await Assertions.Expect(row.GetByRole(AriaRole.Cell)).ToHaveTextAsync(
            [$"{name} #{token.Id}", "scientist", "active", token.CreatedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture), "never", "never", "Revoke"]);
        await ui.ScreenshotAsync("tokens-new-secret");

        using var client = new HttpClient { BaseAddress = hub.Address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using (var allowed = await client.GetAsync("/api/models"))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        // Revoke asks in place; the row then says revoked.
        await row.GetByRole(AriaRole.Button, new() { Name = $"Revoke {name}" }).ClickAsync();
        var confirm = row.GetByRole(AriaRole.Group, new() { Name = $"Confirm revoking {name}" });
        await Assertions.Expect(confirm).ToBeVisibleAsync();
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Yes, revoke" }).ClickAsync();
        await Assertions.Expect(row.GetByRole(AriaRole.Cell).Nth(2)).ToHaveTextAsync("revoked");
        await Assertions.Expect(row.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        Assert.NotNull((await store.Tokens.ListTokensAsync()).Single(t => t.Id == token.Id).RevokedAt);

        // Every hub refuses a revoked token within 2 seconds; allow for a loaded machine.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        HttpStatusCode status;
        while (true)
        {
            using var answer = await client.GetAsync("/api/models");
            status = answer.StatusCode;
            if (status == HttpStatusCode.Unauthorized || DateTimeOffset.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        await ui.ScreenshotAsync("tokens-revoked");
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }
}
