using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Store.Groups;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Hub.Tests.Api;

public abstract class PredictTests(HubBackend backend) : HubTests(backend)
{
    private protected static async Task<JsonElement> PredictAsync(HttpClient client, string group, string body)
    {
        using var response = await client.PostAsync($"/api/groups/{group}/predict", HubHost.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task Predict_Records_AnswerPredictionAndExactShapAndLogTheSame()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 100, shadow: true);
        var rows = TestModels.BikeRows(3);
        var body = "{\"records\":[" + string.Join(',', Enumerable.Range(0, 3).Select(i => TestModels.RecordJson(rows, i))) + "]}";

        var answer = await PredictAsync(Hub.Predictor, "rides", body);

        var champion = TestModels.Bike[0];
        var expected = champion.PredictRaw(rows);
        var shap = ShapExplainer.Explain(champion, rows);
        var requestId = answer.GetProperty("requestId").GetString()!;
        var results = answer.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(3, results.Length);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(("bike", 1, "champion"), (results[i].GetProperty("model").GetString(), results[i].GetProperty("version").GetInt32(), results[i].GetProperty("role").GetString()));
            Assert.Equal(expected[i], results[i].GetProperty("prediction").GetDouble());
            Assert.Equal(shap.BaseValue, results[i].GetProperty("baseValue").GetDouble());
            foreach (var name in TestModels.BikeInputs)
            {
                Assert.Equal(shap[i, name], results[i].GetProperty("shap").GetProperty(name).GetDouble());
            }
        }

