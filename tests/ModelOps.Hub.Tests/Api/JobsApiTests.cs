using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ModelOps.Hub.Tests.Infrastructure;

namespace ModelOps.Hub.Tests.Api;

/// <summary>The job queue's API on a hub without workers: submit (checked first), list, read, log, cancel, and every refusal.</summary>
public sealed class JobsApiTests() : HubTests(new SqliteHub())
{
    private const string Promotion = "job:\n  KIND: PromotionJob\n  model_name: bike\n  alias: Champion\n";

    internal static async Task<JsonElement> JsonAsync(Task<HttpResponseMessage> request, HttpStatusCode expected)
    {
        using var response = await request;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task Submit_IsQueuedWithItsSources_AndReadBack()
    {
        var job = await JsonAsync(Hub.Scientist.PostAsJsonAsync("/api/jobs", new { config = Promotion, name = "promotion.yaml", extras = new[] { "{job: {reason: nightly}}" }, maxAttempts = 2 }), HttpStatusCode.Created);

        Assert.Equal((1L, "PromotionJob", "promotion.yaml", "queued", 0, 2, "scientist-token"), (job.GetProperty("id").GetInt64(), job.GetProperty("kind").GetString(), job.GetProperty("name").GetString(), job.GetProperty("status").GetString(), job.GetProperty("attempts").GetInt32(), job.GetProperty("maxAttempts").GetInt32(), job.GetProperty("submittedBy").GetString()));
        Assert.Equal(
            [("promotion.yaml", Promotion), ("--extras[0]", "{job: {reason: nightly}}")],
            job.GetProperty("config").EnumerateArray().Select(s => (s.GetProperty("name").GetString(), s.GetProperty("text").GetString())));
        var read = await JsonAsync(Hub.Viewer.GetAsync("/api/jobs/1"), HttpStatusCode.OK);
        Assert.Equal(job.GetRawText(), read.GetRawText());
        var log = await JsonAsync(Hub.Viewer.GetAsync("/api/jobs/1/log"), HttpStatusCode.OK);
        Assert.Equal(["submitted by scientist-token"], log.EnumerateArray().Select(l => l.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Submit_AConfigThatCannotRun_Is400NamingEachProblemsLineAndPath_AndQueuesNothing()
    {
        using var response = await Hub.Scientist.PostAsJsonAsync("/api/jobs", new { config = "job:\n  KIND: PromotionJob\n  model_nam: bike\n  alias: 3x\n", name = "promo.yaml" });
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            ["promo.yaml:3: job.model_nam: unknown field, did you mean model_name?", "promo.yaml:2: job: missing field 'model_name'"],
            problem.GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
        Assert.StartsWith("the job config is invalid: ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await JsonAsync(Hub.Viewer.GetAsync("/api/jobs"), HttpStatusCode.OK)).EnumerateArray());
    }

    [Fact]
    public async Task Submit_BadBodies_AreClear400s_AndOnlyScientistsAndAdminsSubmit()
    {
        var noConfig = await Hub.Scientist.PostAsJsonAsync("/api/jobs", new { name = "x.yaml" }).ProblemAsync();
        var badExtra = await Hub.Scientist.PostAsJsonAsync("/api/jobs", new { config = Promotion, extras = new object[] { 3 } }).ProblemAsync();
        var attempts = await Hub.Scientist.PostAsJsonAsync("/api/jobs", new { config = Promotion, maxAttempts = 11 }).ProblemAsync();
        var viewer = await Hub.Viewer.PostAsJsonAsync("/api/jobs", new { config = Promotion }).ProblemAsync();

        Assert.Equal((400, "request body is invalid: $.config: missing"), noConfig);
        Assert.Equal((400, "request body is invalid: $.extras[0]: must be a string (YAML or JSON), got number 3"), badExtra);
        Assert.Equal((400, "job is invalid: max attempts must be 1 to 10, got 11"), attempts);
        Assert.Equal(403, viewer.Status);
    }

    [Fact]
    public async Task List_FiltersAndPages_AndRefusesWhatItDoesNotKnow()
    {
        for (var i = 0; i < 3; i++)
        {
            await JsonAsync(Hub.Scientist.PostAsJsonAsync("/api/jobs", new { config = Promotion }), HttpStatusCode.Created);
        }

        await JsonAsync(Hub.Scientist.PostAsync("/api/jobs/2/cancel", null), HttpStatusCode.OK);

        var all = await JsonAsync(Hub.Viewer.GetAsync("/api/jobs"), HttpStatusCode.OK);
        var queued = await JsonAsync(Hub.Viewer.GetAsync("/api/jobs?status=queued&kind=PromotionJob"), HttpStatusCode.OK);
        var page = await JsonAsync(Hub.Viewer.GetAsync("/api/jobs?before=3&limit=1"), HttpStatusCode.OK);
        var badStatus = await Hub.Viewer.GetAsync("/api/jobs?status=done&limit=x").ProblemAsync();
        var unknown = await Hub.Viewer.GetAsync("/api/jobs?state=queued").ProblemAsync();

        Assert.Equal([3L, 2, 1], all.EnumerateArray().Select(j => j.GetProperty("id").GetInt64()));
        Assert.False(all[0].TryGetProperty("config", out _));
        Assert.Equal([3L, 1], queued.EnumerateArray().Select(j => j.GetProperty("id").GetInt64()));
        Assert.Equal([2L], page.EnumerateArray().Select(j => j.GetProperty("id").GetInt64()));
        Assert.Equal((400, "query string is invalid: status: 'done' is not a job status (queued, running, succeeded, failed, cancelled); limit: 'x' is not an integer"), badStatus);
        Assert.Equal((400, "unknown query parameter 'state' for GET /api/jobs; it takes status, kind, before, limit"), unknown);
    }

    [Fact]
    public async Task Cancel_AQueuedJob_ThenAgainIs409_UnknownIs404()
    {
        await JsonAsync(Hub.Scientist.PostAsJsonAsync("/api/jobs", new { config = Promotion }), HttpStatusCode.Created);

        var cancelled = await JsonAsync(Hub.Admin.PostAsync("/api/jobs/1/cancel", null), HttpStatusCode.OK);
        var again = await Hub.Admin.PostAsync("/api/jobs/1/cancel", null).ProblemAsync();
        var missing = await Hub.Admin.PostAsync("/api/jobs/9/cancel", null).ProblemAsync();
        var missingLog = await Hub.Viewer.GetAsync("/api/jobs/9/log?follow=true").ProblemAsync();
        var viewer = await Hub.Viewer.PostAsync("/api/jobs/1/cancel", null).ProblemAsync();

        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(409, again.Status);
        Assert.Matches("^job 1 already cancelled at [0-9: .-]+ UTC; only a queued or running job can be cancelled$", again.Detail);
        Assert.Equal((404, "job 9 not found"), missing);
        Assert.Equal((404, "job 9 not found"), missingLog);
        Assert.Equal(403, viewer.Status);
    }
}

/// <summary>The hub's own workers (<c>--workers 1</c>): a submitted job runs, reports its progress and result, and its log streams until it ends.</summary>
public sealed class HubWorkersTests() : HubTests(new SqliteHub())
{
    protected override HubOptions? Options => new() { Workers = 1 };

    [Fact]
    public async Task SubmittedTraining_RunsOnTheHubsWorker_ToItsResult_AndTheFollowedLogEndsWithIt()
    {
        var data = Path.Combine(TestModels.Root, "data", "bike_sharing", "hour.csv");
        var config = $$"""
            job:
              KIND: TrainingJob
              run_name: bike on the hub
              inputs: {KIND: CsvReader, path: '{{data}}'}
              target: cnt
              features: [{KIND: Passthrough, columns: [hr, temp, workingday]}]
              model: {KIND: GradientBoostingRegressor, max_iter: 30}
              model_name: bike_queued
            """;

        var submitted = await JobsApiTests.JsonAsync(Hub.Scientist.PostAsJsonAsync("/api/jobs", new { config }), HttpStatusCode.Created);
        using var stream = await Hub.Viewer.GetAsync($"/api/jobs/{submitted.GetProperty("id").GetInt64()}/log?follow=true", HttpCompletionOption.ResponseHeadersRead);
        var lines = (await stream.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("message").GetString()!).ToList();
        var job = await JobsApiTests.JsonAsync(Hub.Viewer.GetAsync("/api/jobs/1"), HttpStatusCode.OK);

        Assert.Equal("application/x-ndjson", stream.Content.Headers.ContentType!.MediaType);
        Assert.Equal(("succeeded", 100.0, 1, "bike on the hub"), (job.GetProperty("status").GetString(), job.GetProperty("percent").GetDouble(), job.GetProperty("attempts").GetInt32(), job.GetProperty("name").GetString()));
        var result = job.GetProperty("result");
        Assert.Equal(("bike_queued", 1), (result.GetProperty("model_name").GetString(), result.GetProperty("version").GetInt32()));
        Assert.Equal(result.GetProperty("run_id").GetString(), job.GetProperty("runId").GetString());
        Assert.Equal(1, (await Hub.Store.GetVersionAsync("bike_queued", 1)).Version);
        Assert.Equal("submitted by scientist-token", lines[0]);
        Assert.Matches("^attempt 1 of 3 on worker [^ ]+/1$", lines[1]);
        Assert.Contains(lines, l => l.StartsWith("split by TrainTestSplit: ", StringComparison.Ordinal));
        Assert.StartsWith("succeeded in ", lines[^1], StringComparison.Ordinal);
        Assert.EndsWith(": registered bike_queued version 1; " + result.GetProperty("summary").GetString()!.Split("; ", 2)[1], lines[^1], StringComparison.Ordinal);
    }

    /// <summary>A training job that runs until it is stopped (100,000 rounds), reporting its rounds as progress.</summary>
    internal static string EndlessTraining => $$"""
        job:
          KIND: TrainingJob
          inputs: {KIND: CsvReader, path: '{{Path.Combine(TestModels.Root, "data", "bike_sharing", "hour.csv")}}'}
          target: cnt
          features: [{KIND: Passthrough, columns: [hr, temp, workingday]}]
          model: {KIND: GradientBoostingRegressor, max_iter: 100000, learning_rate: 0.01}
          model_name: bike_forever
        """;

    [Fact]
    public async Task ARunningTraining_ReportsItsRoundsAsProgress_AndStoppingTheHubGivesTheJobBack()
    {
        var config = EndlessTraining;
        await JobsApiTests.JsonAsync(Hub.Scientist.PostAsJsonAsync("/api/jobs", new { config }), HttpStatusCode.Created);
        var clock = Stopwatch.StartNew();
        Store.Queue.QueuedJob running;
        while ((running = await Hub.Store.Jobs.GetJobAsync(1)).Percent <= 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"the job reported no progress: {running.Status} {running.Message}");
            await Task.Delay(100);
        }

        Assert.Equal("Training GradientBoostingRegressor on 13,903 rows", running.Message);
        Assert.InRange(running.Percent, 0.001, 99);
        Assert.NotNull(running.RunId);

        await Hub.StopAsync();

        var job = await Hub.Store.Jobs.GetJobAsync(1);
        Assert.Equal((Store.Queue.QueuedJobStatus.Queued, 0, (string?)null), (job.Status, job.Attempts, job.Worker));
        Assert.Matches("^worker [^ ]+/1 is stopping; the job stopped after [0-9.]+ s and waits for another worker$", (await Hub.Store.Jobs.GetJobLogAsync(1))[^1].Message);
    }
}
