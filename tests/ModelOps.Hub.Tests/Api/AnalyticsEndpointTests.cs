using System.Text.Json;
using ModelOps.Core.Analytics;
using ModelOps.Core.Data;
using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Jobs.Datasets;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Hub.Tests.Api;

public sealed class AnalyticsEndpointTests() : HubTests(new SqliteHub())
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    // The exact report's cap is below the 120 rows the tests log.
    protected override HubOptions Options => new() { MaxExactAnalyticsRows = 150 };

    [Fact]
    public async Task Analytics_LabelledTraffic_ReportsEachVersionFromTheLog()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 50);
        await LogLabelledTrafficAsync(120);

        var report = await Hub.Viewer.GetFromJsonAsync<JsonElement>("/api/groups/rides/analytics?bucket=1d");
        var (badStatus, badDetail) = await Hub.Viewer.GetAsync("/api/groups/rides/analytics?bucket=soon").ProblemAsync();

        Assert.Equal("regression", report.GetProperty("task").GetString());
        Assert.Equal(120, report.GetProperty("rows").GetInt64());
        Assert.Equal(86400, report.GetProperty("bucketSeconds").GetDouble());
        var outcomes = await Hub.Store.InferenceLog.ReadOutcomesAsync("rides");
        foreach (var model in report.GetProperty("models").EnumerateArray())
        {
            var version = model.GetProperty("version").GetInt32();
            var mine = outcomes.Where(o => o.Version == version).ToArray();
            Assert.Equal(mine.Length, model.GetProperty("requests").GetInt64());
            Assert.Equal(mine.Length, model.GetProperty("labelled").GetInt64());
            Assert.Equal(version == 1, model.GetProperty("isChampion").GetBoolean());
            var rmse = Math.Sqrt(mine.Average(o => (o.Prediction!.Value - o.Label!.Value) * (o.Prediction.Value - o.Label.Value)));
            Assert.Equal(rmse, model.GetProperty("regression").GetProperty("rmse").GetProperty("value").GetDouble(), 1e-9);
        }

        var comparison = Assert.Single(report.GetProperty("comparisons").EnumerateArray());
        Assert.Equal((2, 1), (comparison.GetProperty("version").GetInt32(), comparison.GetProperty("championVersion").GetInt32()));
        Assert.Contains(comparison.GetProperty("verdict").GetString(), new[] { "challenger_better", "champion_better", "no_difference_yet", "insufficient_data" });
        Assert.Equal((400, "query string is invalid: bucket: 'soon' is not a duration such as 15m, 1h or 1d"), (badStatus, badDetail));
    }

    [Fact]
    public async Task Analytics_ServedAndExact_AgreeOnTheSameWindow_AndExactIsBoundedByAWindowAndARowCap()
    {
        var from = DateTimeOffset.UtcNow.AddMinutes(-5);
        from = from.AddTicks(-(from.UtcTicks % TimeSpan.TicksPerMinute));
        await Hub.CreateBikeGroupAsync("rides", championWeight: 50);
        await LogLabelledTrafficAsync(120);
        var to = from.AddMinutes(15);
        var window = $"from={from:yyyy-MM-ddTHH:mm:ssZ}&to={to:yyyy-MM-ddTHH:mm:ssZ}&bucket=15m";

        var served = await Hub.Viewer.GetFromJsonAsync<GroupAnalyticsReport>($"/api/groups/rides/analytics?{window}", Web);
        var exact = await Hub.Viewer.GetFromJsonAsync<GroupAnalyticsReport>($"/api/groups/rides/analytics?{window}&exact=true", Web);
        var (noWindow, noWindowDetail) = await Hub.Viewer.GetAsync("/api/groups/rides/analytics?exact=true").ProblemAsync();
        var (seconds, secondsDetail) = await Hub.Viewer.GetAsync("/api/groups/rides/analytics?bucket=30s").ProblemAsync();
        await LogLabelledTrafficAsync(40);
        var (tooMany, tooManyDetail) = await Hub.Viewer.GetAsync($"/api/groups/rides/analytics?{window}&exact=true").ProblemAsync();

        Assert.Equal(120, exact!.Rows);
        ReportAssert.Equivalent(exact, served!);
        Assert.Equal(LatencySketch.RelativeAccuracy, served!.Models[0].Latency.RelativeError);
        Assert.Equal(0.0, exact.Models[0].Latency.RelativeError);
        Assert.Equal((400, "query string is invalid: exact: an exact report reads rows: give the window as from and to"), (noWindow, noWindowDetail));
        Assert.Equal((400, "query string is invalid: bucket: '30s' is not a whole number of minutes, the finest cell of the statistics (exact=true takes seconds)"), (seconds, secondsDetail));
        Assert.Equal((400, $"the window {from:O} to {to:O} holds more than 150 rows, the most an exact report reads (MaxExactAnalyticsRows); narrow the window, or leave out exact=true for the report from the statistics"), (tooMany, tooManyDetail));
    }

    [Fact]
    public async Task OpenApi_ReportTask_DocumentedAsRegressionOrClassification()
    {
        var document = await Hub.Viewer.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var schemas = document.GetProperty("components").GetProperty("schemas");
        var task = schemas.GetProperty("GroupAnalyticsReport").GetProperty("properties").GetProperty("task");
        Assert.Equal("#/components/schemas/AnalyticsTask", task.GetProperty("$ref").GetString());
        Assert.Equal(["regression", "classification"], schemas.GetProperty("AnalyticsTask").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    // Predicts `count` bike rows one request each and sends each one's label as feedback.
    private async Task LogLabelledTrafficAsync(int count)
    {
        var data = Dataset.ReadCsv(Path.Combine(TestModels.Root, "data", "bike_sharing", "hour.csv")).Head(count);
        var inputs = data.Select(TestModels.BikeInputs);
        var counts = data.Get<Int64Column>("cnt").Values.ToArray();
        for (var i = 0; i < count; i++)
        {
            var record = TestModels.RecordJson(inputs, i);
            using var response = await Hub.Predictor.PostAsync("/api/groups/rides/predict", HubHost.Json("{\"explain\":false,\"record\":" + record + "}"));
            var requestId = (await response.JsonAsync()).GetProperty("requestId").GetString();
            using var feedback = await Hub.Predictor.PostAsJsonAsync("/api/groups/rides/feedback", new { requestId, actual = (double)counts[i] });
            Assert.True(feedback.IsSuccessStatusCode);
        }
    }
}
