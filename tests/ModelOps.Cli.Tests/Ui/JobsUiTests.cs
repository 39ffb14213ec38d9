using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Jobs;
using ModelOps.Jobs.Queue;
using ModelOps.Store;
using ModelOps.Store.Queue;
using Xunit.Sdk;

namespace ModelOps.Cli.Tests.Ui;

/// <summary>
/// The jobs pages in Chromium, against the fixture hub's own worker (<c>--workers 1</c>): a scientist builds a
/// TrainingJob in the form made from the config language's schema, submits it, follows it to the end and opens the
/// version it registered; a YAML typo is named by line and path and queues nothing; queued and running jobs are cancelled
/// from the list (and a cancel of a job that ended meanwhile says how it ended); a viewer sees the jobs but cannot act;
/// a failed job is found by the status filter and its page shows the error with its kind.
/// The empty queue's state is tested first (<see cref="TestOrderer"/>; no other UI test submits jobs), then a job
/// submitted elsewhere appears on that idle page without a reload.
/// </summary>
[Collection(HubUiCollection.Name)]
[TestCaseOrderer("ModelOps.Cli.Tests.Ui.TestOrderer", "ModelOps.Cli.Tests")]
public sealed class JobsUiTests(HubUiFixture hub)
{
    // A job that trains for minutes on the bike data (every column, big trees, 100,000 rounds), unless cancelled.
    private static string LongJob(string runName) => $$"""
        job:
          KIND: TrainingJob
          run_name: {{runName}}
          inputs: {KIND: CsvReader, path: data/bike_sharing/hour.csv}
          target: cnt
          features: [{KIND: Passthrough, columns: [season, yr, mnth, hr, holiday, weekday, workingday, weathersit, temp, atemp, hum, windspeed]}]
          model: {KIND: GradientBoostingRegressor, max_iter: 100000, learning_rate: 0.01, max_leaf_nodes: 255, min_samples_leaf: 1, max_bins: 255, early_stopping: false}
          model_name: ui_never_registered
        """;

