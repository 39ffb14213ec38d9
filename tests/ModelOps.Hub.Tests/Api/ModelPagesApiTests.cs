using System.Net;
using System.Text.Json;
using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Store.Registry;
using ModelOps.Store.Tracking;

namespace ModelOps.Hub.Tests.Api;

/// <summary>The endpoints behind the UI's models pages, the OpenAPI document's security, and the UI's color-scheme hint.</summary>
public sealed class ModelPagesApiTests() : HubTests(new SqliteHub())
{
    private async Task RegisterScoredAsync(double rmse, double r2)
    {
        var run = await Hub.Store.StartRunAsync("hub-tests", new RunStart { Name = "train-scored" });
        await Hub.Store.RegisterAsync(new ModelRegistration("bike", TestModels.Bike[2], run.Id) { Metrics = new Dictionary<string, double> { ["rmse"] = rmse, ["r2"] = r2 } });
        await Hub.Store.EndRunAsync(run.Id, RunStatus.Finished);
    }

    [Fact]
    public async Task ModelSummaries_SearchAndChampionsKeyMetric()
    {
        await RegisterScoredAsync(70, 0.8);
        await RegisterScoredAsync(65, 0.85);
        await Hub.Store.SetAliasAsync("bike", "Champion", 5);

        var bike = await Hub.Viewer.GetFromJsonAsync<JsonElement>("/api/model-summaries?search=BIK");
        var all = await Hub.Viewer.GetFromJsonAsync<JsonElement>("/api/model-summaries");

        var only = Assert.Single(bike.EnumerateArray());
        Assert.Equal(("bike", 5, 5), (only.GetProperty("name").GetString(), only.GetProperty("versions").GetInt32(), only.GetProperty("championVersion").GetInt32()));
        var metric = only.GetProperty("championMetric");
        Assert.Equal(("rmse", 65.0, false), (metric.GetProperty("name").GetString(), metric.GetProperty("value").GetDouble(), metric.GetProperty("greaterIsBetter").GetBoolean()));
        Assert.Equal(["bike", "credit"], all.EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.False(all[1].TryGetProperty("championMetric", out _));
    }

    [Fact]
    public async Task Analytics_KeyMetricsCarryTheChangeAgainstThePreviousVersion()
    {
        await RegisterScoredAsync(70, 0.8);
        await RegisterScoredAsync(65, 0.85);

        var analytics = await Hub.Viewer.GetFromJsonAsync<JsonElement>("/api/models/bike/analytics?version=5");
        var (status, detail) = await Hub.Viewer.GetAsync("/api/models/bike/analytics?version=9").ProblemAsync();

        Assert.Equal((5, false), (analytics.GetProperty("version").GetInt32(), analytics.GetProperty("external").GetBoolean()));
        var rmse = analytics.GetProperty("keyMetrics")[0];
        Assert.Equal(("rmse", 65.0, 70.0, 4, -5.0, true),
            (rmse.GetProperty("name").GetString(), rmse.GetProperty("value").GetDouble(), rmse.GetProperty("previous").GetDouble(), rmse.GetProperty("previousVersion").GetInt32(),
             rmse.GetProperty("change").GetDouble(), rmse.GetProperty("improved").GetBoolean()));
        var r2 = analytics.GetProperty("keyMetrics")[1];
        Assert.Equal(("r2", true), (r2.GetProperty("name").GetString(), r2.GetProperty("improved").GetBoolean()));
        Assert.Equal([0, 0, 0, 2, 2], analytics.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("metrics").EnumerateObject().Count()));
        Assert.False(analytics.TryGetProperty("tuning", out _));
        Assert.False(analytics.TryGetProperty("importances", out _));
        Assert.Equal("Test part (train-scored)", Assert.Single(analytics.GetProperty("details").EnumerateArray()).GetProperty("title").GetString());
        Assert.Equal((404, "version 9 of model 'bike' not found; its versions are 1 to 5"), (status, detail));
    }

    [Fact]
    public async Task OpenApi_DeclaresTheBearerSchemeEverywhereButHealth()
    {
        var document = await Hub.Viewer.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        Assert.Equal("ModelOps hub API", document.GetProperty("info").GetProperty("title").GetString());
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
        Assert.True(Assert.Single(document.GetProperty("security").EnumerateArray()).TryGetProperty("bearer", out _));
        Assert.Equal(0, document.GetProperty("paths").GetProperty("/health").GetProperty("get").GetProperty("security").GetArrayLength());
        Assert.DoesNotContain("/models", document.GetProperty("paths").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Ui_AsksForTheColorSchemeHintAndRendersDarkWhenItSaysSo()
    {
        using var browser = await Hub.SignInBrowserAsync();
        using var light = await browser.GetAsync("/models");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/models");
        request.Headers.Add("Sec-CH-Prefers-Color-Scheme", "\"dark\"");
        using var dark = await browser.SendAsync(request);
        using var api = await Hub.Viewer.GetAsync("/api/models");

        Assert.Equal(HttpStatusCode.OK, light.StatusCode);
        Assert.Equal("Sec-CH-Prefers-Color-Scheme", light.Headers.GetValues("Accept-CH").Single());
        Assert.Equal("Sec-CH-Prefers-Color-Scheme", light.Headers.GetValues("Critical-CH").Single());
        Assert.False(api.Headers.Contains("Accept-CH"));

        // The theme provider writes the palette's background as a CSS variable: the dark one only when the hint says dark.
        const string DarkBackground = "--mud-palette-background: rgba(16,20,31,1)";
        Assert.DoesNotContain(DarkBackground, await light.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains(DarkBackground, await dark.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }
}
