using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelOps.Jobs.Jobs;
using ModelOps.Jobs.Queue;
using ModelOps.Jobs.Services;
using ModelOps.Store;
using ModelOps.Store.Queue;

namespace ModelOps.Hub.Workers;

/// <summary>
/// Takes jobs from the store's queue and runs them, <see cref="WorkerOptions.Concurrency"/> at a time: a slot claims the
/// oldest waiting job with a lease, binds its config (in this process's environment) and runs it with
/// <see cref="JobRunner"/>, while a heartbeat renews the lease every <see cref="WorkerOptions.Heartbeat"/> with the job's
/// progress and writes its log lines. A cancel asked through the queue, or a lease lost to another worker, stops the job
/// through its cancellation token (cooperatively: within about a heartbeat plus the job's next check). When the worker
/// stops, its running jobs are stopped and given back to the queue (the attempt not counted). <c>modelops worker</c>
/// runs one in its own process; <c>modelops serve --workers N</c> inside the hub.
/// </summary>
public sealed partial class JobWorker
{
    private static readonly JsonSerializerOptions ResultJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly IModelStore _store;
    private readonly WorkerOptions _options;
    private readonly ILogger _logger;
    private int _running;

    /// <summary>Creates the worker.</summary>
    /// <param name="store">The store whose queue it takes jobs from.</param>
    /// <param name="options">Slots, lease, heartbeat, the config language and the jobs' database.</param>
    /// <param name="logger">Where it says which job it took and how it ended.</param>
    /// <exception cref="ArgumentException">An option is invalid (every problem listed).</exception>
    public JobWorker(IModelStore store, WorkerOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid worker options: {string.Join("; ", problems)}.", nameof(options));
        }

