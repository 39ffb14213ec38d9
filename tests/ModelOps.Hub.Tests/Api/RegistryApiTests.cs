using System.Net;
using System.Text.Json;
using ModelOps.Hub.Tests.Infrastructure;

namespace ModelOps.Hub.Tests.Api;

public sealed class RegistryApiTests() : HubTests(new SqliteHub())
{
    [Fact]
    public async Task Registry_ReadEndpoints_AnswerWhatTheStoreHolds()
    {
        await Hub.Store.SetAliasAsync("bike", "Champion", 1, "first", "ana");
        await Hub.Store.SetAliasAsync("bike", "Champion", 3, "better", "ana");

        var models = await Hub.Viewer.GetFromJsonAsync<JsonElement>("/api/models");
        var versions = await Hub.Viewer.GetFromJsonAsync<JsonElement>("/api/models/bike/versions");
        var version = await Hub.Viewer.GetFromJsonAsync<JsonElement>("/api/models/bike/versions/2");
        var aliases = await Hub.Viewer.GetFromJsonAsync<JsonElement>("/api/models/bike/aliases");
        var history = await Hub.Viewer.GetFromJsonAsync<JsonElement>("/api/models/bike/aliases/history?alias=Champion");
        var experiments = await Hub.Viewer.GetFromJsonAsync<JsonElement>("/api/experiments");
        var runs = await Hub.Viewer.GetFromJsonAsync<JsonElement>("/api/runs?experiment=hub-tests");
        var run = await Hub.Viewer.GetFromJsonAsync<JsonElement>($"/api/runs/{version.GetProperty("runId").GetString()}");
        var (status, detail) = await Hub.Viewer.GetAsync("/api/models/bikes").ProblemAsync();

        Assert.Equal(["bike", "credit"], models.EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.Equal([1, 2, 3], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal(JsonValueKind.Object, version.GetProperty("signature").ValueKind);
        Assert.Contains("hr", version.GetProperty("signature").GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        Assert.All(versions.EnumerateArray(), v => Assert.Equal(JsonValueKind.Object, v.GetProperty("signature").ValueKind));
        Assert.Equal(3, Assert.Single(aliases.EnumerateArray()).GetProperty("version").GetInt32());
        Assert.Equal([1, 3], history.EnumerateArray().Select(h => h.GetProperty("toVersion").GetInt32()));
        Assert.Equal(4, Assert.Single(experiments.EnumerateArray()).GetProperty("runCount").GetInt32());
        Assert.Equal(4, runs.GetArrayLength());
        Assert.Equal("model.json", Assert.Single(run.GetProperty("artifacts").EnumerateArray()).GetProperty("path").GetString());
        Assert.Equal((404, "model 'bikes' not found; models are: bike, credit (did you mean bike?)"), (status, detail));
    }

    [Fact]
    public async Task Artifacts_DownloadThroughRunAndVersion_AreTheStoredBytesWithTheirSha256()
    {
        var version = await Hub.Store.GetVersionAsync("bike", 2);
        var record = (await Hub.Store.GetRunAsync(version.RunId!)).Artifacts.Single();
        byte[] stored;
        await using (var content = await Hub.Store.Artifacts.OpenAsync(version.ArtifactUri))
        using (var copy = new MemoryStream())
        {
            await content.CopyToAsync(copy);
            stored = copy.ToArray();
        }

        using var byRun = await Hub.Viewer.GetAsync($"/api/runs/{version.RunId}/artifacts/model.json");
        using var byVersion = await Hub.Viewer.GetAsync("/api/models/bike/versions/2/artifact");

        foreach (var response in new[] { byRun, byVersion })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(stored, bytes);
            Assert.Equal(record.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
            Assert.Equal($"\"{record.Sha256}\"", response.Headers.ETag!.Tag);
            Assert.Equal($"sha-256=:{Convert.ToBase64String(Convert.FromHexString(record.Sha256))}:", response.Headers.GetValues("Repr-Digest").Single());
            Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("model.json", response.Content.Headers.ContentDisposition!.FileName);
        }

        var (status, detail) = await Hub.Viewer.GetAsync($"/api/runs/{version.RunId}/artifacts/model.jsn").ProblemAsync();
        Assert.Equal((404, $"artifact 'model.jsn' of run '{version.RunId}' not found; its artifacts are: model.json (did you mean model.json?)"), (status, detail));
        Assert.Equal((404, "version 9 of model 'bike' not found; its versions are 1 to 3"), await Hub.Viewer.GetAsync("/api/models/bike/versions/9/artifact").ProblemAsync());
    }

    [Fact]
    public async Task SearchRuns_FilterOrderAndPage_AnswerWhatTheStoreFinds()
    {
        var runs = (await Hub.Store.ListRunsAsync("hub-tests")).ToList();
        await Hub.Store.LogMetricsAsync(runs[0].Id, [new Store.Tracking.MetricPoint("rmse", 70, 0, DateTimeOffset.UnixEpoch), new Store.Tracking.MetricPoint("rmse", 65, 1, DateTimeOffset.UnixEpoch)]);
        await Hub.Store.LogMetricsAsync(runs[1].Id, [new Store.Tracking.MetricPoint("rmse", 60, 0, DateTimeOffset.UnixEpoch)]);

        var page = await Hub.Viewer.GetFromJsonAsync<JsonElement>("/api/runs/search?experiment=hub-tests&filter=" + Uri.EscapeDataString("metrics.rmse < 68") + "&order=metrics.rmse%20desc&limit=1");
        var history = await Hub.Viewer.GetFromJsonAsync<JsonElement>($"/api/runs/{runs[0].Id}/metrics/rmse/history");
        var (status, detail) = await Hub.Viewer.GetAsync("/api/runs/search?filter=" + Uri.EscapeDataString("metrics.rmse < x")).ProblemAsync();

        Assert.Equal(2, page.GetProperty("total").GetInt32());
        var only = Assert.Single(page.GetProperty("runs").EnumerateArray());
        Assert.Equal(runs[0].Id, only.GetProperty("info").GetProperty("id").GetString());
        Assert.Equal(65, only.GetProperty("metrics").GetProperty("rmse").GetDouble());
        Assert.Equal([70.0, 65.0], history.EnumerateArray().Select(p => p.GetProperty("value").GetDouble()));
        Assert.Equal((400, "filter: at character 16: metrics.rmse is compared with a number, found 'x'"), (status, detail));
    }

    [Fact]
    public async Task Api_ReadWithTheUiSessionCookie_IsAllowedButChangesNeedTheHeader()
    {
        using var browser = await Hub.SignInBrowserAsync();

        using var models = await browser.GetAsync("/api/models");
        var (status, detail) = await browser.PostAsync("/api/groups", HubHost.Json("{}")).ProblemAsync();

        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.Equal((401, "missing token: send the header 'Authorization: Bearer <token>' (make one with 'modelops tokens create --role ROLE')"), (status, detail));
    }

    [Fact]
    public async Task GroupAudit_Detail_IsAJsonObjectInAuditAndDeletion()
    {
        await Hub.CreateBikeGroupAsync("rides");

        var audit = await Hub.Viewer.GetFromJsonAsync<JsonElement>("/api/groups/rides/audit");
        using var deleted = await Hub.Admin.DeleteAsync("/api/groups/rides");
        var deletion = await deleted.JsonAsync();

        var created = Assert.Single(audit.EnumerateArray());
        Assert.Equal("create", created.GetProperty("action").GetString());
        Assert.Equal("scientist-token", created.GetProperty("actor").GetString());
        Assert.Equal("archive", created.GetProperty("detail").GetProperty("deletionPolicy").GetString());
        Assert.Equal(["champion", "challenger"], created.GetProperty("detail").GetProperty("members").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("delete", deletion.GetProperty("audit").GetProperty("action").GetString());
        Assert.Equal(deletion.GetProperty("archivedTable").GetString(), deletion.GetProperty("audit").GetProperty("detail").GetProperty("archivedTable").GetString());
    }

    [Fact]
    public async Task GetRun_FailedRun_HasItsErrorKindAndMessage()
    {
        var failed = await Hub.Store.StartRunAsync("hub-tests", new ModelOps.Store.Tracking.RunStart { Name = "TrainingJob" });
        await Hub.Store.FailRunAsync(failed.Id, new ModelOps.Store.Tracking.RunError("data", "inputs: feature column 'tmp' (job.features[1].columns[0]) not found, did you mean temp?"));

        var run = await Hub.Viewer.GetFromJsonAsync<JsonElement>($"/api/runs/{failed.Id}");
        var listed = await Hub.Viewer.GetFromJsonAsync<JsonElement>("/api/runs?experiment=hub-tests");

        var info = run.GetProperty("info");
        Assert.Equal("failed", info.GetProperty("status").GetString());
        Assert.Equal(
            ("data", "inputs: feature column 'tmp' (job.features[1].columns[0]) not found, did you mean temp?"),
            (info.GetProperty("error").GetProperty("kind").GetString(), info.GetProperty("error").GetProperty("message").GetString()));
        Assert.All(
            listed.EnumerateArray().Where(r => r.GetProperty("id").GetString() != failed.Id),
            r => Assert.False(r.TryGetProperty("error", out _)));
    }

    [Fact]
    public async Task OpenApi_Document_ListsEveryArea()
    {
        using var response = await Hub.Viewer.GetAsync("/openapi/v1.json");
        var document = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var path in (string[])["/health", "/api/models", "/api/groups", "/api/groups/{group}/predict", "/api/groups/{group}/feedback", "/api/groups/{group}/promote",
            "/api/groups/{group}/inferences", "/api/groups/{group}/inferences/{requestId}", "/api/groups/{group}/analytics", "/metrics"])
        {
            Assert.Contains(path, paths);
        }

        // The Prometheus scrape endpoint (middleware, not a route handler) is listed too.
        var scrape = document.GetProperty("paths").GetProperty("/metrics").GetProperty("get");
        Assert.Equal(["Health"], scrape.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["200", "401", "403"], scrape.GetProperty("responses").EnumerateObject().Select(r => r.Name));
        Assert.True(scrape.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/plain; version=0.0.4", out _));

        // Bodies are documented as JSON although routing does not refuse other Content-Types (the handler answers 415).
        var predict = document.GetProperty("paths").GetProperty("/api/groups/{group}/predict").GetProperty("post");
        Assert.True(predict.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        var signature = document.GetProperty("components").GetProperty("schemas").GetProperty("ModelVersionView").GetProperty("properties").GetProperty("signature");
        Assert.False(signature.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "string");
    }
}
