using System.Diagnostics;
using System.Text.RegularExpressions;
using ModelOps.Cli.Commands;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Queue;
using ModelOps.Store;
using ModelOps.Store.Queue;

namespace ModelOps.Cli.Tests;

/// <summary>
/// The job queue through real processes: <c>modelops jobs submit|cancel|logs</c> and <c>modelops worker</c> processes on one
/// database (SQLite, and PostgreSQL where workers claim with <c>FOR UPDATE SKIP LOCKED</c>).
/// </summary>
public abstract partial class JobsCommandTests : IAsyncLifetime
{
    private const string Promotion = """
        job:
          KIND: PromotionJob
          model_name: bike
          alias: Champion
        """;

    // A training of the bike model that runs for a while (about 1 s per 2,000 boosting rounds here).
    private static string Training(int rounds) => $$"""
        job:
          KIND: TrainingJob
          run_name: long training
          inputs: {KIND: CsvReader, path: data/bike_sharing/hour.csv}
          target: cnt
          features: [{KIND: Passthrough, columns: [season, hr, weekday, workingday, weathersit, temp, hum, windspeed]}]
          model: {KIND: GradientBoostingRegressor, max_iter: {{rounds}}, learning_rate: 0.01}
          model_name: bike_long
        """;

    protected string Folder { get; } = Directory.CreateTempSubdirectory("modelops-jobs-").FullName;

    protected string Database { get; private set; } = string.Empty;

    protected abstract Task<string> CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        Database = await CreateDatabaseAsync();
        await BikeModel.RegisterAsync(Database, Path.Combine(Folder, "artifacts"));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task FiftyJobs_TwoWorkerProcesses_RunEachJobExactlyOnce()
    {
        await using (var store = await StoreFactory.OpenAsync(Database))
        {
            for (var i = 0; i < 50; i++)
            {
                await store.Jobs.SubmitJobAsync(QueuedJobConfig.Prepare([new ConfigSource("promotion.yaml", Promotion)], RunCommand.Kinds()), "tester");
            }
        }

        using var first = StartWorker("--concurrency", "2");
        using var second = StartWorker("--concurrency", "2");
        var jobs = await WaitForAsync(jobs => jobs.All(j => j.IsFinished), TimeSpan.FromMinutes(3));
        var stopped = new[] { await first.TerminateAsync(), await second.TerminateAsync() };

        Assert.All(stopped, s => Assert.True(s.ExitCode == 0, s.Stderr));
        Assert.Equal(50, jobs.Count);
        Assert.All(jobs, j => Assert.True((j.Status, j.Attempts) == (QueuedJobStatus.Succeeded, 1), $"job {j.Id}: {j.Status.ToName()} after {j.Attempts} attempts: {j.Error}"));
        Assert.Equal(50, jobs.Select(j => j.RunId).Distinct().Count());
        Assert.Equal(2, jobs.Select(j => j.Worker![..j.Worker!.LastIndexOf('/')]).Distinct().Count());
        await using var check = await StoreFactory.OpenAsync(Database);
        var runs = await check.ListRunsAsync(StoreDefaults.Experiment);
        Assert.Equal(50, runs.Count(r => r.Name == "PromotionJob"));
    }

