using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ModelOps.Core.Analytics;
using ModelOps.Store;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Cli.Tests;

/// <summary><c>modelops tokens</c> and <c>modelops serve</c> as real processes, including a SIGKILL under load.</summary>
public abstract class ServeCommandTests : IAsyncLifetime
{
    private const string Record = """{"season":1,"hr":3,"weekday":6,"workingday":0,"weathersit":1,"temp":0.2,"hum":0.8,"windspeed":0}""";

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "modelops-serve-" + Guid.NewGuid().ToString("N")[..12]);

    protected string Database { get; private set; } = string.Empty;

    protected string Folder => _folder;

    protected abstract Task<string> CreateDatabaseAsync();

    /// <summary>What <c>/health</c> of a hub served on <see cref="Database"/> (no options) reports as its durability.</summary>
    protected abstract string ExpectedDurability { get; }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        Database = await CreateDatabaseAsync();
        await BikeModel.RegisterAsync(Database, Path.Combine(_folder, "artifacts"));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void TokensCreate_UnknownRole_IsConfigErrorNamingTheRoles()
    {
        var (code, _, stderr) = CliProcess.Run("tokens", "create", "--role", "boss", "--database", Database);

        Assert.Equal(ExitCodes.ConfigError, code);
        Assert.Equal("error: unknown role 'boss': use admin, scientist, predictor, viewer", stderr.Trim());
    }

    [Fact]
    public async Task TokensCreate_PrintsSecretOnceAndStoresOnlyItsHash()
    {
        var (code, stdout, _) = CliProcess.Run("tokens", "create", "--role", "predictor", "--name", "ci", "--json", "--database", Database);

        Assert.Equal(0, code);
        var secret = JsonDocument.Parse(stdout).RootElement.GetProperty("secret").GetString()!;
        await using var store = await StoreFactory.OpenAsync(Database);
        var token = await store.Tokens.FindTokenAsync(secret);
        Assert.Equal(("ci", ModelOps.Store.Auth.TokenRole.Predictor), (token!.Name, token.Role));
        var (_, list, _) = CliProcess.Run("tokens", "list", "--json", "--database", Database);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.Contains("\"ci\"", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_KilledWithSigkillUnderLoad_EveryAnsweredRequestHasItsRows()
    {
        var (_, stdout, _) = CliProcess.Run("tokens", "create", "--role", "admin", "--json", "--database", Database);
        var secret = JsonDocument.Parse(stdout).RootElement.GetProperty("secret").GetString()!;
        var answered = new ConcurrentBag<string>();
        using (var server = await ServeProcess.StartAsync(Database))
        {
            using var client = Client(server.Address, secret);

            // The guarantee checked below holds for the hub's default durability.
            var health = JsonDocument.Parse(await client.GetStringAsync("/health")).RootElement;
            Assert.Equal(ExpectedDurability, health.GetProperty("durability").GetString());
            using var created = await client.PostAsJsonAsync("/api/groups", new { name = "rides", champion = new { model = "bike", version = 1 } });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());

            // Each client sends until the dead server fails one of its requests: that request got
            // no 2xx, so it promises nothing. (Stopping the clients with a flag after the kill raced
            // with it: on a loaded machine all eight could be between requests and send none.)
            async Task LoadAsync()
            {
                while (true)
                {
                    try
                    {
                        using var response = await client.PostAsync("/api/groups/rides/predict", new StringContent($$"""{"records":[{{Record}},{{Record}}]}""", Encoding.UTF8, "application/json"));
                        if (response.IsSuccessStatusCode)
                        {
                            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                            answered.Add(json.RootElement.GetProperty("requestId").GetString()!);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return;
                    }
                }
            }

            var load = Enumerable.Range(0, 8).Select(_ => Task.Run(LoadAsync)).ToArray();
            while (answered.Count < 300 && !load.All(task => task.IsCompleted))
            {
                await Task.Delay(20);
            }

            Assert.True(answered.Count >= 300, "the hub failed requests before it was killed");
            server.Kill();
            await Task.WhenAll(load);
        }

        await using (var store = await StoreFactory.OpenAsync(Database))
        {
            foreach (var requestId in answered)
            {
                var rows = await store.InferenceLog.GetRequestAsync("rides", requestId);
                Assert.Equal([0, 1], rows.Select(r => r.Record.RecordIndex));
            }
        }

        using var restarted = await ServeProcess.StartAsync(Database);
        using var again = Client(restarted.Address, secret);
        using var after = await again.PostAsync("/api/groups/rides/predict", new StringContent($$"""{"record":{{Record}}}""", Encoding.UTF8, "application/json"));
        Assert.True(after.IsSuccessStatusCode, await after.Content.ReadAsStringAsync());

        // The statistics the killed hub committed with its rows, and the labels sent after the restart: the served report
        // is the exact report of the rows (nothing counted twice or lost with the kill).
        foreach (var requestId in answered.Take(50))
        {
            using var feedback = await again.PostAsJsonAsync("/api/groups/rides/feedback", new { requestId, actual = 42.0 });
            Assert.True(feedback.IsSuccessStatusCode, await feedback.Content.ReadAsStringAsync());
        }

        var from = DateTimeOffset.UtcNow.AddHours(-1);
        var window = $"from={from:yyyy-MM-ddTHH:mm}:00Z&to={DateTimeOffset.UtcNow.AddMinutes(2):yyyy-MM-ddTHH:mm}:00Z";
        var served = await again.GetFromJsonAsync<GroupAnalyticsReport>($"/api/groups/rides/analytics?{window}", Web);
        var exact = await again.GetFromJsonAsync<GroupAnalyticsReport>($"/api/groups/rides/analytics?{window}&exact=true", Web);
        Assert.True(exact!.Rows >= (2 * answered.Count) + 1, $"{exact.Rows} rows for {answered.Count} answered requests");
        Assert.Equal(100, exact.Models[0].Labelled);
        ReportAssert.Equivalent(exact, served!);
    }


    [Fact]
    public async Task Serve_SigtermUnderLoad_AnswersEveryRequestItTookAndDropsNone()
    {
        var (_, stdout, _) = CliProcess.Run("tokens", "create", "--role", "admin", "--json", "--database", Database);
        var secret = JsonDocument.Parse(stdout).RootElement.GetProperty("secret").GetString()!;
        var answered = new ConcurrentBag<string>();
        var failures = new ConcurrentBag<string>();
        var closing = 0;
        using var server = await ServeProcess.StartAsync(Database);
        using (var client = Client(server.Address, secret))
        {
            using var created = await client.PostAsJsonAsync("/api/groups", new { name = "rides", champion = new { model = "bike", version = 1 } });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        // Keep-alive clients that never retry: each runs until the stopped hub refuses its next connection.
        async Task LoadAsync()
        {
            using var raw = new RawHttpClient(server.Address, secret);
            while (true)
            {
                var response = await raw.SendAsync("POST", "/api/groups/rides/predict", $$"""{"records":[{{Record}},{{Record}}]}""");
                switch (response)
                {
                    case { Outcome: RawOutcome.Refused }:
                        return;
                    case { Outcome: RawOutcome.Answered, Status: 200 }:
                        answered.Add(JsonDocument.Parse(response.Body).RootElement.GetProperty("requestId").GetString()!);
                        if (response.Close)
                        {
                            Interlocked.Increment(ref closing);
                        }

                        break;
                    default:
                        failures.Add($"{response.Outcome} {response.Status} {response.Error} {response.Body}");
                        break;
                }
            }
        }

        var load = Enumerable.Range(0, 8).Select(_ => Task.Run(LoadAsync)).ToArray();
        while (answered.Count < 300 && load.All(t => !t.IsCompleted))
        {
            await Task.Delay(20);
        }

        var stop = server.TerminateAsync();
        var health = new List<string>();
        using (var probe = new RawHttpClient(server.Address, secret))
        {
            for (var response = await probe.SendAsync("GET", "/health"); response.Outcome != RawOutcome.Refused; response = await probe.SendAsync("GET", "/health"))
            {
                health.Add($"{response.Status} {(response.Status == 0 ? response.Outcome : JsonDocument.Parse(response.Body).RootElement.GetProperty("status").GetString())}");
                await Task.Delay(50);
            }
        }

        var (exitCode, stderr) = await stop;
        await Task.WhenAll(load);

        Assert.True(failures.IsEmpty, string.Join('\n', failures));
        Assert.True(exitCode == 0, stderr);
        Assert.True(closing > 0, "answers during the drain say Connection: close");
        Assert.Contains("503 stopping", health);
        await using var store = await StoreFactory.OpenAsync(Database);
        foreach (var requestId in answered)
        {
            var rows = await store.InferenceLog.GetRequestAsync("rides", requestId);
            Assert.Equal([0, 1], rows.Select(r => r.Record.RecordIndex));
        }
    }

    [Fact]
    public async Task Serve_TwoHubsOnOneDatabase_ShareTheSessionKeys_ASignInOnOneIsValidOnTheOther()
    {
        var (_, stdout, _) = CliProcess.Run("tokens", "create", "--role", "viewer", "--name", "browser", "--json", "--database", Database);
        var secret = JsonDocument.Parse(stdout).RootElement.GetProperty("secret").GetString()!;

        // Each hub gets a home of its own: the framework's default key folder (~/.aspnet) would differ between them.
        // They share the master key, as hubs on one database must.
        var master = ModelOps.Store.Connectors.SecretKeyRing.NewKey();
        Dictionary<string, string?> Home(string name) => new()
        {
            ["HOME"] = Directory.CreateDirectory(Path.Combine(Folder, name)).FullName,
            [ModelOps.Store.Connectors.SecretKeyRing.KeyVariable] = master,
        };
        using var first = await ServeProcess.StartAsync(Database, environment: Home("home-a"));
        using var second = await ServeProcess.StartAsync(Database, environment: Home("home-b"));
        var cookies = new CookieContainer();
        using var onFirst = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = first.Address };
        var form = await onFirst.GetStringAsync("/signin");
        var antiforgery = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var signIn = await onFirst.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = antiforgery,
            ["Input.Token"] = secret,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        // The same cookie, sent to the other hub.
        var session = cookies.GetCookies(first.Address)["modelops_session"]!;
        cookies.Add(second.Address, new Cookie(session.Name, session.Value, "/", second.Address.Host));
        using var onSecond = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = second.Address };
        using var page = await onSecond.GetAsync("/models");
        using var anonymous = await new HttpClient { BaseAddress = second.Address }.GetAsync("/models");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("browser · viewer", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("browser · viewer", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var store = await StoreFactory.OpenAsync(Database, new StoreOptions { SecretKeys = ModelOps.Store.Connectors.SecretKeyRing.FromKeys([master], "the test") });
        var key = System.Xml.Linq.XElement.Parse(Assert.Single(await store.Tokens.GetSessionKeysAsync()));
        Assert.Equal("key", key.Name.LocalName);
        Assert.False(Directory.Exists(Path.Combine(Folder, "home-a", ".aspnet", "DataProtection-Keys")), "no key is written to the machine's folder");
    }

    private static HttpClient Client(Uri address, string secret)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }
}

public sealed class SqliteServeCommandTests : ServeCommandTests
{
    protected override string ExpectedDurability => "synchronous=normal&checkpoint=background";

    protected override Task<string> CreateDatabaseAsync() => Task.FromResult(Path.Combine(Folder, "modelops.db"));
}

[Collection(ModelOps.Store.Tests.Infrastructure.PostgresCollection.Name)]
public sealed class PostgresServeCommandTests(ModelOps.Store.Tests.Infrastructure.PostgresServer server) : ServeCommandTests
{
    protected override string ExpectedDurability => "server";

    protected override Task<string> CreateDatabaseAsync() => server.CreateSchemaUrlAsync();

    [Fact]
    public async Task Serve_FromAnEmptyWorkingFolderOfItsOwn_LoadsAndServesTheModelFromTheDatabase()
    {
        // A second machine: the hub has the database URL and nothing else; the model was registered by this process.
        var (_, stdout, _) = CliProcess.Run("tokens", "create", "--role", "admin", "--json", "--database", Database);
        var secret = JsonDocument.Parse(stdout).RootElement.GetProperty("secret").GetString()!;
        var empty = Directory.CreateTempSubdirectory("modelops-second-hub-");
        try
        {
            using var hub = await ServeProcess.StartAsync(Database, empty.FullName);
            using var client = new HttpClient { BaseAddress = hub.Address };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            using var created = await client.PostAsJsonAsync("/api/groups", new { name = "rides", champion = new { model = "bike", version = 1 } });
            using var predicted = await client.PostAsync("/api/groups/rides/predict", new StringContent("""{"record":{"season":1,"hr":3,"weekday":6,"workingday":0,"weathersit":1,"temp":0.2,"hum":0.8,"windspeed":0}}""", Encoding.UTF8, "application/json"));
            using var artifact = await client.GetAsync("/api/models/bike/versions/1/artifact");

            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            Assert.True(predicted.IsSuccessStatusCode, await predicted.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, artifact.StatusCode);
            Assert.StartsWith("modelops-db:sha256/", (await client.GetFromJsonAsync<JsonElement>("/api/models/bike/versions/1")).GetProperty("artifactUri").GetString(), StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(empty.FullName));
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }
}