        _store = store;
        _options = options;
        _logger = logger;
    }

    /// <summary>How many jobs this worker's slots run now (claimed and not yet ended or given back).</summary>
    public int RunningJobs => Volatile.Read(ref _running);

    /// <summary>Runs the slots until <paramref name="stop"/>; then stops the running jobs, gives them back to the queue and returns.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(1, _options.Concurrency).Select(slot => Task.Run(() => RunSlotAsync(SlotName(slot), stop), CancellationToken.None)));

    /// <summary>Claims one job and runs it to its end, as slot <paramref name="slot"/>.</summary>
    /// <returns>The job as it ended, or <see langword="null"/> when none was waiting.</returns>
    public async Task<QueuedJob?> RunOneAsync(string slot, CancellationToken stop)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(slot);
        var job = await _store.Jobs.ClaimJobAsync(slot, _options.Lease, _options.JobKinds, stop).ConfigureAwait(false);
        if (job is null)
        {
            return null;
        }

        Interlocked.Increment(ref _running);
        try
        {
            await RunClaimedAsync(job, slot, stop).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }

        return await _store.Jobs.GetJobAsync(job.Id, CancellationToken.None).ConfigureAwait(false);
    }

    private string SlotName(int slot) => string.Create(CultureInfo.InvariantCulture, $"{_options.Name}/{slot}");

    private async Task RunSlotAsync(string slot, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (await RunOneAsync(slot, stop).ConfigureAwait(false) is null)
                {
                    await Task.Delay(_options.Poll, _options.TimeProvider, stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (StoreException error)
            {
                // The database is away (restarting, locked): try again after a poll, the claims are safe to retry.
                LogQueueUnavailable(_logger, slot, error.Message);
                await Delay(stop).ConfigureAwait(false);
            }
        }
    }

    private async Task RunClaimedAsync(QueuedJob job, string slot, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        LogClaimed(_logger, job.Id, job.Kind, slot, job.Attempts, job.MaxAttempts);
        var log = new QueuedJobLog(job.Id, job.Attempts, _options.TimeProvider);
        var progress = new QueuedJobProgress();
        using var running = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var why = StopReason.None;
        using var beating = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(job, slot, log, progress, reason =>
        {
            why = reason;
            running.Cancel();
        }, beating.Token);

        JobOutcome? outcome;
        try
        {
            var bound = QueuedJobConfig.Bind(job.Config, _options.Kinds);
            var result = await JobRunner.RunAsync(
                bound,
                new JobRunOptions
                {
                    Services = new JobServicesOptions
                    {
                        DatabaseOverride = _options.Database,
                        Console = TextWriter.Null,
                        TimeProvider = _options.TimeProvider,
                        LoggerProviders = [log],
                    },
                    Progress = progress,
                    RunStarted = progress.RunStarted,
                },
                running.Token).ConfigureAwait(false);
            outcome = new JobOutcome(QueuedJobStatus.Succeeded) { Result = JsonSerializer.Serialize<object>(result, ResultJson), RunId = result.RunId };
            log.Add("info", $"succeeded in {Seconds(clock.Elapsed)}: {result.Summary}");
        }
        catch (OperationCanceledException) when (running.IsCancellationRequested)
        {
            if (stop.IsCancellationRequested && why == StopReason.None)
            {
                why = StopReason.Shutdown;
            }

            outcome = why switch
            {
                StopReason.Cancel => new JobOutcome(QueuedJobStatus.Cancelled) { RunId = progress.Report().RunId },
                _ => null,
            };
            if (why == StopReason.Cancel)
            {
                log.Add("info", $"cancelled after {Seconds(clock.Elapsed)}");
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            var kind = error is Connectors.ConnectorException ? JobErrorKind.ServiceUnavailable : JobErrors.KindOf(error);
            outcome = new JobOutcome(QueuedJobStatus.Failed) { ErrorKind = kind.ToName(), Error = OneLine(error), RunId = progress.Report().RunId };
            log.Add("error", $"failed after {Seconds(clock.Elapsed)}: {OneLine(error)}");
        }

        await beating.CancelAsync().ConfigureAwait(false);
        await heartbeat.ConfigureAwait(false);
        await EndAsync(job, slot, why, outcome, log, clock.Elapsed).ConfigureAwait(false);
    }

    private async Task EndAsync(QueuedJob job, string slot, StopReason why, JobOutcome? outcome, QueuedJobLog log, TimeSpan elapsed)
    {
        // The end is written even while the worker stops: the job must not stay held until its lease expires.
        try
        {
            if (why == StopReason.LeaseLost)
            {
                LogLeaseLost(_logger, job.Id, slot);
                return;
            }

            if (why == StopReason.Shutdown)
            {
                await log.FlushAsync(_store.Jobs, CancellationToken.None).ConfigureAwait(false);
                await _store.Jobs.ReleaseJobAsync(job.Id, slot, $"worker {slot} is stopping; the job stopped after {Seconds(elapsed)} and waits for another worker", CancellationToken.None).ConfigureAwait(false);
                LogReleased(_logger, job.Id, slot);
                return;
            }

            await log.FlushAsync(_store.Jobs, CancellationToken.None).ConfigureAwait(false);
            if (await _store.Jobs.FinishJobAsync(job.Id, slot, outcome!, CancellationToken.None).ConfigureAwait(false))
            {
                LogFinished(_logger, job.Id, job.Kind, outcome!.Status.ToName(), Seconds(elapsed));
            }
            else
            {
                LogLeaseLost(_logger, job.Id, slot);
            }
        }
        catch (StoreException error)
        {
            // The queue is away: the lease expires and another worker runs the job again.
            LogQueueUnavailable(_logger, slot, error.Message);
        }
    }

    private async Task HeartbeatAsync(QueuedJob job, string slot, QueuedJobLog log, QueuedJobProgress progress, Action<StopReason> stopJob, CancellationToken done)
    {
        try
        {
            while (!done.IsCancellationRequested)
            {
                await Task.Delay(_options.Heartbeat, _options.TimeProvider, done).ConfigureAwait(false);
                try
                {
                    await log.FlushAsync(_store.Jobs, done).ConfigureAwait(false);
                    var beat = await _store.Jobs.HeartbeatJobAsync(job.Id, slot, _options.Lease, progress.Report(), done).ConfigureAwait(false);
                    if (!beat.Held)
                    {
                        stopJob(StopReason.LeaseLost);
                        return;
                    }

                    if (beat.CancelRequested)
                    {
                        stopJob(StopReason.Cancel);
                        return;
                    }
                }
                catch (StoreException error)
                {
                    // One missed beat is not a lost lease; the next one may reach the database.
                    LogQueueUnavailable(_logger, slot, error.Message);
                }
            }
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
            // The job ended.
        }
    }

    private async Task Delay(CancellationToken stop)
    {
        try
        {
            await Task.Delay(_options.Poll, _options.TimeProvider, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private static string OneLine(Exception error) => error.Message.ReplaceLineEndings(" ");

    private static string Seconds(TimeSpan elapsed) => string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:0.0} s");

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "job {Id} ({Kind}) claimed by {Slot}, attempt {Attempt} of {MaxAttempts}")]
    private static partial void LogClaimed(ILogger logger, long id, string kind, string slot, int attempt, int maxAttempts);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "job {Id} ({Kind}) {Status} in {Elapsed}")]
    private static partial void LogFinished(ILogger logger, long id, string kind, string status, string elapsed);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "job {Id}: {Slot} lost its lease (another worker took the job); its attempt was stopped")]
    private static partial void LogLeaseLost(ILogger logger, long id, string slot);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "job {Id}: {Slot} stopped it and gave it back to the queue")]
    private static partial void LogReleased(ILogger logger, long id, string slot);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "{Slot}: the job queue is unavailable: {Reason}")]
    private static partial void LogQueueUnavailable(ILogger logger, string slot, string reason);

    private enum StopReason
    {
        None,
        Cancel,
        LeaseLost,
        Shutdown,
    }
}
