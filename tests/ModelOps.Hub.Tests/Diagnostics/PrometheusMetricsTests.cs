using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ModelOps.Hub.Tests.Api;
using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Store.Queue;

namespace ModelOps.Hub.Tests.Diagnostics;

/// <summary><c>GET /metrics</c> of a real hub: the documented series with exact counts, the job queue's figures, and the token it needs.</summary>
public sealed class PrometheusMetricsTests() : HubTests(new SqliteHub())
{
    private const string Promotion = "job:\n  KIND: PromotionJob\n  model_name: bike\n  alias: Champion\n";

    [Fact]
    public async Task Metrics_AfterKnownPredictions_CountEverySeriesExactly_AndAgreeWithHealth()
    {
        // rides: every request to the Champion bike/1 (the Challenger bike/2 has weight 0), scored by the Shadow bike/3 too;
        // trips: every request to the Challenger bike/2, without SHAP.
        await Hub.CreateBikeGroupAsync("rides", championWeight: 100, shadow: true);
        await Hub.CreateBikeGroupAsync("trips", championWeight: 0);
        var rows = TestModels.BikeRows(2);
        for (var i = 0; i < 7; i++)
        {
            await PredictAsync("rides", "{\"records\":[" + TestModels.RecordJson(rows, 0) + "," + TestModels.RecordJson(rows, 1) + "]}");
        }

        for (var i = 0; i < 3; i++)
        {
            await PredictAsync("trips", "{\"explain\":false,\"record\":" + TestModels.RecordJson(rows, 0) + "}");
        }

        var metrics = await Scrape.GetAsync(Hub.Viewer);
        using var healthResponse = await Hub.Anonymous.GetAsync("/health");
        var health = await healthResponse.JsonAsync();
        var log = health.GetProperty("log");

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.ContentType);
        Assert.Equal(
            new Dictionary<string, double> { [Rides(1, "champion")] = 7, [Rides(2, "challenger")] = 0, [Trips(1, "champion")] = 0, [Trips(2, "challenger")] = 3 },
            metrics.Series("modelops_predict_requests_total"));
        Assert.Equal(
            new Dictionary<string, double> { [Rides(1, "champion")] = 14, [Rides(2, "challenger")] = 0, [Trips(1, "champion")] = 0, [Trips(2, "challenger")] = 3 },
            metrics.Series("modelops_predict_records_total"));
        Assert.Equal(
            new Dictionary<string, double> { [Rides(1, "champion")] = 7, [Trips(2, "challenger")] = 3 },
            metrics.Series("modelops_predict_duration_seconds_count"));
        Assert.Equal(7, metrics[$"modelops_predict_duration_seconds_bucket{{group=\"rides\",model=\"bike\",role=\"champion\",version=\"1\",le=\"+Inf\"}}"]);
        Assert.Equal(
            new Dictionary<string, double> { [Rides(1, "champion")] = 7, [Rides(3, "shadow")] = 7, [Trips(2, "challenger")] = 3 },
            metrics.Series("modelops_scoring_duration_seconds_count"));
        Assert.Equal(
            new Dictionary<string, double> { [Rides(1, "champion")] = 0, [Rides(2, "challenger")] = 0, [Rides(3, "shadow")] = 0, [Trips(1, "champion")] = 0, [Trips(2, "challenger")] = 0 },
            metrics.Series("modelops_scoring_errors_total"));

        // One transaction per request (each was sent after the previous one was answered): 7 x (2 served + 2 shadow rows) + 3 rows.
        Assert.Equal((10, 31), (metrics["modelops_inference_log_commit_batch_rows_count{}"], metrics["modelops_inference_log_commit_batch_rows_sum{}"]));
        Assert.Equal((0, 0, 0), (metrics["modelops_inference_log_queue_depth{}"], metrics["modelops_inference_log_rejected_total{}"], metrics["modelops_inference_log_write_failures_total{}"]));

        // SHAP: one batch per rides scoring (Champion and Shadow, 2 rows each); trips asked for none.
        Assert.Equal((14, 28), (metrics["modelops_shap_batch_rows_count{}"], metrics["modelops_shap_batch_rows_sum{}"]));
        Assert.Equal((14, 14), (metrics["modelops_shap_batch_scorings_count{}"], metrics["modelops_shap_batch_scorings_sum{}"]));
        Assert.Equal(2, metrics["modelops_routing_groups{}"]);