        var logged = await Hub.Store.InferenceLog.GetRequestAsync("rides", requestId);
        Assert.Equal(6, logged.Count);
        var shadowShap = ShapExplainer.Explain(TestModels.Bike[2], rows);
        for (var i = 0; i < 3; i++)
        {
            var served = logged[2 * i].Record;
            var shadow = logged[(2 * i) + 1].Record;
            Assert.Equal((i, GroupRole.Champion, 1, expected[i]), (served.RecordIndex, served.Role, served.Version, served.Prediction!.Value));
            Assert.Equal((i, GroupRole.Shadow, 3, TestModels.Bike[2].PredictRaw(rows)[i]), (shadow.RecordIndex, shadow.Role, shadow.Version, shadow.Prediction!.Value));
            using var servedShap = JsonDocument.Parse(served.Shap!);
            using var loggedShadowShap = JsonDocument.Parse(shadow.Shap!);
            foreach (var name in TestModels.BikeInputs)
            {
                Assert.Equal(shap[i, name], servedShap.RootElement.GetProperty(name).GetDouble());
                Assert.Equal(shadowShap[i, name], loggedShadowShap.RootElement.GetProperty(name).GetDouble());
            }

            Assert.Equal(TestModels.RecordJson(rows, i), served.Inputs);
            Assert.True(served.LatencyMs > 0);
        }
    }

    [Fact]
    public async Task Predict_ExplainFalse_SkipsShapEverywhere()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 100);
        var rows = TestModels.BikeRows(1);

        var answer = await PredictAsync(Hub.Predictor, "rides", "{\"explain\":false,\"record\":" + TestModels.RecordJson(rows, 0) + "}");

        var result = answer.GetProperty("results")[0];
        Assert.False(result.TryGetProperty("shap", out _));
        var logged = Assert.Single(await Hub.Store.InferenceLog.GetRequestAsync("rides", answer.GetProperty("requestId").GetString()!));
        Assert.Null(logged.Record.Shap);
    }

    [Fact]
    public async Task Predict_Classifier_AnswersClassAndProbability()
    {
        using var created = await Hub.Scientist.PostAsJsonAsync("/api/groups", new { name = "credit", champion = new { model = "credit", version = 1 } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        const string Record = """{"checking_status":"<0","duration":6,"credit_amount":1169,"age":67,"housing":"own"}""";

        var answer = await PredictAsync(Hub.Predictor, "credit", "{\"record\":" + Record + "}");

        var frame = new Frame(
            new StringColumn("checking_status", ["<0"]), new Int64Column("duration", [6]), new Int64Column("credit_amount", [1169]), new Int64Column("age", [67]), new StringColumn("housing", ["own"]));
        var probability = TestModels.Credit.PredictProbability(frame)[0];
        var result = answer.GetProperty("results")[0];
        Assert.Equal(probability, result.GetProperty("probability").GetDouble());
        Assert.Equal(probability > 0.5 ? 1 : 0, result.GetProperty("prediction").GetDouble());
        var shap = ShapExplainer.Explain(TestModels.Credit, frame);
        Assert.Equal(shap[0, "checking_status"], result.GetProperty("shap").GetProperty("checking_status").GetDouble());
    }

    [Fact]
    public async Task Predict_RoutingKey_IsStickyAndSpreadsKeys()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 50);
        var record = TestModels.RecordJson(TestModels.BikeRows(1), 0);
        var first = new Dictionary<string, int>();

        for (var round = 0; round < 3; round++)
        {
            for (var k = 0; k < 60; k++)
            {
                var answer = await PredictAsync(Hub.Predictor, "rides", $$"""{"routingKey":"user-{{k}}","explain":false,"record":{{record}}}""");
                var version = answer.GetProperty("results")[0].GetProperty("version").GetInt32();
                Assert.Equal(first.TryAdd($"user-{k}", version) ? version : first[$"user-{k}"], version);
            }
        }

        Assert.Contains(1, first.Values);
        Assert.Contains(2, first.Values);
    }

    [Fact]
    public async Task Feedback_JoinsLabelsAndInferencesFilter()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 100, shadow: true);
        var rows = TestModels.BikeRows(2);
        var answer = await PredictAsync(Hub.Predictor, "rides", "{\"records\":[" + TestModels.RecordJson(rows, 0) + "," + TestModels.RecordJson(rows, 1) + "]}");
        var requestId = answer.GetProperty("requestId").GetString()!;

        using var feedback = await Hub.Predictor.PostAsJsonAsync("/api/groups/rides/feedback", new { requestId, recordIndex = 1, actual = 40.0 });
        var (status, detail) = await Hub.Predictor.PostAsJsonAsync("/api/groups/rides/feedback", new { requestId = "nope", actual = 1 }).ProblemAsync();
        using var one = await Hub.Viewer.GetAsync($"/api/groups/rides/inferences/{requestId}");
        using var shadows = await Hub.Viewer.GetAsync("/api/groups/rides/inferences?role=shadow&limit=1");
        var (badStatus, badDetail) = await Hub.Viewer.GetAsync("/api/groups/rides/inferences?version=x&from=yesterday").ProblemAsync();

        Assert.Equal(2, (await feedback.JsonAsync()).GetProperty("labelledRows").GetInt32());
        Assert.Equal((404, "request 'nope' not found in the inference log of group 'rides'"), (status, detail));
        var all = (await one.JsonAsync()).EnumerateArray().ToArray();
        Assert.Equal(4, all.Length);
        Assert.Equal([false, false, true, true], all.Select(r => r.TryGetProperty("label", out _)));
        Assert.Equal(rows.Get<Int64Column>("hr").Values[1], all[2].GetProperty("inputs").GetProperty("hr").GetInt64());
        var page = await shadows.JsonAsync();
        Assert.Equal("shadow", Assert.Single(page.GetProperty("rows").EnumerateArray()).GetProperty("role").GetString());
        Assert.True(page.TryGetProperty("nextCursor", out _));
        Assert.Equal(400, badStatus);
        Assert.Equal("query string is invalid: version: 'x' is not an integer; from: 'yesterday' is not an ISO 8601 time", badDetail);
    }

    [Fact]
    public async Task Archives_DeletedGroupsLog_IsListedAndBrowsableReadOnly()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 100, shadow: true);
        var rows = TestModels.BikeRows(1);
        var requestId = (await PredictAsync(Hub.Predictor, "rides", "{\"records\":[" + TestModels.RecordJson(rows, 0) + "]}")).GetProperty("requestId").GetString()!;
        using var deleted = await Hub.Admin.DeleteAsync("/api/groups/rides");
        var archive = (await deleted.JsonAsync()).GetProperty("archivedTable").GetString()!;

        var list = await Hub.Viewer.GetFromJsonAsync<JsonElement>("/api/archives");
        var page = await Hub.Viewer.GetFromJsonAsync<JsonElement>($"/api/archives/{archive}/inferences?role=shadow");
        var request = await Hub.Viewer.GetFromJsonAsync<JsonElement>($"/api/archives/{archive}/inferences/{requestId}");
        var missing = await Hub.Viewer.GetAsync($"/api/archives/{archive}/inferences/nope").ProblemAsync();
        var unknown = await Hub.Viewer.GetAsync("/api/archives/inference_archive_999/inferences").ProblemAsync();
        var invalid = await Hub.Viewer.GetAsync("/api/archives/rides/inferences?limit=x").ProblemAsync();
        var anonymous = await Hub.Anonymous.GetAsync("/api/archives").ProblemAsync();

        var only = Assert.Single(list.EnumerateArray());
        Assert.Equal((archive, "rides", "admin-token"), (only.GetProperty("archive").GetString(), only.GetProperty("group").GetString(), only.GetProperty("deletedBy").GetString()));
        Assert.Equal(["champion", "challenger", "shadow"], only.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        var shadow = Assert.Single(page.GetProperty("rows").EnumerateArray());
        Assert.Equal((requestId, "shadow"), (shadow.GetProperty("requestId").GetString(), shadow.GetProperty("role").GetString()));
        Assert.Equal(["champion", "shadow"], request.EnumerateArray().Select(r => r.GetProperty("role").GetString()));
        Assert.Equal((404, $"request 'nope' not found in the archive '{archive}'"), missing);
        Assert.Equal((404, $"archive 'inference_archive_999' not found; archives are: {archive} (did you mean {archive}?)"), unknown);
        Assert.Equal((400, "query string is invalid: limit: 'x' is not an integer"), invalid);
        Assert.Equal(401, anonymous.Status);
    }

    [Fact]
    public async Task Feedback_SecondLabel_Is409UnlessOverwriteAndEveryChangeIsKept()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 100, shadow: true);
        var rows = TestModels.BikeRows(2);
        var answer = await PredictAsync(Hub.Predictor, "rides", "{\"records\":[" + TestModels.RecordJson(rows, 0) + "," + TestModels.RecordJson(rows, 1) + "]}");
        var requestId = answer.GetProperty("requestId").GetString()!;

        using var first = await Hub.Predictor.PostAsJsonAsync("/api/groups/rides/feedback", new { requestId, recordIndex = 1, actual = 40.0 });
        var second = await Hub.Predictor.PostAsJsonAsync("/api/groups/rides/feedback", new { requestId, recordIndex = 1, actual = 41.0 }).ProblemAsync();
        var wholeRequest = await Hub.Predictor.PostAsJsonAsync("/api/groups/rides/feedback", new { requestId, actual = 7.0 }).ProblemAsync();
        var afterConflicts = await Hub.Store.InferenceLog.GetRequestAsync("rides", requestId);
        using var replaced = await Hub.Admin.PostAsJsonAsync("/api/groups/rides/feedback", new { requestId, recordIndex = 1, actual = 41.0, overwrite = true });
        var history = await Hub.Viewer.GetFromJsonAsync<JsonElement>($"/api/groups/rides/inferences/{requestId}/labels");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((409, $"record 1 of request '{requestId}' in group 'rides' already has label 40; send \"overwrite\": true to replace it"), second);
        Assert.Equal((409, $"request '{requestId}' in group 'rides' already has labels on record 1 (label 40); send \"overwrite\": true to replace them"), wholeRequest);
        Assert.Equal([null, null, 40.0, 40.0], afterConflicts.Select(r => r.Label));
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(2, (await replaced.JsonAsync()).GetProperty("labelledRows").GetInt32());
        Assert.Equal([null, null, 41.0, 41.0], (await Hub.Store.InferenceLog.GetRequestAsync("rides", requestId)).Select(r => r.Label));
        var changes = history.EnumerateArray().Select(h => (
            h.GetProperty("recordIndex").GetInt32(),
            h.TryGetProperty("oldLabel", out var old) ? old.GetDouble() : (double?)null,
            h.GetProperty("newLabel").GetDouble(),
            h.GetProperty("actor").GetString())).ToArray();
        Assert.Equal([(1, null, 40.0, "predictor-token"), (1, 40.0, 41.0, "admin-token")], changes);
        Assert.True(history[0].GetProperty("changedAt").GetDateTimeOffset() <= history[1].GetProperty("changedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Promote_UnderConcurrentLoad_NoFailedRequestsAndAliasMoves()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 90);
        var record = TestModels.RecordJson(TestModels.BikeRows(1), 0);
        var failures = new ConcurrentBag<string>();
        var afterPromotion = new ConcurrentBag<int>();
        var promoted = 0;
        using var stop = new CancellationTokenSource();

        async Task LoadAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var wasPromoted = Volatile.Read(ref promoted) == 1;
                using var response = await Hub.Predictor.PostAsync("/api/groups/rides/predict", HubHost.Json("{\"explain\":false,\"record\":" + record + "}"));
                if (!response.IsSuccessStatusCode)
                {
                    failures.Add(await response.Content.ReadAsStringAsync());
                    continue;
                }

                if (wasPromoted)
                {
                    var json = await response.JsonAsync();
                    var result = json.GetProperty("results")[0];
                    afterPromotion.Add(result.GetProperty("role").GetString() == "champion" ? result.GetProperty("version").GetInt32() : -result.GetProperty("version").GetInt32());
                }
            }
        }

        var load = Enumerable.Range(0, 8).Select(_ => Task.Run(LoadAsync)).ToArray();
        await Task.Delay(300);
        using var promotion = await Hub.Scientist.PostAsJsonAsync("/api/groups/rides/promote", new { model = "bike", version = 2, reason = "wins" });
        Volatile.Write(ref promoted, 1);
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Equal(HttpStatusCode.OK, promotion.StatusCode);
        Assert.Empty(failures);
        Assert.NotEmpty(afterPromotion);
        Assert.All(afterPromotion, v => Assert.True(v is 2 or -1, $"after promotion, served {v}"));
        var group = await Hub.Store.Groups.GetGroupAsync("rides");
        Assert.Equal([new GroupMember("bike", 2, GroupRole.Champion, 90), new GroupMember("bike", 1, GroupRole.Challenger, 10)], group.Members);
        Assert.Equal(2, (await Hub.Store.GetModelAsync("bike")).Aliases["Champion"]);
        var committed = (await Hub.Admin.GetFromJsonAsync<JsonElement>("/api/metrics")).GetProperty("log");
        Assert.Equal(0, committed.GetProperty("writeFailures").GetInt64());
        Assert.Equal(committed.GetProperty("predictRecords").GetInt64(), (await Hub.Store.InferenceLog.ReadOutcomesAsync("rides")).Count);
    }
}

