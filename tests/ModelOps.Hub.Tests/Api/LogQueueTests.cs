using System.Net;
using Microsoft.Data.Sqlite;
using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Store;

namespace ModelOps.Hub.Tests.Api;

public sealed class LogQueueTests() : HubTests(new SqliteHub())
{
    private const string Body = """{"explain":false,"record":{"season":1,"hr":3,"weekday":6,"workingday":0,"weathersit":1,"temp":0.2,"hum":0.8,"windspeed":0}}""";

    // The writer waits on the blocker's lock for the whole test: a busy timeout far longer than a
    // loaded CI machine needs to queue the next requests (at the default 10 s, request A once failed
    // before B was queued, and the queue never held 2).
    protected override HubOptions? Options => new() { LogQueueCapacity = 1, Store = new StoreOptions { BusyTimeout = TimeSpan.FromMinutes(3) } };

    [Fact]
    public async Task Predict_QueueFull_Is503WithRetryAfterAndCountedAndNothingAnsweredIsLost()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 100);

        // Another writer holds the SQLite file: the hub's writer takes request A and waits on the
        // lock, request B fills the queue (capacity 1), request C finds it full.
        await using var blocker = new SqliteConnection($"Data Source={Database};Pooling=False");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }

        var a = Hub.Predictor.PostAsync("/api/groups/rides/predict", HubHost.Json(Body));
        await WaitForQueuedAsync(1);
        var b = Hub.Predictor.PostAsync("/api/groups/rides/predict", HubHost.Json(Body));
        await WaitForQueuedAsync(2);
        using var c = await Hub.Predictor.PostAsync("/api/groups/rides/predict", HubHost.Json(Body));
        var problem = await c.JsonAsync();
        await using (var rollback = blocker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }

        using var first = await a;
        using var second = await b;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, c.StatusCode);
        Assert.Equal("1", c.Headers.GetValues("Retry-After").Single());
        Assert.Equal($"the inference log is busy: its queue of 1 requests is full; retry after 1 s (request {c.Headers.GetValues("X-Request-Id").Single()})", problem.GetProperty("detail").GetString());
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        var log = (await (await Hub.Anonymous.GetAsync("/health")).JsonAsync()).GetProperty("log");
        Assert.Equal(1, log.GetProperty("rejectedQueueFull").GetInt64());
        Assert.Equal(2, (await Hub.Store.InferenceLog.ReadOutcomesAsync("rides")).Count);
    }

    private async Task WaitForQueuedAsync(long count)
    {
        for (var i = 0; i < 500; i++)
        {
            using var response = await Hub.Anonymous.GetAsync("/health");
            if ((await response.JsonAsync()).GetProperty("log").GetProperty("queuedRequests").GetInt64() == count)
            {
                return;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"the hub never had {count} queued requests");
    }
}
