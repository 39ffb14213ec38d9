using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ModelOps.Store;
using ModelOps.Store.Auth;
using ModelOps.Store.Connectors;
using ModelOps.Store.Groups;

namespace ModelOps.Hub.Tests.Infrastructure;

/// <summary>A real hub (Kestrel on 127.0.0.1, a free port) over a real database, with one token per role.</summary>
internal sealed class HubHost : IAsyncDisposable
{
    private readonly Dictionary<TokenRole, HttpClient> _clients = [];
    private readonly Dictionary<TokenRole, string> _secrets = [];
    private WebApplication? _app;

    private HubHost(string database, IModelStore store)
    {
        Database = database;
        Store = store;
    }

    public string Database { get; }

    /// <summary>A store of the test's own on the same database (to set up and to check what the hub wrote).</summary>
    public IModelStore Store { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Admin => _clients[TokenRole.Admin];

    public HttpClient Scientist => _clients[TokenRole.Scientist];

    public HttpClient Predictor => _clients[TokenRole.Predictor];

    public HttpClient Viewer => _clients[TokenRole.Viewer];

    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>The running hub's services (its meter factory, its singletons).</summary>
    public IServiceProvider Services => _app!.Services;

    /// <summary>The master key of every test hub's connectors (one per test process).</summary>
    public static readonly string MasterKey = SecretKeyRing.NewKey();

    /// <summary>Opens the database, registers the test models when asked, makes tokens and starts a hub on it.</summary>
    public static async Task<HubHost> StartAsync(string database, string artifacts, bool register = true, HubOptions? options = null)
    {
        // The hub's own SQLite settings (HubDefaults.Store), with the test's artifacts and actor.
        var storeOptions = new StoreOptions
        {
            ArtifactRoot = artifacts,
            Actor = "tests",
            BusyTimeout = options?.Store.BusyTimeout ?? new StoreOptions().BusyTimeout,
            SqliteSynchronousNormal = HubDefaults.Store().SqliteSynchronousNormal,
            SqliteCheckpointInterval = HubDefaults.Store().SqliteCheckpointInterval,
            SecretKeys = SecretKeyRing.FromKeys([MasterKey], "test master key"),
        };
        var store = await StoreFactory.OpenAsync(database, storeOptions);
        var host = new HubHost(database, store);
        if (register)
        {
            await TestModels.RegisterAllAsync(store);
        }

        var settings = options ?? new HubOptions();
        settings = new HubOptions
        {
            Database = database,
            Store = storeOptions,
            Urls = "http://127.0.0.1:0",
            MaxRequestBodyBytes = settings.MaxRequestBodyBytes,
            MaxImportBodyBytes = settings.MaxImportBodyBytes,
            MaxRecordsPerRequest = settings.MaxRecordsPerRequest,
            MaxExactAnalyticsRows = settings.MaxExactAnalyticsRows,
            GuardrailInterval = settings.GuardrailInterval,
            AlertWebhook = settings.AlertWebhook,
            LogQueueCapacity = settings.LogQueueCapacity,
            LogMaxBatchRows = settings.LogMaxBatchRows,
            RefreshInterval = settings.RefreshInterval,
            Workers = settings.Workers,

            // In-process tests stop their hub at once unless a test asks for the drain.
            ShutdownDrain = options?.ShutdownDrain ?? TimeSpan.Zero,
        };
        host._app = await HubApp.CreateAsync(settings);
        await host._app.StartAsync();
        host.BaseAddress = new Uri(HubApp.Addresses(host._app)[0]);
        foreach (var role in Enum.GetValues<TokenRole>())
        {
            var token = await store.Tokens.CreateTokenAsync(role.ToName() + "-token", role);
            host._secrets[role] = token.Secret;
            host._clients[role] = host.Client(token.Secret);
        }

        host.Anonymous = host.Client(null);
        return host;
    }

    /// <summary>Stops the hub as SIGTERM does (drain, stop accepting, finish, flush); disposing it later is harmless.</summary>
    public Task StopAsync() => _app!.StopAsync();

    /// <summary>A client that signed in to the web UI with the viewer token, as a browser does: it carries the session cookie, no header.</summary>
    public async Task<HttpClient> SignInBrowserAsync()
    {
        var browser = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        var form = await browser.GetStringAsync("/signin");
        var antiforgery = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var signIn = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = antiforgery,
            ["Input.Token"] = _secrets[TokenRole.Viewer],
        }));
        return signIn.StatusCode == System.Net.HttpStatusCode.Redirect ? browser : throw new InvalidOperationException($"sign-in answered {signIn.StatusCode}");
    }

    public HttpClient Client(string? token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        Anonymous?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await Store.DisposeAsync();
    }

    /// <summary>Creates group <paramref name="name"/>: bike/1 Champion at <paramref name="championWeight"/>, bike/2 Challenger, bike/3 Shadow when asked.</summary>
    public async Task<JsonElement> CreateBikeGroupAsync(string name, int championWeight = 90, bool shadow = false, string policy = "archive")
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["deletionPolicy"] = policy,
            ["champion"] = new { model = "bike", version = 1 },
            ["challengers"] = new[] { new { model = "bike", version = 2, weight = 100 - championWeight } },
            ["shadows"] = shadow ? new[] { new { model = "bike", version = 3 } } : Array.Empty<object>(),
        };
        using var response = await Scientist.PostAsJsonAsync("/api/groups", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");
}

/// <summary>Reads answers.</summary>
internal static class Answers
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The status and the problem's <c>detail</c>.</summary>
    public static async Task<(int Status, string? Detail)> ProblemAsync(this Task<HttpResponseMessage> send)
    {
        using var response = await send;
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(text).RootElement;
        return ((int)response.StatusCode, json.TryGetProperty("detail", out var detail) ? detail.GetString() : null);
    }
}