public sealed class SqlitePredictTests() : PredictTests(new SqliteHub())
{
    [Fact]
    public async Task Predict_Split90To10_Over20000Requests_IsWithinTwoPoints()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 90);
        var body = "{\"explain\":false,\"record\":" + """{"season":1,"hr":3,"weekday":6,"workingday":0,"weathersit":1,"temp":0.2,"hum":0.8,"windspeed":0}""" + "}";
        var counts = new int[3];
        var next = -1;

        async Task SendAsync()
        {
            while (Interlocked.Increment(ref next) < 20_000)
            {
                using var response = await Hub.Predictor.PostAsync("/api/groups/rides/predict", HubHost.Json(body));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var version = (await response.JsonAsync()).GetProperty("results")[0].GetProperty("version").GetInt32();
                Interlocked.Increment(ref counts[version]);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(SendAsync)));

        Assert.Equal(20_000, counts[1] + counts[2]);
        Assert.InRange(counts[1] / 200.0, 88.0, 92.0);
        Assert.Equal(20_000, (await Hub.Store.InferenceLog.ReadOutcomesAsync("rides")).Count);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresPredictTests(PostgresServer server) : PredictTests(new PostgresHub(server))
{
    [Fact]
    public async Task TwoHubs_OneDatabase_SeeTheSameGroupsAndRouteTheSame()
    {
        var other = await StartAsync();
        await Hub.CreateBikeGroupAsync("rides", championWeight: 50);
        var record = """{"season":1,"hr":3,"weekday":6,"workingday":0,"weathersit":1,"temp":0.2,"hum":0.8,"windspeed":0}""";

        for (var k = 0; k < 40; k++)
        {
            var body = $$"""{"routingKey":"key-{{k}}","explain":false,"record":{{record}}}""";
            var here = await PredictAsync(Hub.Predictor, "rides", body);
            var there = await PredictAsync(other.Predictor, "rides", body);
            Assert.Equal(here.GetProperty("results")[0].GetProperty("version").GetInt32(), there.GetProperty("results")[0].GetProperty("version").GetInt32());
        }

        using var split = await Hub.Scientist.PutAsJsonAsync("/api/groups/rides/split", new { champion = new { model = "bike", version = 3 } });
        Assert.Equal(HttpStatusCode.OK, split.StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var after = await PredictAsync(other.Predictor, "rides", $$"""{"explain":false,"record":{{record}}}""");
        Assert.Equal(3, after.GetProperty("results")[0].GetProperty("version").GetInt32());
    }
}
