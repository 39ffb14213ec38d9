using System.Net;
using ModelOps.Hub.Tests.Infrastructure;

namespace ModelOps.Hub.Tests.Api;

public sealed class AuthAndErrorTests() : HubTests(new SqliteHub())
{
    protected override HubOptions? Options => new() { MaxRequestBodyBytes = 64 * 1024 };

    [Fact]
    public async Task Health_WithoutToken_AnswersWithCounters()
    {
        using var response = await Hub.Anonymous.GetAsync("/health");
        var json = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", json.GetProperty("status").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+$", json.GetProperty("version").GetString());
        Assert.Equal("sqlite", json.GetProperty("database").GetString());
        Assert.Equal("synchronous=normal&checkpoint=background", json.GetProperty("durability").GetString());
        Assert.Equal(0, json.GetProperty("log").GetProperty("rejectedQueueFull").GetInt64());
    }

    [Fact]
    public async Task AnyEndpoint_WithoutToken_Is401()
    {
        var (status, detail) = await Hub.Anonymous.GetAsync("/api/models").ProblemAsync();

        Assert.Equal(401, status);
        Assert.Equal("missing token: send the header 'Authorization: Bearer <token>' (make one with 'modelops tokens create --role ROLE')", detail);
    }

    [Fact]
    public async Task AnyEndpoint_UnknownToken_Is401()
    {
        using var client = Hub.Client("mo_not-a-token");

        var (status, detail) = await client.GetAsync("/api/models").ProblemAsync();

        Assert.Equal((401, "unknown token"), (status, detail));
    }

    [Fact]
    public async Task Read_AsPredictor_Is403()
    {
        var (status, detail) = await Hub.Predictor.GetAsync("/api/models").ProblemAsync();

        Assert.Equal(403, status);
        Assert.Equal("token 'predictor-token' has role predictor, which may not read; that needs role admin, scientist or viewer", detail);
    }

    [Fact]
    public async Task DeleteGroup_AsScientist_Is403AndAsAdminDeletes()
    {
        await Hub.CreateBikeGroupAsync("rides");

        var (status, detail) = await Hub.Scientist.DeleteAsync("/api/groups/rides").ProblemAsync();
        using var deleted = await Hub.Admin.DeleteAsync("/api/groups/rides");

        Assert.Equal(403, status);
        Assert.Equal("token 'scientist-token' has role scientist, which may not delete groups; that needs role admin", detail);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.StartsWith("inference_archive_", (await deleted.JsonAsync()).GetProperty("archivedTable").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateGroup_AsViewer_Is403()
    {
        var (status, _) = await Hub.Viewer.PostAsync("/api/groups", HubHost.Json("{}")).ProblemAsync();

        Assert.Equal(403, status);
    }

    [Fact]
    public async Task Predict_UnknownGroup_Is404ListingGroups()
    {
        await Hub.CreateBikeGroupAsync("rides");

        var (status, detail) = await Hub.Predictor.PostAsync("/api/groups/ridez/predict", HubHost.Json("""{"record":{}}""")).ProblemAsync();

        Assert.Equal((404, "group 'ridez' not found; groups are: rides"), (status, detail));
    }

    [Theory]
    [InlineData("x;DROP TABLE runs")]
    [InlineData("Rides")]
    [InlineData("a%22b")]
    public async Task Predict_InjectionInGroupName_Is400(string name)
    {
        var (status, detail) = await Hub.Predictor.PostAsync($"/api/groups/{name}/predict", HubHost.Json("""{"record":{}}""")).ProblemAsync();

        Assert.Equal(400, status);
        Assert.Equal($"group name '{Uri.UnescapeDataString(name)}' is invalid: use 1 to 48 characters of a-z, 0-9, '_' and '-'", detail);
    }

    [Fact]
    public async Task CreateGroup_InjectionInName_Is400AndNothingCreated()
    {
        var (status, detail) = await Hub.Scientist.PostAsync("/api/groups", HubHost.Json("""{"name":"g\"; DROP TABLE runs; --","champion":{"model":"bike","version":1}}""")).ProblemAsync();

        Assert.Equal(400, status);
        Assert.Equal("group name 'g\"; DROP TABLE runs; --' is invalid: use 1 to 48 characters of a-z, 0-9, '_' and '-'", detail);
        Assert.Empty(await Hub.Store.Groups.ListGroupsAsync());
    }

    [Fact]
    public async Task Predict_MalformedJson_Is400WithPosition()
    {
        await Hub.CreateBikeGroupAsync("rides");

        var (status, detail) = await Hub.Predictor.PostAsync("/api/groups/rides/predict", HubHost.Json("""{"record": {"hr": 3,}}""")).ProblemAsync();

        Assert.Equal(400, status);
        Assert.Equal("request body is not valid JSON (line 1, byte 21): The JSON object contains a trailing comma at the end which is not supported in this mode. Change the reader options.", detail);
    }

    [Fact]
    public async Task Predict_EmptyBody_Is400()
    {
        await Hub.CreateBikeGroupAsync("rides");

        var (status, detail) = await Hub.Predictor.PostAsync("/api/groups/rides/predict", HubHost.Json(string.Empty)).ProblemAsync();

        Assert.Equal((400, "request body is empty; send a JSON object"), (status, detail));
    }

    [Fact]
    public async Task Predict_WrongTypesAndMissingFields_ListsEveryViolation()
    {
        await Hub.CreateBikeGroupAsync("rides");
        const string Body = """
            {"records": [
              {"season": 1, "hr": 3.5, "weekday": 6, "workingday": 0, "weathersit": 1, "temp": "warm", "hum": 0.8, "windspeed": 0},
              {"season": 1, "hr": 3, "weekday": 6, "workingday": 0, "weathersit": 1, "temp": 0.2, "hum": 0.8},
              7
            ], "routingKey": 12}
            """;

        using var response = await Hub.Predictor.PostAsync("/api/groups/rides/predict", HubHost.Json(Body));
        var json = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("request body is invalid: $.routingKey: expected a string, got number 12", json.GetProperty("detail").GetString());
        using var second = await Hub.Predictor.PostAsync("/api/groups/rides/predict", HubHost.Json(Body.Replace("\"routingKey\": 12", "\"routingKey\": \"k\"", StringComparison.Ordinal)));
        var errors = (await second.JsonAsync()).GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal<string[]>(
            [
                "$.records[0].hr: expected an integer (int64), got number 3.5",
                "$.records[0].temp: expected a number (float64), got string \"warm\"",
                "$.records[1]: missing field 'windspeed'",
                "$.records[2]: expected an object, got number 7",
            ],
            errors);
        Assert.Empty(await Hub.Store.InferenceLog.ReadOutcomesAsync("rides"));
    }

    [Fact]
    public async Task Predict_MissingRecords_Is400()
    {
        await Hub.CreateBikeGroupAsync("rides");

        var (status, detail) = await Hub.Predictor.PostAsync("/api/groups/rides/predict", HubHost.Json("""{"rows": []}""")).ProblemAsync();

        Assert.Equal((400, "request body is invalid: $: missing 'records' (an array of objects) or 'record' (one object)"), (status, detail));
    }

    [Fact]
    public async Task Predict_OversizedBody_Is413()
    {
        await Hub.CreateBikeGroupAsync("rides");
        var body = "{\"records\": [" + string.Join(',', Enumerable.Repeat("""{"season":1,"hr":3,"weekday":6,"workingday":0,"weathersit":1,"temp":0.2,"hum":0.8,"windspeed":0}""", 1000)) + "]}";

        var (status, detail) = await Hub.Predictor.PostAsync("/api/groups/rides/predict", HubHost.Json(body)).ProblemAsync();

        Assert.Equal((413, "request body is larger than the limit of 65536 bytes"), (status, detail));
    }

    [Fact]
    public async Task CreateGroup_MissingFieldsAndWrongTypes_ListsEveryProblem()
    {
        var (status, detail) = await Hub.Scientist.PostAsync("/api/groups", HubHost.Json("""{"champion":{"model":"bike","version":"1"},"challengers":[{"model":"bike","version":2}],"deletionPolicy":"keep"}""")).ProblemAsync();

        Assert.Equal(400, status);
        Assert.Equal(
            "request body is invalid: $.name: missing; $.deletionPolicy: 'keep' is not a policy (archive, delete); $.champion.version: expected an integer, got string \"1\"; $.challengers[0].weight: missing",
            detail);
    }

    [Fact]
    public async Task CreateGroup_WeightsNotSummingTo100_Is400FromStoreRules()
    {
        var (status, detail) = await Hub.Scientist.PostAsJsonAsync("/api/groups", new
        {
            name = "g",
            champion = new { model = "bike", version = 1, weight = 50 },
            challengers = new[] { new { model = "bike", version = 2, weight = 10 } },
        }).ProblemAsync();

        Assert.Equal((400, "group 'g' is invalid: the weights of the champion and challengers sum to 60, not 100"), (status, detail));
    }

    [Fact]
    public async Task CreateGroup_MembersWithDifferentInputs_Is400()
    {
        var (status, detail) = await Hub.Scientist.PostAsJsonAsync("/api/groups", new
        {
            name = "g",
            champion = new { model = "bike", version = 1 },
            shadows = new[] { new { model = "credit", version = 1 } },
        }).ProblemAsync();

        Assert.Equal(400, status);
        Assert.Equal(
            "the members of a group must read the same inputs: credit/1 reads inputs (checking_status string, housing string, duration int64, credit_amount int64, age int64), " +
            "not the champion's (season int64, hr int64, weekday int64, workingday int64, weathersit int64, temp float64, hum float64, windspeed float64)",
            detail);
    }

    [Fact]
    public async Task CreateGroup_UnknownVersion_Is404()
    {
        var (status, detail) = await Hub.Scientist.PostAsJsonAsync("/api/groups", new { name = "g", champion = new { model = "bike", version = 9 } }).ProblemAsync();

        Assert.Equal((404, "version 9 of model 'bike' not found; its versions are 1 to 3"), (status, detail));
    }

    [Fact]
    public async Task UnknownRoute_Is404ProblemDetails()
    {
        using var response = await Hub.Admin.GetAsync("/api/nothing");
        var json = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no endpoint answers GET /api/nothing; the endpoints are listed at /openapi/v1.json", json.GetProperty("detail").GetString());
        Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), json.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task UnknownRoute_AsPredictor_Is404Not403()
    {
        var (status, detail) = await Hub.Predictor.PostAsync("/api/groups/rides/score", HubHost.Json("{}")).ProblemAsync();

        Assert.Equal((404, "no endpoint answers POST /api/groups/rides/score; the endpoints are listed at /openapi/v1.json"), (status, detail));
    }

    [Fact]
    public async Task Predict_WrongMethod_Is405NamingTheMethodsItAnswers()
    {
        using var response = await Hub.Predictor.GetAsync("/api/groups/rides/predict");
        var json = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET is not allowed on /api/groups/rides/predict; it answers POST", json.GetProperty("detail").GetString());
        Assert.Equal("POST", string.Join(",", response.Content.Headers.Allow));
    }

    [Fact]
    public async Task Predict_WrongContentType_AsPredictorIs415WithDetail()
    {
        await Hub.CreateBikeGroupAsync("rides");

        var (status, detail) = await Hub.Predictor.PostAsync("/api/groups/rides/predict", new StringContent("""{"record":{}}""", System.Text.Encoding.UTF8, "text/plain")).ProblemAsync();
        var (noTypeStatus, noTypeDetail) = await Hub.Predictor.PostAsync("/api/groups/rides/feedback", new ByteArrayContent("{}"u8.ToArray())).ProblemAsync();

        Assert.Equal((415, "Content-Type 'text/plain; charset=utf-8' is not supported; send the body as JSON with 'Content-Type: application/json'"), (status, detail));
        Assert.Equal((415, "the request has no Content-Type; send the body as JSON with 'Content-Type: application/json'"), (noTypeStatus, noTypeDetail));
    }

    [Fact]
    public async Task Predict_WrongContentType_AsViewerIs403ForPredict()
    {
        await Hub.CreateBikeGroupAsync("rides");

        var (status, detail) = await Hub.Viewer.PostAsync("/api/groups/rides/predict", new StringContent("x", System.Text.Encoding.UTF8, "text/plain")).ProblemAsync();

        Assert.Equal((403, "token 'viewer-token' has role viewer, which may not predict or send feedback; that needs role admin, scientist or predictor"), (status, detail));
    }

    [Fact]
    public async Task CreateGroup_WrongContentType_Is415WithDetail()
    {
        var (status, detail) = await Hub.Scientist.PostAsync("/api/groups", new StringContent("name=g", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded")).ProblemAsync();

        Assert.Equal((415, "Content-Type 'application/x-www-form-urlencoded; charset=utf-8' is not supported; send the body as JSON with 'Content-Type: application/json'"), (status, detail));
    }

    [Theory]
    [InlineData("/api/runs?metric=roc_auc", "unknown query parameter 'metric' for GET /api/runs; it takes experiment")]
    [InlineData("/api/runs?experiment=hub-tests&metric=roc_auc&sort=desc", "unknown query parameters 'metric', 'sort' for GET /api/runs; it takes experiment")]
    [InlineData("/api/experiments?name=x", "unknown query parameter 'name' for GET /api/experiments; it takes no query parameters")]
    [InlineData("/api/models?limit=1", "unknown query parameter 'limit' for GET /api/models; it takes no query parameters")]
    [InlineData("/api/models/bike/versions?status=ready", "unknown query parameter 'status' for GET /api/models/bike/versions; it takes no query parameters")]
    [InlineData("/api/models/bike/aliases/history?alias=Champion&actor=ana", "unknown query parameter 'actor' for GET /api/models/bike/aliases/history; it takes alias")]
    [InlineData("/api/groups?name=rides", "unknown query parameter 'name' for GET /api/groups; it takes no query parameters")]
    [InlineData("/api/groups/rides/audit?action=promote", "unknown query parameter 'action' for GET /api/groups/rides/audit; it takes no query parameters")]
    [InlineData("/api/groups/rides/inferences?limt=5", "unknown query parameter 'limt' for GET /api/groups/rides/inferences; it takes model, version, role, from, to, minPrediction, maxPrediction, labelled, q, before, limit")]
    [InlineData("/api/groups/rides/analytics?window=1h", "unknown query parameter 'window' for GET /api/groups/rides/analytics; it takes from, to, bucket, confidence, exact")]
    public async Task ListEndpoints_UnknownQueryParameter_Is400NamingItAndTheKnownOnes(string url, string expected)
    {
        await Hub.CreateBikeGroupAsync("rides");

        var (status, detail) = await Hub.Viewer.GetAsync(url).ProblemAsync();

        Assert.Equal((400, expected), (status, detail));
    }

    [Fact]
    public async Task ListEndpoints_KnownQueryParameters_AnswerInAnyCase()
    {
        using var runs = await Hub.Viewer.GetAsync("/api/runs?Experiment=hub-tests");

        Assert.Equal(HttpStatusCode.OK, runs.StatusCode);
        Assert.Equal(4, (await runs.JsonAsync()).GetArrayLength());
    }
}