    [Fact]
    [TestOrder(0)]
    public async Task Viewer_EmptyQueue_SaysHowToSubmitAJob_AJobSubmittedElsewhereAppearsWithoutAReload()
    {
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        Assert.Empty(await store.Jobs.ListJobsAsync(new JobQuery()));

        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("viewer", path: "/jobs");
        await ui.WaitForCircuitAsync();

        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = "Jobs", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "No jobs yet" })).ToHaveTextAsync(
            "No jobs yet Submit one with Build a model (a form for any job kind, or its YAML), with modelops jobs submit configs/bike/training.yaml, "
            + "or with POST /api/jobs and the config as its body. A worker runs it: modelops worker, or modelops serve --workers 1.");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Link, new() { Name = "Build a model" })).ToHaveCountAsync(0);
        await ui.ScreenshotAsync("jobs-empty");

        // Nothing active: the page still reads the list every few seconds, so a job submitted by the CLI shows up.
        var job = await SubmitAsync(store, "ui-elsewhere");
        try
        {
            await Assertions.Expect(RowOf(ui, job)).ToBeVisibleAsync(new() { Timeout = 15_000 });
            await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "Jobs shown" })).ToContainTextAsync("1 job: ");
            Assert.Empty(ui.ConsoleErrors);
            Assert.Empty(ui.OutsideRequests);
        }
        finally
        {
            await EndQuietlyAsync(store, job);
        }
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    [TestOrder(1)]
    public async Task Scientist_BuildsATrainingJobInTheForm_FollowsItToTheEndAndOpensTheNewVersion(string scheme)
    {
        var model = $"bike_ui_{scheme}";
        await using var ui = await UiSession.OpenAsync(hub, scheme);
        await ui.SignInAsync("scientist", path: "/jobs");
        await ui.WaitForCircuitAsync();
        var menu = ui.Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Assertions.Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Jobs" })).ToBeVisibleAsync();
        await ui.Page.GetByRole(AriaRole.Link, new() { Name = "Build a model" }).ClickAsync();
        await ui.Page.WaitForURLAsync("**/jobs/new");
        await ui.WaitForCircuitAsync();

        // The form starts as a TrainingJob; every job kind of the language is offered.
        var yaml = ui.Page.GetByLabel("YAML of the form", new() { Exact = true });
        Assert.Equal("job:\n  KIND: TrainingJob\n", await yaml.InnerTextAsync());
        await ui.Page.GetByLabel("Job kind", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Option)).ToHaveTextAsync(
            ["EvaluationsJob", "ExplanationsJob", "FineTuningJob", "InferenceJob", "KafkaInferenceJob", "LlmFineTuningJob", "PromotionJob", "TrainingJob", "TuningJob"]);
        await ui.Page.GetByRole(AriaRole.Option, new() { Name = "TrainingJob", Exact = true }).ClickAsync();

        await ChooseAsync(ui, "inputs.KIND", "CsvReader");
        await ui.Page.GetByLabel("inputs.path", new() { Exact = true }).FillAsync("data/bike_sharing/hour.csv");
        await ui.Page.GetByLabel("target", new() { Exact = true }).FillAsync("cnt");
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Add to features", Exact = true }).ClickAsync();
        await ChooseAsync(ui, "features[0].KIND", "Passthrough");
        await ui.Page.GetByLabel("features[0].columns", new() { Exact = true }).FillAsync("temp, hum, hr, workingday");
        await ChooseAsync(ui, "model.KIND", "GradientBoostingRegressor");
        await ui.Page.GetByLabel("model.max_iter", new() { Exact = true }).FillAsync("50");
        await ui.Page.GetByLabel("model_name", new() { Exact = true }).FillAsync(model);

        var expected = $"""
            job:
              KIND: TrainingJob
              inputs:
                KIND: CsvReader
                path: data/bike_sharing/hour.csv
              target: cnt
              features:
                - KIND: Passthrough
                  columns: [temp, hum, hr, workingday]
              model:
                KIND: GradientBoostingRegressor
                max_iter: 50
              model_name: {model}

            """;
        await Assertions.Expect(yaml).ToContainTextAsync($"model_name: {model}");
        Assert.Equal(expected, await yaml.InnerTextAsync());
        await ui.ScreenshotAsync("jobs-new");
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Submit the form" }).ClickAsync();

        // The job page follows the job until the bar is full and the job succeeded.
        // Submitting checks and queues the config; on a loaded machine (every test project at once) that took over 30 s once.
        await ui.WaitForUrlAsync(new Regex(@"/jobs/\d+$"), 90_000);
        var id = long.Parse(ui.Page.Url[(ui.Page.Url.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
        await ui.WaitForCircuitAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = $"#{id} {model}.yaml", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByLabel($"Config source {model}.yaml", new() { Exact = true })).ToHaveTextAsync(expected.TrimEnd('\n') + "\n");
        var progress = ui.Page.GetByRole(AriaRole.Group, new() { Name = $"Progress of job {id}" });
        await Assertions.Expect(progress).ToContainTextAsync("100%", new() { Timeout = 90_000 });
        await Assertions.Expect(ui.Page.GetByText("succeeded", new() { Exact = true })).ToBeVisibleAsync();
        var open = ui.Page.GetByRole(AriaRole.Link, new() { Name = $"Open {model} version 1" });
        await Assertions.Expect(open).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Region, new() { Name = "Result" })).ToContainTextAsync($"registered {model} version 1");
        var log = ui.Page.GetByRole(AriaRole.Table, new() { Name = "Log" });
        await Assertions.Expect(log.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("submitted by ui-scientist");
        await ui.ScreenshotAsync("job-succeeded");

        await using (var store = await StoreFactory.OpenAsync(hub.Database))
        {
            var job = await store.Jobs.GetJobAsync(id);
            Assert.Equal((QueuedJobStatus.Succeeded, "ui-scientist", "TrainingJob", 100.0), (job.Status, job.SubmittedBy, job.Kind, job.Percent));
            await Assertions.Expect(ui.Page.GetByRole(AriaRole.Link, new() { Name = job.RunId! })).ToHaveAttributeAsync("href", $"runs/{job.RunId}");
            var version = await store.GetVersionAsync(model, 1);
            Assert.Equal(job.RunId, version.RunId);
        }

        // The list shows it ended, with its attempt and duration; the link opens the version the job registered.
        await menu.GetByRole(AriaRole.Link, new() { Name = "Jobs" }).ClickAsync();
        var row = ui.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = $"#{id} {model}.yaml" });
        await Assertions.Expect(row).ToContainTextAsync("succeeded");
        await Assertions.Expect(row).ToContainTextAsync("1 / 3");
        await Assertions.Expect(row).ToContainTextAsync("by ui-scientist");
        await ui.ScreenshotAsync("jobs");
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await ui.Page.GetByRole(AriaRole.Link, new() { Name = $"Open {model} version 1" }).ClickAsync();
        await ui.Page.WaitForURLAsync($"**/models/{model}?version=1");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = model, Level = 1 })).ToBeVisibleAsync();
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Fact]
    [TestOrder(2)]
    public async Task Scientist_YamlWithATypo_IsToldTheLineAndPathAndNothingIsQueued()
    {
        const string Config = """
            job:
              KIND: TrainingJob
              inputs: {KIND: CsvReader, path: data/bike_sharing/hour.csv}
              target: cnt
              features: [{KIND: Passthrough, columns: [temp, hum]}]
              modl: {KIND: GradientBoostingRegressor, max_iter: 50}
              model_name: bike_typo
            """;
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        var before = (await store.Jobs.ListJobsAsync(new JobQuery { Limit = 1000 })).Count;
        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("scientist", path: "/jobs/new");
        await ui.WaitForCircuitAsync();

        await ui.Page.GetByRole(AriaRole.Tab, new() { Name = "YAML" }).ClickAsync();
        var text = ui.Page.GetByLabel("Config YAML", new() { Exact = true });
        await text.FillAsync(Config);
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Submit the YAML" }).ClickAsync();

        var problems = ui.Page.GetByRole(AriaRole.Alert, new() { Name = "Config problems" });
        await Assertions.Expect(problems).ToContainTextAsync("The config has 2 problems; nothing was queued:");
        await Assertions.Expect(problems.GetByRole(AriaRole.Listitem)).ToHaveTextAsync(
            ["config.yaml:6: job.modl: unknown field, did you mean model?", "config.yaml:2: job: missing field 'model'"]);
        await Assertions.Expect(text).ToHaveValueAsync(Config);
        await ui.ScreenshotAsync("jobs-new-problem");
        Assert.Equal(before, (await store.Jobs.ListJobsAsync(new JobQuery { Limit = 1000 })).Count);
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    [TestOrder(3)]
    public async Task Scientist_CancelsAQueuedAndARunningJobFromTheList_ACancelOfAnEndedJobSaysHowItEnded(string scheme)
    {
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        var running = await SubmitAsync(store, $"ui-running-{scheme}");
        var queued = await SubmitAsync(store, $"ui-queued-{scheme}");
        var ended = await SubmitAsync(store, $"ui-ended-{scheme}");
        try
        {
            await CancelFromTheListAsync(store, scheme, running, queued, ended);
        }
        catch
        {
            // The fixture's one worker is freed for the next test; the failure is this test's.
            await EndQuietlyAsync(store, running, queued, ended);
            throw;
        }
    }

    private async Task CancelFromTheListAsync(IModelStore store, string scheme, QueuedJob running, QueuedJob queued, QueuedJob ended)
    {
        await WaitForAsync(store, running.Id, j => j.Status == QueuedJobStatus.Running, TimeSpan.FromSeconds(60));

        await using var ui = await UiSession.OpenAsync(hub, scheme);
        await ui.SignInAsync("scientist", path: "/jobs");
        await ui.WaitForCircuitAsync();
        var runningRow = RowOf(ui, running);
        var queuedRow = RowOf(ui, queued);
        await Assertions.Expect(runningRow).ToContainTextAsync("running");
        await Assertions.Expect(runningRow.GetByRole(AriaRole.Group, new() { Name = $"Progress of job {running.Id}" })).ToBeVisibleAsync();
        await Assertions.Expect(queuedRow).ToContainTextAsync("queued");
        await Assertions.Expect(queuedRow).ToContainTextAsync("0% · waiting for a worker");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "Jobs shown" })).ToContainTextAsync("1 running, 2 queued · updating every second");
        await ui.ScreenshotAsync("jobs-running");

        // The running job's page: its step, its worker's lease, its log so far.
        await runningRow.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = $"#{running.Id} ui-running-{scheme}", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Row, new() { Name = "Lease" })).ToContainTextAsync("renewed by its worker's heartbeats");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Table, new() { Name = "Log" })).ToContainTextAsync("submitted by ui-test");
        await ui.ScreenshotAsync("job-running");
        await ui.Page.GoBackAsync();
        await ui.WaitForCircuitAsync();

        // A queued job: cancelled at once, after the confirmation in place.
        await queuedRow.GetByRole(AriaRole.Button, new() { Name = $"Cancel job {queued.Id}" }).ClickAsync();
        var confirm = ui.Page.GetByRole(AriaRole.Group, new() { Name = $"Confirm the cancel of job {queued.Id}" });
        await Assertions.Expect(confirm).ToContainTextAsync($"Cancel job {queued.Id}?");
        await ui.ScreenshotAsync("jobs-cancel-confirm");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Yes, cancel" }).ClickAsync();
        await Assertions.Expect(queuedRow).ToContainTextAsync("cancelled");
        Assert.Equal(QueuedJobStatus.Cancelled, (await store.Jobs.GetJobAsync(queued.Id)).Status);

        // A job that ended while its cancel was being confirmed: the store's answer says how.
        await RowOf(ui, ended).GetByRole(AriaRole.Button, new() { Name = $"Cancel job {ended.Id}" }).ClickAsync();
        await store.Jobs.CancelJobAsync(ended.Id, "ui-test");
        await Assertions.Expect(RowOf(ui, ended)).ToContainTextAsync("cancelled");
        var endedAt = (await store.Jobs.GetJobAsync(ended.Id)).FinishedAt!.Value;
        await ui.Page.GetByRole(AriaRole.Group, new() { Name = $"Confirm the cancel of job {ended.Id}" }).GetByRole(AriaRole.Button, new() { Name = "Yes, cancel" }).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert, new() { Name = $"Cancel of job {ended.Id}" })).ToHaveTextAsync(
            $"job {ended.Id} already cancelled at {endedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture)}; only a queued or running job can be cancelled");

        // The running job: its worker stops it at its next heartbeat.
        await runningRow.GetByRole(AriaRole.Button, new() { Name = $"Cancel job {running.Id}" }).ClickAsync();
        await ui.Page.GetByRole(AriaRole.Group, new() { Name = $"Confirm the cancel of job {running.Id}" }).GetByRole(AriaRole.Button, new() { Name = "Yes, cancel" }).ClickAsync();
        await Assertions.Expect(runningRow.GetByText("cancelled", new() { Exact = true })).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(runningRow.GetByRole(AriaRole.Button, new() { Name = $"Cancel job {running.Id}" })).ToHaveCountAsync(0);
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "Jobs shown" })).Not.ToContainTextAsync("updating every second");
        Assert.Equal(QueuedJobStatus.Cancelled, (await store.Jobs.GetJobAsync(running.Id)).Status);
        await ui.ScreenshotAsync("jobs-cancelled");
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Fact]
    [TestOrder(4)]
    public async Task Viewer_SeesTheJobsButNoBuildOrCancelAndIsToldBuildNeedsAdminOrScientist()
    {
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        var job = await SubmitAsync(store, "ui-viewer");
        try
        {
            await using var ui = await UiSession.OpenAsync(hub);
            await ui.SignInAsync("viewer", path: "/jobs");
            await ui.WaitForCircuitAsync();

            var row = RowOf(ui, job);
            await Assertions.Expect(row.GetByRole(AriaRole.Group, new() { Name = $"Progress of job {job.Id}" })).ToBeVisibleAsync();
            await Assertions.Expect(row.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
            await Assertions.Expect(ui.Page.GetByRole(AriaRole.Link, new() { Name = "Build a model" })).ToHaveCountAsync(0);
            await ui.ScreenshotAsync("jobs-viewer");
            await row.GetByRole(AriaRole.Link).ClickAsync();
            await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = $"#{job.Id} ui-viewer", Level = 1 })).ToBeVisibleAsync();
            await Assertions.Expect(ui.Page.GetByRole(AriaRole.Button, new() { Name = $"Cancel job {job.Id}" })).ToHaveCountAsync(0);

            await ui.Page.GotoAsync("/jobs/999999");
            await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "No job 999999" })).ToHaveTextAsync(
                "No job 999999 The queue has no job of that number. The Jobs page lists every job, newest first.");

            await ui.Page.GotoAsync("/jobs/new");
            await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Your token's role may not open this page; it needs role admin or scientist.");
            Assert.Equal([$"{ui.Page.Url}: Failed to load resource: the server responded with a status of 403 (Forbidden)"], ui.ConsoleErrors);
            Assert.Empty(ui.OutsideRequests);
        }
        catch
        {
            // The fixture's one worker is freed for the next test; the failure is this test's.
            await EndQuietlyAsync(store, job);
            throw;
        }

        await EndAsync(store, job);
    }

    private static async Task EndQuietlyAsync(IModelStore store, params QueuedJob[] jobs)
    {
        try
        {
            await EndAsync(store, jobs);
        }
        catch (TimeoutException)
        {
            // Said by the test that failed; the next test finds the worker busy for a while.
        }
    }

    // Cancels the jobs that have not ended, and waits until they have.
    private static async Task EndAsync(IModelStore store, params QueuedJob[] jobs)
    {
        foreach (var job in jobs)
        {
            try
            {
                await store.Jobs.CancelJobAsync(job.Id, "ui-test");
            }
            catch (StoreException error) when (error.Kind == StoreErrorKind.Conflict)
            {
                // It ended already.
            }

            await WaitForAsync(store, job.Id, j => j.IsFinished, TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    [TestOrder(5)]
    public async Task Scientist_FiltersTheFailedJobs_TheJobPageShowsTheErrorWithItsKind()
    {
        const string Config = """
            job:
              KIND: TrainingJob
              run_name: ui-failing
              inputs: {KIND: CsvReader, path: data/bike_sharing/no_such_file.csv}
              target: cnt
              features: [{KIND: Passthrough, columns: [temp]}]
              model: {KIND: GradientBoostingRegressor, max_iter: 5}
              model_name: ui_never_registered
            """;
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        var submitted = await store.Jobs.SubmitJobAsync(QueuedJobConfig.Prepare([new ConfigSource("failing.yaml", Config)], JobKinds.Create(), maxAttempts: 1), "ui-test");
        var failed = await WaitForAsync(store, submitted.Id, j => j.IsFinished, TimeSpan.FromSeconds(60));
        Assert.Equal(QueuedJobStatus.Failed, failed.Status);

        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("scientist", path: "/jobs");
        await ui.WaitForCircuitAsync();
        await ui.Page.GetByLabel("Status filter", new() { Exact = true }).ClickAsync();
        await ui.Page.GetByRole(AriaRole.Option, new() { Name = "failed", Exact = true }).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "Jobs shown" })).ToHaveTextAsync("1 job");
        var row = RowOf(ui, failed);
        await Assertions.Expect(row).ToContainTextAsync($"{failed.ErrorKind}: {failed.Error}");
        await Assertions.Expect(row).ToContainTextAsync("1 / 1");
        await row.GetByRole(AriaRole.Link).ClickAsync();

        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = $"#{failed.Id} ui-failing", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert, new() { Name = "Error" })).ToHaveTextAsync($"{failed.ErrorKind}: {failed.Error}");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Region, new() { Name = "Result" })).ToHaveCountAsync(0);
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Button, new() { Name = $"Cancel job {failed.Id}" })).ToHaveCountAsync(0);
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Table, new() { Name = "Log" })).ToContainTextAsync(failed.Error!);
        await ui.ScreenshotAsync("job-failed");
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    private static ILocator RowOf(UiSession ui, QueuedJob job) => ui.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = $"#{job.Id} {job.Name}" });

    private static async Task ChooseAsync(UiSession ui, string select, string option)
    {
        await ui.Page.GetByLabel(select, new() { Exact = true }).ClickAsync();
        await ui.Page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Option)).ToHaveCountAsync(0);
    }

    // Through the store, as `modelops jobs submit` does: the config checked, then queued.
    private static Task<QueuedJob> SubmitAsync(IModelStore store, string runName) =>
        store.Jobs.SubmitJobAsync(QueuedJobConfig.Prepare([new ConfigSource($"{runName}.yaml", LongJob(runName))], JobKinds.Create()), "ui-test");

    private static async Task<QueuedJob> WaitForAsync(IModelStore store, long id, Func<QueuedJob, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var job = await store.Jobs.GetJobAsync(id);
            if (condition(job))
            {
                return job;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"job {id} is still {job.Status.ToName()} ({job.Percent}%: {job.Message}) after {timeout.TotalSeconds} s");
            }

            await Task.Delay(200);
        }
    }
}
