using System.Reflection;
using ModelOps.Hub.Workers;
using ModelOps.Store;
using ModelOps.Store.Queue;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Hub.Tests.Workers;

/// <summary>The log of a queued job's attempt, written to a real SQLite store: no line is lost when a write fails.</summary>
public sealed class QueuedJobLogTests : IAsyncLifetime
{
    private TempStore _temp = null!;

    private IModelStore Store => _temp.Store;

    public async Task InitializeAsync() => _temp = await TempStore.OpenAsync("modelops-job-log-");

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    [Fact]
    public async Task FlushAsync_AWriteCancelledMidway_LeavesItsLinesToTheNextFlush_InOrder()
    {
        // A heartbeat's flush is cancelled when the job ends; the lines it had taken were dropped, the job's last line
        // ("succeeded in ...") among them.
        var job = await Store.Jobs.SubmitJobAsync(new NewQueuedJob("TrainingJob", "train", """{"job": {"KIND": "TrainingJob"}}"""), "alice");
        var log = new QueuedJobLog(job.Id, 1, TimeProvider.System);
        log.Add("info", "first");
        log.Add("info", "second");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => log.FlushAsync(CancelledWrites.Around(Store.Jobs), CancellationToken.None));
        log.Add("info", "succeeded in 1.0 s");
        await log.FlushAsync(Store.Jobs, CancellationToken.None);
        await log.FlushAsync(Store.Jobs, CancellationToken.None);

        var lines = await Store.Jobs.GetJobLogAsync(job.Id);
        Assert.Equal(["first", "second", "succeeded in 1.0 s"], lines.Where(l => l.Attempt == 1).Select(l => l.Message));
    }

    [Fact]
    public async Task FlushAsync_MoreThanABatch_WritesEveryLineInOrder()
    {
        var job = await Store.Jobs.SubmitJobAsync(new NewQueuedJob("TrainingJob", "train", """{"job": {"KIND": "TrainingJob"}}"""), "alice");
        var log = new QueuedJobLog(job.Id, 1, TimeProvider.System);
        for (var i = 0; i < 2_500; i++)
        {
            log.Add("info", $"line {i}");
        }

        await log.FlushAsync(Store.Jobs, CancellationToken.None);

        var lines = await Store.Jobs.GetJobLogAsync(job.Id, limit: 5_000);
        Assert.Equal(Enumerable.Range(0, 2_500).Select(i => $"line {i}"), lines.Where(l => l.Attempt == 1).Select(l => l.Message));
    }

    /// <summary>The store's job queue, except that appending log lines is cancelled before anything is written.</summary>
    public class CancelledWrites : DispatchProxy
    {
        private IJobQueue _queue = null!;

        public static IJobQueue Around(IJobQueue queue)
        {
            var proxy = Create<IJobQueue, CancelledWrites>();
            ((CancelledWrites)(object)proxy)._queue = queue;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod!.Name == nameof(IJobQueue.AppendJobLogAsync)
                ? Task.FromCanceled(new CancellationToken(canceled: true))
                : targetMethod.Invoke(_queue, args);
    }
}