        // /health reads the same counters.
        Assert.Equal((10L, 17L), (log.GetProperty("predictRequests").GetInt64(), log.GetProperty("predictRecords").GetInt64()));
        Assert.Equal(health.GetProperty("routingRevision").GetInt64(), metrics["modelops_routing_revision{}"]);
        Assert.Equal(health.GetProperty("groups").GetInt64(), metrics["modelops_routing_groups{}"]);
        Assert.Equal(log.GetProperty("queuedRequests").GetInt64(), metrics["modelops_inference_log_queue_depth{}"]);
        Assert.Equal(log.GetProperty("batches").GetInt64(), metrics["modelops_inference_log_commit_batch_rows_count{}"]);
        Assert.Equal(log.GetProperty("rowsCommitted").GetInt64(), metrics["modelops_inference_log_commit_batch_rows_sum{}"]);
        Assert.Equal(log.GetProperty("shapBatches").GetInt64(), metrics["modelops_shap_batch_rows_count{}"]);
        Assert.Equal(log.GetProperty("shapRequests").GetInt64(), metrics["modelops_shap_batch_scorings_sum{}"]);
        Assert.Equal(log.GetProperty("scoringErrors").GetInt64(), metrics.Series("modelops_scoring_errors_total").Values.Sum());
    }

    [Fact]
    public async Task Metrics_Types_AreTheOnesDocsHubApiListsWithTheirLabels()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 100, shadow: true);
        await PredictAsync("rides", "{\"record\":" + TestModels.RecordJson(TestModels.BikeRows(1), 0) + "}");

        var metrics = await Scrape.GetAsync(Hub.Viewer);

        // The table of docs/hub-api.md: | `name{labels}` | type | meaning |
        var documented = File.ReadLines(Path.Combine(TestModels.Root, "docs", "hub-api.md"))
            .Select(line => Regex.Match(line, @"^\| `(modelops_[a-z_]+)(\{[a-z,]+\})?` \| ([a-z]+) \|"))
            .Where(match => match.Success)
            .ToDictionary(match => match.Groups[1].Value, match => (Type: match.Groups[3].Value, Labels: match.Groups[2].Value));
        Assert.Equal(documented.Keys.Order(StringComparer.Ordinal), metrics.Types.Keys.Where(name => name != "target_info").Order(StringComparer.Ordinal));
        foreach (var (name, (type, labels)) in documented)
        {
            Assert.Equal((name, type), (name, metrics.Types[name]));
            Assert.Equal((name, SortedLabels(labels)), (name, metrics.LabelsOf(name)));
        }
    }

    [Fact]
    public async Task Metrics_AskedForOpenMetricsAsPrometheusAsks_AnswerItWithTheSameCounts()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 100);
        for (var i = 0; i < 3; i++)
        {
            await PredictAsync("rides", "{\"record\":" + TestModels.RecordJson(TestModels.BikeRows(1), 0) + "}");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        using var response = await Hub.Viewer.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores", response.Content.Headers.ContentType!.ToString());
        Assert.EndsWith("\n# EOF\n", text, StringComparison.Ordinal);
        Assert.Contains("\n# TYPE modelops_predict_requests counter\n", text, StringComparison.Ordinal);
        Assert.Contains($"\nmodelops_predict_requests_total{Rides(1, "champion")} 3\n", text, StringComparison.Ordinal);
        Assert.Contains($"\nmodelops_predict_duration_seconds_count{Rides(1, "champion")} 3\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_JobQueue_AreTheStoresQueuedAndRunningJobs()
    {
        for (var i = 0; i < 3; i++)
        {
            await JobsApiTests.JsonAsync(Hub.Scientist.PostAsJsonAsync("/api/jobs", new { config = Promotion }), HttpStatusCode.Created);
        }

        // A worker of another process holds one of them.
        Assert.NotNull(await Hub.Store.Jobs.ClaimJobAsync("elsewhere:1/1", TimeSpan.FromMinutes(1)));

        var metrics = await Scrape.GetAsync(Hub.Viewer);

        Assert.Equal(
            new Dictionary<string, double> { ["{status=\"queued\"}"] = 2, ["{status=\"running\"}"] = 1 },
            metrics.Series("modelops_job_queue_jobs"));
        Assert.Equal((0, 0), (metrics["modelops_worker_slots{}"], metrics["modelops_worker_running_jobs{}"]));
    }

    [Fact]
    public async Task Metrics_WithoutAReadToken_AreRefusedWithProblemDetails()
    {
        using var unknown = Hub.Client("mo_not-a-token");

        var anonymous = await Hub.Anonymous.GetAsync("/metrics").ProblemAsync();
        var wrong = await unknown.GetAsync("/metrics").ProblemAsync();
        var predictor = await Hub.Predictor.GetAsync("/metrics").ProblemAsync();

        Assert.Equal((401, "missing token: send the header 'Authorization: Bearer <token>' (make one with 'modelops tokens create --role ROLE')"), anonymous);
        Assert.Equal((401, "unknown token"), wrong);
        Assert.Equal((403, "token 'predictor-token' has role predictor, which may not read; that needs role admin, scientist or viewer"), predictor);
    }

    [Fact]
    public async Task Metrics_OfTwoHubsInOneProcess_EachCountsOnlyItsOwnPredictions()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 100);
        var other = await StartAsync();
        var body = "{\"explain\":false,\"record\":" + TestModels.RecordJson(TestModels.BikeRows(1), 0) + "}";

        for (var i = 0; i < 2; i++)
        {
            await PredictAsync("rides", body);
        }

        using (var response = await other.Predictor.PostAsync("/api/groups/rides/predict", HubHost.Json(body)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(2, (await Scrape.GetAsync(Hub.Viewer))[$"modelops_predict_requests_total{Rides(1, "champion")}"]);
        Assert.Equal(1, (await Scrape.GetAsync(other.Viewer))[$"modelops_predict_requests_total{Rides(1, "champion")}"]);
    }

    private static string SortedLabels(string labels) =>
        labels.Length == 0 ? labels : "{" + string.Join(',', labels.Trim('{', '}').Split(',').Order(StringComparer.Ordinal)) + "}";

    private static string Rides(int version, string role) => Labels("rides", version, role);

    private static string Trips(int version, string role) => Labels("trips", version, role);

    private static string Labels(string group, int version, string role) => $"{{group=\"{group}\",model=\"bike\",role=\"{role}\",version=\"{version}\"}}";

    private async Task PredictAsync(string group, string body)
    {
        using var response = await Hub.Predictor.PostAsync($"/api/groups/{group}/predict", HubHost.Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}

/// <summary>The hub's own worker (<c>--workers 1</c>) running a job, as <c>/metrics</c> shows it.</summary>
public sealed class PrometheusWorkerMetricsTests() : HubTests(new SqliteHub())
{
    protected override HubOptions? Options => new() { Workers = 1 };

    [Fact]
    public async Task Metrics_WhileTheHubsWorkerRunsAJob_ShowItsSlotAndTheRunningJob()
    {
        var config = HubWorkersTests.EndlessTraining;
        await JobsApiTests.JsonAsync(Hub.Scientist.PostAsJsonAsync("/api/jobs", new { config }), HttpStatusCode.Created);

        // Its first heartbeat with progress comes after the slot counted it.
        var clock = Stopwatch.StartNew();
        QueuedJob running;
        while ((running = await Hub.Store.Jobs.GetJobAsync(1)).Percent <= 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"the job reported no progress: {running.Status} {running.Message}");
            await Task.Delay(100);
        }

        var metrics = await Scrape.GetAsync(Hub.Viewer);

        Assert.Equal((1, 1), (metrics["modelops_worker_slots{}"], metrics["modelops_worker_running_jobs{}"]));
        Assert.Equal(
            new Dictionary<string, double> { ["{status=\"queued\"}"] = 0, ["{status=\"running\"}"] = 1 },
            metrics.Series("modelops_job_queue_jobs"));
    }
}

/// <summary>One scrape of <c>/metrics</c>, parsed: each sample by its name and labels as written, each family's type.</summary>
internal sealed class Scrape
{
    private readonly Dictionary<string, double> _samples = new(StringComparer.Ordinal);

    private Scrape(string contentType, string text)
    {
        ContentType = contentType;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Types.Add(parts[2], parts[3]);
            }
            else if (!line.StartsWith('#'))
            {
                var space = line.LastIndexOf(' ');
                _samples.Add(line[..space], double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture));
            }
        }
    }

    public string ContentType { get; }

    /// <summary>The type of each family (<c># TYPE name type</c>).</summary>
    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);

    /// <summary>The value of one sample: <c>name{labels}</c> as written.</summary>
    public double this[string sample] => _samples.TryGetValue(sample, out var value) ? value : throw new KeyNotFoundException($"no sample {sample} in the scrape");

    public static async Task<Scrape> GetAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return new Scrape(response.Content.Headers.ContentType!.ToString(), text);
    }

    /// <summary>The samples named exactly <paramref name="name"/>, by their labels (<c>{...}</c>).</summary>
    public Dictionary<string, double> Series(string name) =>
        _samples.Where(s => s.Key.StartsWith(name + "{", StringComparison.Ordinal)).ToDictionary(s => s.Key[name.Length..], s => s.Value, StringComparer.Ordinal);

    /// <summary>The label names of family <paramref name="name"/> (without <c>le</c>) in order, as <c>{a,b}</c>, or empty when it has none.</summary>
    public string LabelsOf(string name)
    {
        var sample = _samples.Keys.First(key => key.StartsWith(name + "{", StringComparison.Ordinal) || key.StartsWith(name + "_count{", StringComparison.Ordinal));
        var names = Regex.Matches(sample[sample.IndexOf('{', StringComparison.Ordinal)..], "([a-z_]+)=\"").Select(m => m.Groups[1].Value).Where(label => label != "le").Order(StringComparer.Ordinal).ToArray();
        return names.Length == 0 ? string.Empty : "{" + string.Join(',', names) + "}";
    }
}
