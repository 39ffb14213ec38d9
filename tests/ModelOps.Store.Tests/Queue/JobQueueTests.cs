using ModelOps.Store.Queue;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Store.Tests.Queue;

public abstract class JobQueueTests(IStoreBackend backend) : StoreTests(backend)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private Task<QueuedJob> SubmitAsync(string name = "train bike", int maxAttempts = 3, string kind = "TrainingJob") =>
        Store.Jobs.SubmitJobAsync(new NewQueuedJob(kind, name, """{"job": {"KIND": "TrainingJob"}}""") { MaxAttempts = maxAttempts }, "alice");

    private async Task<string[]> LogAsync(long id) => [.. (await Store.Jobs.GetJobLogAsync(id)).Select(l => $"{l.Attempt} {l.Level}: {l.Message}")];

    [Fact]
    public async Task Submit_IsQueuedWithItsConfigAndALogLine()
    {
        var job = await SubmitAsync();

        Assert.Equal((1L, "TrainingJob", "train bike", QueuedJobStatus.Queued, "alice", ManualClock.Start), (job.Id, job.Kind, job.Name, job.Status, job.SubmittedBy, job.SubmittedAt));
        Assert.Equal("""{"job": {"KIND": "TrainingJob"}}""", job.Config);
        Assert.Equal((0, 3, 0.0, false), (job.Attempts, job.MaxAttempts, job.Percent, job.IsFinished));
        Assert.Equal(["0 info: submitted by alice"], await LogAsync(job.Id));
        Assert.Equal(job, await Store.Jobs.GetJobAsync(job.Id));
    }

    [Fact]
    public async Task Submit_Invalid_ListsEveryProblem_AndUnknownJobIsNotFound()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.Jobs.SubmitJobAsync(new NewQueuedJob(" ", "", "") { MaxAttempts = 0 }, "alice"));
        var missing = await Assert.ThrowsAsync<StoreException>(() => Store.Jobs.GetJobAsync(42));
        var missingLog = await Assert.ThrowsAsync<StoreException>(() => Store.Jobs.GetJobLogAsync(42));

        Assert.Equal((StoreErrorKind.Invalid, "job is invalid: kind is empty; name must be 1 to 200 characters; config must be 1 to 1048576 characters; max attempts must be 1 to 10, got 0"), (error.Kind, error.Message));
        Assert.Equal((StoreErrorKind.NotFound, "job 42 not found"), (missing.Kind, missing.Message));
        Assert.Equal("job 42 not found", missingLog.Message);
    }

    [Fact]
    public async Task Claim_TakesTheOldestQueuedJob_WithALease_AndNoneWhenNoneWaits()
    {
        var first = await SubmitAsync("first");
        await SubmitAsync("second");

        var claimed = await Store.Jobs.ClaimJobAsync("host:1:0", Lease);
        var other = await Store.Jobs.ClaimJobAsync("host:2:0", Lease);
        var none = await Store.Jobs.ClaimJobAsync("host:3:0", Lease);

        Assert.Equal((first.Id, QueuedJobStatus.Running, "host:1:0", 1), (claimed!.Id, claimed.Status, claimed.Worker, claimed.Attempts));
        Assert.Equal((ManualClock.Start + Lease, ManualClock.Start), (claimed.LeaseExpiresAt!.Value, claimed.StartedAt!.Value));
        Assert.Equal("second", other!.Name);
        Assert.Null(none);
        Assert.Equal(["0 info: submitted by alice", "1 info: attempt 1 of 3 on worker host:1:0"], await LogAsync(first.Id));
    }

    [Fact]
    public async Task Claim_OnlyTheKindsAWorkerRuns()
    {
        await SubmitAsync(kind: "KafkaInferenceJob");
        var training = await SubmitAsync(kind: "TrainingJob");

        var claimed = await Store.Jobs.ClaimJobAsync("w", Lease, ["TrainingJob", "TuningJob"]);

        Assert.Equal(training.Id, claimed!.Id);
        Assert.Null(await Store.Jobs.ClaimJobAsync("w", Lease, ["TrainingJob"]));
    }

    [Fact]
    public async Task Heartbeat_RenewsTheLeaseAndRecordsProgress_FinishSucceeds()
    {
        var job = await SubmitAsync();
        await Store.Jobs.ClaimJobAsync("w1", Lease);
        Clock.Advance(TimeSpan.FromSeconds(20));

        var beat = await Store.Jobs.HeartbeatJobAsync(job.Id, "w1", Lease, new JobProgressReport(42.5, "fitting 100 trees", "run-1"));
        var running = await Store.Jobs.GetJobAsync(job.Id);
        await Store.Jobs.AppendJobLogAsync(job.Id, [new NewJobLogLine(Clock.GetUtcNow(), 1, "info", "TrainingJob started")]);
        var finished = await Store.Jobs.FinishJobAsync(job.Id, "w1", new JobOutcome(QueuedJobStatus.Succeeded) { Result = """{"summary": "ok"}""" });
        var done = await Store.Jobs.GetJobAsync(job.Id);

        Assert.Equal(new JobHeartbeat(Held: true, CancelRequested: false), beat);
        Assert.Equal((42.5, "fitting 100 trees", "run-1", ManualClock.Start + TimeSpan.FromSeconds(50)), (running.Percent, running.Message, running.RunId, running.LeaseExpiresAt!.Value));
        Assert.True(finished);
        Assert.Equal((QueuedJobStatus.Succeeded, 100.0, """{"summary": "ok"}""", "run-1", (DateTimeOffset?)null), (done.Status, done.Percent, done.Result, done.RunId, done.LeaseExpiresAt));
        Assert.Equal(ManualClock.Start + TimeSpan.FromSeconds(20), done.FinishedAt!.Value);
        Assert.Equal("1 info: TrainingJob started", (await LogAsync(job.Id))[^1]);
        Assert.Empty(await Store.Jobs.GetJobLogAsync(job.Id, after: (await Store.Jobs.GetJobLogAsync(job.Id))[^1].Id));
    }

    [Fact]
    public async Task ExpiredLease_IsClaimedByAnotherWorker_WhoseLogSaysWhy_AndTheFirstWorkerLosesTheJob()
    {
        var job = await SubmitAsync();
        await Store.Jobs.ClaimJobAsync("w1", Lease);
        Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Null(await Store.Jobs.ClaimJobAsync("w2", Lease));
        Clock.Advance(TimeSpan.FromSeconds(2));

        var retried = await Store.Jobs.ClaimJobAsync("w2", Lease);
        var lost = await Store.Jobs.HeartbeatJobAsync(job.Id, "w1", Lease, null);
        var lateFinish = await Store.Jobs.FinishJobAsync(job.Id, "w1", new JobOutcome(QueuedJobStatus.Succeeded));

        Assert.Equal((job.Id, "w2", 2, QueuedJobStatus.Running), (retried!.Id, retried.Worker, retried.Attempts, retried.Status));
        Assert.Equal(new JobHeartbeat(Held: false, CancelRequested: false), lost);
        Assert.False(lateFinish);
        Assert.Equal("2 warn: worker w1 stopped renewing its lease (it expired at 2025-03-14 09:27:23.000 UTC); attempt 2 of 3 on worker w2", (await LogAsync(job.Id))[^1]);
        Assert.Equal(QueuedJobStatus.Running, (await Store.Jobs.GetJobAsync(job.Id)).Status);
    }

    [Fact]
    public async Task CountPending_CountsQueuedAndRunningJobs_NotEndedOnes()
    {
        var empty = await Store.Jobs.CountPendingJobsAsync();
        for (var i = 0; i < 5; i++)
        {
            await SubmitAsync($"job {i}");
        }

        var first = await Store.Jobs.ClaimJobAsync("w1", Lease);
        await Store.Jobs.ClaimJobAsync("w2", Lease);
        await Store.Jobs.FinishJobAsync(first!.Id, "w1", new JobOutcome(QueuedJobStatus.Succeeded));
        await Store.Jobs.CancelJobAsync(5, "alice");

        Assert.Equal(new PendingJobCounts(0, 0), empty);
        Assert.Equal(new PendingJobCounts(Queued: 2, Running: 1), await Store.Jobs.CountPendingJobsAsync());
    }

    [Fact]
    public async Task ExpiredLease_OnTheLastAttempt_FailsTheJobSayingSo()
    {
        var job = await SubmitAsync(maxAttempts: 1);
        await Store.Jobs.ClaimJobAsync("w1", Lease);
        Clock.Advance(TimeSpan.FromMinutes(1));

        var claimed = await Store.Jobs.ClaimJobAsync("w2", Lease);
        var failed = await Store.Jobs.GetJobAsync(job.Id);

        Assert.Null(claimed);
        const string Error = "worker w1 stopped renewing its lease (it expired at 2025-03-14 09:27:23.000 UTC) on the last of 1 attempts; no attempt is left";
        Assert.Equal((QueuedJobStatus.Failed, "lease_expired", Error), (failed.Status, failed.ErrorKind, failed.Error));
        Assert.Equal($"1 error: {Error}", (await LogAsync(job.Id))[^1]);
    }

    [Fact]
    public async Task Cancel_AQueuedJobAtOnce_ARunningJobThroughItsHeartbeat_AnEndedJobIsAConflict()
    {
        var queued = await SubmitAsync("queued");
        var running = await SubmitAsync("running");
        await Store.Jobs.CancelJobAsync(queued.Id, "bob");
        await Store.Jobs.ClaimJobAsync("w1", Lease);

        var asked = await Store.Jobs.CancelJobAsync(running.Id, "bob");
        var again = await Store.Jobs.CancelJobAsync(running.Id, "bob");
        var beat = await Store.Jobs.HeartbeatJobAsync(running.Id, "w1", Lease, null);
        await Store.Jobs.FinishJobAsync(running.Id, "w1", new JobOutcome(QueuedJobStatus.Cancelled));
        var ended = await Assert.ThrowsAsync<StoreException>(() => Store.Jobs.CancelJobAsync(queued.Id, "bob"));

        Assert.Equal(QueuedJobStatus.Cancelled, (await Store.Jobs.GetJobAsync(queued.Id)).Status);
        Assert.Equal("0 info: cancelled by bob before it started", (await LogAsync(queued.Id))[^1]);
        Assert.Equal((QueuedJobStatus.Running, true), (asked.Status, asked.CancelRequested));
        Assert.Equal(asked, again);
        Assert.Equal(new JobHeartbeat(Held: true, CancelRequested: true), beat);
        Assert.Equal(QueuedJobStatus.Cancelled, (await Store.Jobs.GetJobAsync(running.Id)).Status);
        Assert.Equal(["0 info: submitted by alice", "1 info: attempt 1 of 3 on worker w1", "1 info: cancel asked by bob; worker w1 stops the job"], await LogAsync(running.Id));
        Assert.Equal((StoreErrorKind.Conflict, "job 1 already cancelled at 2025-03-14 09:26:53.000 UTC; only a queued or running job can be cancelled"), (ended.Kind, ended.Message));
    }

    [Fact]
    public async Task Release_PutsTheJobBackWithoutCountingTheAttempt_OnlyForItsWorker()
    {
        var job = await SubmitAsync();
        await Store.Jobs.ClaimJobAsync("w1", Lease);

        var notMine = await Store.Jobs.ReleaseJobAsync(job.Id, "w2", "w2 stops");
        var released = await Store.Jobs.ReleaseJobAsync(job.Id, "w1", "worker w1 is stopping; the job waits for another worker");
        var again = await Store.Jobs.ClaimJobAsync("w2", Lease);

        Assert.Equal((false, true), (notMine, released));
        Assert.Equal((job.Id, 1, "w2"), (again!.Id, again.Attempts, again.Worker));
        Assert.Equal(
            ["0 info: submitted by alice", "1 info: attempt 1 of 3 on worker w1", "1 warn: worker w1 is stopping; the job waits for another worker", "1 info: attempt 1 of 3 on worker w2"],
            await LogAsync(job.Id));
    }

    [Fact]
    public async Task Cancel_OfAJobWhoseWorkerDied_EndsItCancelledInsteadOfRetrying()
    {
        var job = await SubmitAsync();
        await Store.Jobs.ClaimJobAsync("w1", Lease);
        await Store.Jobs.CancelJobAsync(job.Id, "bob");
        Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Null(await Store.Jobs.ClaimJobAsync("w2", Lease));

        Assert.Equal(QueuedJobStatus.Cancelled, (await Store.Jobs.GetJobAsync(job.Id)).Status);
        Assert.Equal("1 info: worker w1 stopped renewing its lease (it expired at 2025-03-14 09:27:23.000 UTC); the job was being cancelled, so it ends cancelled", (await LogAsync(job.Id))[^1]);
    }

    [Fact]
    public async Task List_FiltersByStatusAndKind_NewestFirst_InPages()
    {
        for (var i = 0; i < 5; i++)
        {
            await SubmitAsync($"job {i}", kind: i % 2 == 0 ? "TrainingJob" : "TuningJob");
        }

        await Store.Jobs.ClaimJobAsync("w", Lease);

        var all = await Store.Jobs.ListJobsAsync(new JobQuery());
        var queuedTraining = await Store.Jobs.ListJobsAsync(new JobQuery { Statuses = [QueuedJobStatus.Queued], Kind = "TrainingJob" });
        var page = await Store.Jobs.ListJobsAsync(new JobQuery { Limit = 2, Before = 4 });
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.Jobs.ListJobsAsync(new JobQuery { Limit = 0 }));

        Assert.Equal([5L, 4, 3, 2, 1], all.Select(j => j.Id));
        Assert.Equal([5L, 3], queuedTraining.Select(j => j.Id));
        Assert.Equal([3L, 2], page.Select(j => j.Id));
        Assert.Equal("limit must be 1 to 1000, got 0", error.Message);
    }

    [Fact]
    public async Task ConcurrentClaims_FromManyWorkers_GiveEachJobToExactlyOneWorker()
    {
        const int Jobs = 40;
        for (var i = 0; i < Jobs; i++)
        {
            await SubmitAsync($"job {i}");
        }

        var stores = new List<IModelStore>();
        for (var i = 0; i < 4; i++)
        {
            stores.Add(await OpenAsync());
        }

        var claims = await Task.WhenAll(stores.Select((store, s) => Task.Run(async () =>
        {
            var mine = new List<long>();
            while (await store.Jobs.ClaimJobAsync($"w{s}", Lease) is { } job)
            {
                mine.Add(job.Id);
                Assert.True(await store.Jobs.FinishJobAsync(job.Id, $"w{s}", new JobOutcome(QueuedJobStatus.Succeeded)));
            }

            return mine;
        })));

        var claimed = claims.SelectMany(c => c).ToList();
        Assert.Equal(Enumerable.Range(1, Jobs).Select(i => (long)i), claimed.Order());
        Assert.All(await Store.Jobs.ListJobsAsync(new JobQuery()), j => Assert.Equal((QueuedJobStatus.Succeeded, 1), (j.Status, j.Attempts)));
    }
}

public sealed class SqliteJobQueueTests() : JobQueueTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class PostgresJobQueueTests(PostgresServer server) : JobQueueTests(new PostgresBackend(server));
