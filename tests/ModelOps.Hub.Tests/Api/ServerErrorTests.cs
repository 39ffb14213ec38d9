using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Store;

namespace ModelOps.Hub.Tests.Api;

/// <summary>5xx answers say what failed in product terms and give the request id; the cause goes only to the server log.</summary>
public sealed partial class ServerErrorTests() : HubTests(new SqliteHub())
{
    private const string Body = """{"explain":false,"record":{"season":1,"hr":3,"weekday":6,"workingday":0,"weathersit":1,"temp":0.2,"hum":0.8,"windspeed":0}}""";

    protected override HubOptions? Options => new() { Store = new StoreOptions { BusyTimeout = TimeSpan.FromMilliseconds(300) } };

    [Fact]
    public async Task Predict_LogCannotBeWritten_Is503WithoutDatabaseErrorAndLogsTheCauseUnderTheRequestId()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 100);
        var log = CapturedLog.Attach(Hub);
        await using var blocker = new SqliteConnection($"Data Source={Database};Pooling=False");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }

        using var response = await Hub.Predictor.PostAsync("/api/groups/rides/predict", HubHost.Json(Body));
        var detail = (await response.JsonAsync()).GetProperty("detail").GetString()!;

        var requestId = response.Headers.GetValues("X-Request-Id").Single();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal($"the inference log could not be written, so nothing was answered; retry later; the server log has the cause (request {requestId})", detail);
        Assert.Matches(RequestId(), requestId);
        var entry = Assert.Single(log.Entries, e => e.Message.Contains(requestId, StringComparison.Ordinal));
        Assert.Equal((LogLevel.Error, $"POST /api/groups/rides/predict answered 503, request {requestId}"), (entry.Level, entry.Message));
        Assert.Contains(Database, entry.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analytics_ModelFileMissing_Is503WithoutThePathAndLogsItUnderTheRequestId()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 100);
        var file = new Uri((await Hub.Store.GetVersionAsync("bike", 1)).ArtifactUri).LocalPath;
        File.Delete(file);
        var other = await StartAsync();
        var log = CapturedLog.Attach(other);

        using var response = await other.Viewer.GetAsync("/api/groups/rides/analytics");
        var detail = (await response.JsonAsync()).GetProperty("detail").GetString()!;

        var requestId = response.Headers.GetValues("X-Request-Id").Single();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal($"model bike/1 cannot be loaded: its model file is missing, unreadable or not a ModelOps model; the server log has the cause (request {requestId})", detail);
        var entry = Assert.Single(log.Entries, e => e.Message.Contains(requestId, StringComparison.Ordinal));
        Assert.Equal((LogLevel.Error, $"GET /api/groups/rides/analytics answered 503, request {requestId}"), (entry.Level, entry.Message));
        Assert.Contains(file, entry.Error!.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex RequestId();
}
