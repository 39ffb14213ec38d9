namespace ModelOps.Store.Queue;

/// <summary>
/// The durable job queue in the store's database: submitted jobs wait <see cref="QueuedJobStatus.Queued"/> until a worker
/// claims one with a lease (<see cref="ClaimJobAsync"/>; on PostgreSQL <c>FOR UPDATE SKIP LOCKED</c>, on SQLite the
/// file's one writer at a time), renews the lease while it runs (<see cref="HeartbeatJobAsync"/>, which also carries
/// its progress and tells it a cancel was asked), and ends it (<see cref="FinishJobAsync"/>). A job whose lease expired
/// (its worker died) is claimed again by another worker, up to <see cref="QueuedJob.MaxAttempts"/> attempts, and its
/// log says so. Reach it through <see cref="IModelStore.Jobs"/>; it shares that store's connections and is as thread-safe.
/// Times are the store's clock (<see cref="StoreOptions.TimeProvider"/>): the workers of one database need clocks in step
/// to well within a lease.
/// </summary>
public interface IJobQueue
{
    /// <summary>Adds a job, <see cref="QueuedJobStatus.Queued"/>, with the log line <c>submitted by ACTOR</c>.</summary>
    /// <exception cref="StoreException">(<see cref="StoreErrorKind.Invalid"/>) A field is invalid (every problem listed).</exception>
    Task<QueuedJob> SubmitJobAsync(NewQueuedJob job, string actor, CancellationToken cancellationToken = default);

    /// <summary>Job <paramref name="id"/>.</summary>
    /// <exception cref="StoreException">(<see cref="StoreErrorKind.NotFound"/>) No such job.</exception>
    Task<QueuedJob> GetJobAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>The jobs <paramref name="query"/> selects, newest first.</summary>
    Task<IReadOnlyList<QueuedJob>> ListJobsAsync(JobQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many jobs wait for a worker and how many are held by one now, in one read (the index on the status): the
    /// figures the hub's <c>/metrics</c> shows. A running job whose worker died counts as running until its lease
    /// expires and a worker claims it again.
    /// </summary>
    Task<PendingJobCounts> CountPendingJobsAsync(CancellationToken cancellationToken = default);

    /// <summary>The log lines of job <paramref name="id"/> after line <paramref name="after"/> (0: from the first), oldest first, at most <paramref name="limit"/>.</summary>
    /// <exception cref="StoreException">(<see cref="StoreErrorKind.NotFound"/>) No such job.</exception>
    Task<IReadOnlyList<JobLogLine>> GetJobLogAsync(long id, long after = 0, int limit = 1000, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the oldest job a worker may run: a queued one, or a running one whose lease expired and that has attempts
    /// left (its log then says whose lease expired and which attempt this is). First ends the running jobs whose lease
    /// expired and that cannot run again: <see cref="QueuedJobStatus.Failed"/> when their attempts are spent,
    /// <see cref="QueuedJobStatus.Cancelled"/> when a cancel was asked.
    /// </summary>
    /// <param name="worker">The worker's name (unique among live workers: host, process id and slot).</param>
    /// <param name="lease">How long the claim holds without a heartbeat.</param>
    /// <param name="kinds">The job kinds this worker runs, or <see langword="null"/> for any.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The claimed job (<see cref="QueuedJobStatus.Running"/>, its attempt counted), or <see langword="null"/> when none waits.</returns>
    Task<QueuedJob?> ClaimJobAsync(string worker, TimeSpan lease, IReadOnlyCollection<string>? kinds = null, CancellationToken cancellationToken = default);

    /// <summary>Renews <paramref name="worker"/>'s lease of job <paramref name="id"/> and records its progress.</summary>
    /// <returns>Whether the worker still holds the lease, and whether a cancel was asked; a worker that lost its lease must stop the job.</returns>
    Task<JobHeartbeat> HeartbeatJobAsync(long id, string worker, TimeSpan lease, JobProgressReport? progress, CancellationToken cancellationToken = default);

    /// <summary>Appends log lines to job <paramref name="id"/>'s log (each line one entry of the job's logger).</summary>
    Task AppendJobLogAsync(long id, IReadOnlyList<NewJobLogLine> lines, CancellationToken cancellationToken = default);

    /// <summary>Ends job <paramref name="id"/>, run by <paramref name="worker"/>, with <paramref name="outcome"/>.</summary>
    /// <returns><see langword="false"/> when the worker no longer held the job (its lease expired and another worker took it, or it was ended): nothing changed.</returns>
    Task<bool> FinishJobAsync(long id, string worker, JobOutcome outcome, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives job <paramref name="id"/> back to the queue (its worker is stopping): queued again, the attempt not counted,
    /// with the log line <paramref name="reason"/>.
    /// </summary>
    /// <returns><see langword="false"/> when the worker no longer held the job: nothing changed.</returns>
    Task<bool> ReleaseJobAsync(long id, string worker, string reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels job <paramref name="id"/>: a queued job at once; a running one is asked to stop (its worker sees it at its
    /// next heartbeat and stops it cooperatively). Asking again changes nothing.
    /// </summary>
    /// <returns>The job after the call.</returns>
    /// <exception cref="StoreException">No such job (<see cref="StoreErrorKind.NotFound"/>), or it already ended (<see cref="StoreErrorKind.Conflict"/>, saying how).</exception>
    Task<QueuedJob> CancelJobAsync(long id, string actor, CancellationToken cancellationToken = default);
}
