using System.Net;
using System.Text.Json;
using ModelOps.Hub.Routing;
using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Store.Groups;

namespace ModelOps.Hub.Tests.Routing;

/// <summary>A member whose model file cannot be read (after a restart, say) fails alone, and the group heals when it is back.</summary>
public sealed class MemberLoadingTests() : HubTests(new SqliteHub())
{
    private const string Record = """{"season":1,"hr":3,"weekday":6,"workingday":0,"weathersit":1,"temp":0.2,"hum":0.8,"windspeed":0}""";

    [Fact]
    public async Task Predict_ShadowCannotLoad_ServedAnswerUnaffectedErrorRowLoggedAndHealsWhenTheFileIsBack()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 100, shadow: true);
        var artifact = await HideArtifactAsync("bike", 3);
        var restarted = await StartAsync();

        var broken = await PredictAsync(restarted, "rides", null);

        Assert.Equal(HttpStatusCode.OK, broken.Status);
        var rows = await Hub.Store.InferenceLog.GetRequestAsync("rides", broken.RequestId!);
        var shadow = Assert.Single(rows, r => r.Record.Version == 3).Record;
        Assert.StartsWith("model bike/3 is not loaded: ", shadow.Error, StringComparison.Ordinal);
        Assert.Null(shadow.Prediction);
        Assert.Null(Assert.Single(rows, r => r.Record.Version == 1).Record.Error);
        Assert.Equal(1, (await HealthLogAsync(restarted)).GetProperty("scoringErrors").GetInt64());

        File.Move(artifact + ".hidden", artifact);
        var healed = await UntilAsync(async () =>
        {
            var answer = await PredictAsync(restarted, "rides", null);
            var logged = await Hub.Store.InferenceLog.GetRequestAsync("rides", answer.RequestId!);
            return logged.Single(r => r.Record.Version == 3).Record is { Error: null, Prediction: not null };
        });
        Assert.True(healed, "the shadow was not loaded again within 15 s of its file coming back");
    }

    [Fact]
    public async Task Predict_ServedChallengerCannotLoad_OnlyItsRequestsFailAndTheGroupHeals()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 50);
        var artifact = await HideArtifactAsync("bike", 2);
        var restarted = await StartAsync();
        var toChampion = KeyInBuckets("rides", 0, 50);
        var toChallenger = KeyInBuckets("rides", 50, 100);

        var champion = await PredictAsync(restarted, "rides", toChampion);
        var challenger = await PredictAsync(restarted, "rides", toChallenger);

        Assert.Equal(HttpStatusCode.OK, champion.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, challenger.Status);
        Assert.Matches(
            "^model bike/2 of group 'rides', to which this request is routed, cannot be loaded now; the hub retries loading it, retry later \\(request [0-9a-f]{32}\\)$",
            challenger.Detail);

        File.Move(artifact + ".hidden", artifact);
        var healed = await UntilAsync(async () => (await PredictAsync(restarted, "rides", toChallenger)).Status == HttpStatusCode.OK);
        Assert.True(healed, "the challenger was not loaded again within 15 s of its file coming back");
    }

    [Fact]
    public void RetryDelay_DoublesFromOneSecondUpToThirty()
    {
        Assert.Equal([1, 2, 4, 8, 16, 30, 30], Enumerable.Range(0, 7).Select(a => RoutingSnapshots.RetryDelay(a).TotalSeconds));
    }

    /// <summary>Moves the model file of a version aside; returns its path.</summary>
    private async Task<string> HideArtifactAsync(string model, int version)
    {
        var path = new Uri((await Hub.Store.GetVersionAsync(model, version)).ArtifactUri).LocalPath;
        File.Move(path, path + ".hidden");
        return path;
    }

    private static string KeyInBuckets(string group, int from, int to) =>
        Enumerable.Range(0, 1000).Select(i => $"user-{i}").First(k => StickyHash.Bucket(group, k) >= from && StickyHash.Bucket(group, k) < to);

    private static async Task<(HttpStatusCode Status, string? RequestId, string? Detail)> PredictAsync(HubHost hub, string group, string? key)
    {
        var body = key is null ? $$"""{"explain":false,"record":{{Record}}}""" : $$"""{"explain":false,"routingKey":"{{key}}","record":{{Record}}}""";
        using var response = await hub.Predictor.PostAsync($"/api/groups/{group}/predict", HubHost.Json(body));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode,
            json.TryGetProperty("requestId", out var id) ? id.GetString() : null,
            json.TryGetProperty("detail", out var detail) ? detail.GetString() : null);
    }

    private static async Task<JsonElement> HealthLogAsync(HubHost hub) =>
        (await (await hub.Anonymous.GetAsync("/health")).JsonAsync()).GetProperty("log");

    private static async Task<bool> UntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 150; i++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
