using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ModelOps.Cli.Tests.Ui;

/// <summary>
/// One browser page of a test, in a light or dark color scheme, that records every console error and every
/// request that would leave 127.0.0.1 (and blocks it): a UI test ends by asserting both lists are empty.
/// </summary>
internal sealed class UiSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<string> _consoleErrors = new();
    private readonly ConcurrentQueue<string> _outsideRequests = new();

    private UiSession(IBrowserContext context, IPage page, HubUiFixture hub, string scheme)
    {
        _context = context;
        Page = page;
        Hub = hub;
        Scheme = scheme;
    }

    public IPage Page { get; }

    public HubUiFixture Hub { get; }

    /// <summary><c>light</c> or <c>dark</c>.</summary>
    public string Scheme { get; }

    public IReadOnlyCollection<string> ConsoleErrors => _consoleErrors;

    public IReadOnlyCollection<string> OutsideRequests => _outsideRequests;

    public static async Task<UiSession> OpenAsync(HubUiFixture hub, string scheme = "light")
    {
        var context = await hub.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = hub.Address.ToString(),
            ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        var page = await context.NewPageAsync();
        var session = new UiSession(context, page, hub, scheme);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                session._consoleErrors.Enqueue($"{page.Url}: {message.Text}");
            }
        };
        page.PageError += (_, error) => session._consoleErrors.Enqueue($"{page.Url}: {error}");
        await context.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.Scheme is "http" or "https" or "ws" or "wss" && url.Host != "127.0.0.1")
            {
                session._outsideRequests.Enqueue(route.Request.Url);
                await route.AbortAsync();
                return;
            }

            await route.ContinueAsync();
        });
        return session;
    }

    /// <summary>Signs in on the sign-in page with the token of <paramref name="role"/> (or a raw <paramref name="secret"/>).</summary>
    public async Task SignInAsync(string? role, string? secret = null, string path = "/")
    {
        await Page.GotoAsync(path);
        await Page.GetByLabel("API token").FillAsync(secret ?? Hub.Tokens[role!]);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Waits until the page is interactive (the circuit is up), so clicks reach the server.</summary>
    public async Task WaitForCircuitAsync()
    {
        try
        {
            await Page.Locator("#hub-interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 15_000 });
        }
        catch (TimeoutException error)
        {
            throw new TimeoutException($"no interactive page at {Page.Url}; console errors: {string.Join(" | ", _consoleErrors)}; blazor: {await Page.EvaluateAsync<string>("() => typeof window.Blazor")}", error);
        }
    }

    /// <summary>
    /// Waits for the page to navigate to a URL matching <paramref name="url"/>; a timeout says where the page is and what
    /// it shows (a submit still running, an alert), so a slow machine and a failed action tell apart in a CI log.
    /// </summary>
    public async Task WaitForUrlAsync(Regex url, float timeout)
    {
        try
        {
            await Page.WaitForURLAsync(url, new() { Timeout = timeout });
        }
        catch (TimeoutException error)
        {
            var busy = await Page.Locator(".mud-progress-linear").CountAsync() > 0;
            var alerts = await Page.GetByRole(AriaRole.Alert).AllInnerTextsAsync();
            throw new TimeoutException(
                $"still at {Page.Url} after {timeout / 1000:F0} s; {(busy ? "a progress bar shows (the action is still running)" : "no progress bar")}; "
                + $"alerts: [{string.Join(" | ", alerts)}]; console errors: [{string.Join(" | ", _consoleErrors)}]",
                error);
        }
    }

    /// <summary>
    /// A PNG of the whole page under <see cref="HubUiFixture.Screenshots"/> (<c>models-light.png</c>): the viewport is made as tall as the
    /// page first, so the fixed app bar stays on top instead of being stitched into the middle.
    /// </summary>
    public async Task ScreenshotAsync(string name)
    {
        if (await Page.Locator(".mud-layout").CountAsync() > 0)
        {
            // A page with the layout is shot once live: charts measured, the browser's color scheme applied.
            await WaitForCircuitAsync();
        }

        var height = await Page.EvaluateAsync<int>("() => { window.scrollTo(0, 0); return Math.max(document.documentElement.scrollHeight, 800); }");
        await Page.SetViewportSizeAsync(1280, height);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(HubUiFixture.Screenshots, $"{name}-{Scheme}.png") });
        await Page.SetViewportSizeAsync(1280, 800);
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