    [Fact]
    public async Task WorkerKilledMidJob_TheOtherWorkerRetriesItAfterTheLease_AndItSucceeds()
    {
        var id = Submit(Training(8_000));
        using (var doomed = StartWorker("--lease", "3"))
        {
            await WaitForLogAsync(id, "split by", TimeSpan.FromMinutes(1));
            doomed.Kill();
        }

        using var survivor = StartWorker("--lease", "3");
        var job = (await WaitForAsync(jobs => jobs.Single().IsFinished, TimeSpan.FromMinutes(3))).Single();
        await survivor.TerminateAsync();

        Assert.True(job.Status == QueuedJobStatus.Succeeded, job.Error);
        Assert.Equal(2, job.Attempts);
        var log = Logs(id);
        Assert.Matches(new Regex(@"warn  \[2\] worker [^ ]+/1 stopped renewing its lease \(it expired at [0-9: .-]+ UTC\); attempt 2 of 3 on worker [^ ]+/1\n"), log);
        Assert.Contains("[2] succeeded in ", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_AQueuedJobAtOnce_ARunningJobWithinSeconds()
    {
        var running = Submit(Training(100_000));
        var queued = Submit(Promotion);
        using var worker = StartWorker();
        await WaitForLogAsync(running, "split by", TimeSpan.FromMinutes(1));

        var cancelQueued = CliProcess.Run("jobs", "cancel", queued, "--database", Database);
        var clock = Stopwatch.StartNew();
        var cancelRunning = CliProcess.Run("jobs", "cancel", running, "--database", Database);
        var jobs = await WaitForAsync(jobs => jobs.All(j => j.IsFinished), TimeSpan.FromSeconds(30));
        var took = clock.Elapsed;
        await worker.TerminateAsync();

        Assert.Equal((0, $"Cancelled job {queued}\n"), (cancelQueued.ExitCode, cancelQueued.Stdout));
        Assert.Equal(0, cancelRunning.ExitCode);
        Assert.Matches($"^Asked worker [^ ]+/1 to stop job {running}\n$", cancelRunning.Stdout);
        Assert.All(jobs, j => Assert.Equal(QueuedJobStatus.Cancelled, j.Status));
        Assert.True(took < TimeSpan.FromSeconds(10), $"the running job took {took} to stop");
        Assert.Matches(@"info  \[1\] cancelled after [0-9.]+ s\n", Logs(running));
        var again = CliProcess.Run("jobs", "cancel", running, "--database", Database);
        Assert.Equal(ExitCodes.Conflict, again.ExitCode);
        Assert.Matches($"^error: job {running} already cancelled at [0-9: .-]+ UTC; only a queued or running job can be cancelled\n$", again.Stderr);
    }

    [Fact]
    public async Task Submit_AConfigThatCannotRun_FailsAtSubmitWithTheConfigsMessage_AndQueuesNothing()
    {
        var config = Path.Combine(Folder, "promotion.yaml");
        await File.WriteAllTextAsync(config, Promotion);

        var (code, _, stderr) = CliProcess.Run("jobs", "submit", config, "-e", "{job: {alias: Champion, reson: typo}}", "--database", Database);

        Assert.Equal(ExitCodes.ConfigError, code);
        Assert.Equal("error: --extras[0]:1: job.reson: unknown field, did you mean reason?\n", stderr);
        await using var store = await StoreFactory.OpenAsync(Database);
        Assert.Empty(await store.Jobs.ListJobsAsync(new JobQuery()));
    }

    [Fact]
    public async Task LogsFollow_PrintsTheLinesUntilTheJobEnds_AndExitsWithItsOutcome()
    {
        var id = Submit(Promotion);
        using var worker = StartWorker();

        var (code, stdout, stderr) = CliProcess.Run("jobs", "logs", id, "--follow", "--database", Database);
        await worker.TerminateAsync();

        Assert.True(code == 0, stderr);
        Assert.Matches(@"^\d\d:\d\d:\d\d info  \[0\] submitted by [^\n]+\n\d\d:\d\d:\d\d info  \[1\] attempt 1 of 3 on worker [^\n]+/1\n", stdout);
        Assert.Contains("[1] PromotionJob finished: ", stdout, StringComparison.Ordinal);
        Assert.EndsWith($"job {id} succeeded\n", stdout, StringComparison.Ordinal);
        var list = CliProcess.Run("jobs", "list", "--status", "succeeded", "--json", "--database", Database);
        Assert.Contains("\"status\": \"succeeded\"", list.Stdout, StringComparison.Ordinal);
    }

    private ChildProcess StartWorker(params string[] args) => ChildProcess.Start(["worker", .. args, "--database", Database]);

    private string Submit(string yaml)
    {
        var file = Path.Combine(Folder, Guid.NewGuid().ToString("N")[..8] + ".yaml");
        File.WriteAllText(file, yaml);
        var (code, stdout, stderr) = CliProcess.Run("jobs", "submit", file, "--database", Database);
        Assert.True(code == 0, stderr);
        return QueuedId().Match(stdout).Groups["id"].Value;
    }

    private string Logs(string id) => CliProcess.Run("jobs", "logs", id, "--database", Database).Stdout;

    private async Task WaitForLogAsync(string id, string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Logs(id).Contains(text, StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < timeout, $"job {id} never logged '{text}':\n{Logs(id)}");
            await Task.Delay(200);
        }
    }

    private async Task<IReadOnlyList<QueuedJob>> WaitForAsync(Func<IReadOnlyList<QueuedJob>, bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        await using var store = await StoreFactory.OpenAsync(Database);
        while (true)
        {
            var jobs = await store.Jobs.ListJobsAsync(new JobQuery { Limit = 1000 });
            if (done(jobs))
            {
                return jobs;
            }

            Assert.True(clock.Elapsed < timeout, $"the jobs did not end in {timeout}: {string.Join(", ", jobs.Select(j => $"{j.Id} {j.Status.ToName()} {j.Attempts}"))}");
            await Task.Delay(200);
        }
    }

    [GeneratedRegex(@"^Queued job (?<id>\d+) ")]
    private static partial Regex QueuedId();
}

public sealed class SqliteJobsCommandTests : JobsCommandTests
{
    protected override Task<string> CreateDatabaseAsync() => Task.FromResult(Path.Combine(Folder, "modelops.db"));
}

[Collection(ModelOps.Store.Tests.Infrastructure.PostgresCollection.Name)]
public sealed class PostgresJobsCommandTests(ModelOps.Store.Tests.Infrastructure.PostgresServer server) : JobsCommandTests
{
    protected override Task<string> CreateDatabaseAsync() => server.CreateSchemaUrlAsync();
}
