namespace ModelOps.Store.Queue;

/// <summary>Where a queued job is in its life.</summary>
public enum QueuedJobStatus
{
    /// <summary>Waiting for a worker.</summary>
    Queued,

    /// <summary>Held by a worker's lease.</summary>
    Running,

    /// <summary>Ended with its result.</summary>
    Succeeded,

    /// <summary>Ended with an error, or every attempt's worker died.</summary>
    Failed,

    /// <summary>Cancelled before or while it ran.</summary>
    Cancelled,
}

/// <summary>A job of the queue.</summary>
/// <param name="Id">Its number, from 1, in submission order.</param>
/// <param name="Kind">The config's job kind (<c>TrainingJob</c>, <c>FineTuningJob</c>, ...).</param>
/// <param name="Name">A short title (the config's run name, else the kind).</param>
/// <param name="Config">The job's config as one JSON document (the merged files and extras).</param>
/// <param name="Status">Where it is.</param>
public sealed record QueuedJob(long Id, string Kind, string Name, string Config, QueuedJobStatus Status)
{
    /// <summary>Who submitted it.</summary>
    public required string SubmittedBy { get; init; }

    /// <summary>When it was submitted (UTC).</summary>
    public required DateTimeOffset SubmittedAt { get; init; }

    /// <summary>When its first attempt started, or <see langword="null"/>.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended, or <see langword="null"/>.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Its progress, 0 to 100 (100 once it succeeded).</summary>
    public double Percent { get; init; }

    /// <summary>What it is doing, one line, or <see langword="null"/>.</summary>
    public string? Message { get; init; }

    /// <summary>How many attempts started (a worker that died leaves its attempt counted).</summary>
    public int Attempts { get; init; }

    /// <summary>The most attempts it gets.</summary>
    public int MaxAttempts { get; init; }

    /// <summary>The worker holding (or last holding) it, or <see langword="null"/>.</summary>
    public string? Worker { get; init; }

    /// <summary>When the worker's lease expires, while it runs.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>Whether a cancel was asked while it ran.</summary>
    public bool CancelRequested { get; init; }

    /// <summary>The tracking run of its last attempt, or <see langword="null"/>.</summary>
    public string? RunId { get; init; }

    /// <summary>Its result (JSON: the job's summary and what it made, such as a registered version), once it succeeded.</summary>
    public string? Result { get; init; }

    /// <summary>The kind of its error (<c>config</c>, <c>data</c>, <c>lease_expired</c>, ...), once it failed.</summary>
    public string? ErrorKind { get; init; }

    /// <summary>Its error, one line, once it failed.</summary>
    public string? Error { get; init; }

    /// <summary>Whether it ended (succeeded, failed or cancelled).</summary>
    public bool IsFinished => Status is QueuedJobStatus.Succeeded or QueuedJobStatus.Failed or QueuedJobStatus.Cancelled;
}

/// <summary>A job to submit.</summary>
/// <param name="Kind">The config's job kind.</param>
/// <param name="Name">A short title.</param>
/// <param name="Config">The config as one JSON document, already checked by the caller (it binds).</param>
public sealed record NewQueuedJob(string Kind, string Name, string Config)
{
    /// <summary>The most attempts it gets (1 to 10).</summary>
    /// <value>Default: 3.</value>
    public int MaxAttempts { get; init; } = 3;
}

/// <summary>Which jobs <see cref="IJobQueue.ListJobsAsync"/> returns.</summary>
public sealed record JobQuery
{
    /// <summary>Only jobs in these states; <see langword="null"/> or empty: any.</summary>
    public IReadOnlyCollection<QueuedJobStatus>? Statuses { get; init; }

    /// <summary>Only jobs of this kind.</summary>
    public string? Kind { get; init; }

    /// <summary>Only jobs with an id below this (the next page of a listing).</summary>
    public long? Before { get; init; }

    /// <summary>The most jobs returned (1 to 1000).</summary>
    /// <value>Default: 100.</value>
    public int Limit { get; init; } = 100;
}

/// <summary>The jobs that have not ended, by status (<see cref="IJobQueue.CountPendingJobsAsync"/>).</summary>
/// <param name="Queued">Jobs waiting for a worker.</param>
/// <param name="Running">Jobs held by a worker's lease (or whose lease expired and that no worker claimed again yet).</param>
public sealed record PendingJobCounts(long Queued, long Running);

/// <summary>A running job's progress, as its worker reports it with a heartbeat.</summary>
/// <param name="Percent">0 to 100.</param>
/// <param name="Message">What it is doing, one line.</param>
/// <param name="RunId">Its tracking run, once started.</param>
public sealed record JobProgressReport(double Percent, string? Message, string? RunId = null);

/// <summary>What a heartbeat found.</summary>
/// <param name="Held">Whether the worker still holds the job's lease (renewed).</param>
/// <param name="CancelRequested">Whether a cancel was asked: the worker should stop the job.</param>
public sealed record JobHeartbeat(bool Held, bool CancelRequested);

/// <summary>How a job ended, as its worker reports it.</summary>
/// <param name="Status"><see cref="QueuedJobStatus.Succeeded"/>, <see cref="QueuedJobStatus.Failed"/> or <see cref="QueuedJobStatus.Cancelled"/>.</param>
public sealed record JobOutcome(QueuedJobStatus Status)
{
    /// <summary>The result JSON of a job that succeeded.</summary>
    public string? Result { get; init; }

    /// <summary>The error kind of a job that failed.</summary>
    public string? ErrorKind { get; init; }

    /// <summary>The error of a job that failed, one line.</summary>
    public string? Error { get; init; }

    /// <summary>The tracking run of the attempt.</summary>
    public string? RunId { get; init; }
}

/// <summary>One line of a job's log.</summary>
/// <param name="Id">Its number (increasing; <see cref="IJobQueue.GetJobLogAsync"/> reads the lines after one).</param>
/// <param name="At">When it was written (UTC).</param>
/// <param name="Attempt">The attempt that wrote it (0: the queue itself, before an attempt).</param>
/// <param name="Level"><c>info</c>, <c>warn</c>, <c>error</c>, ...</param>
/// <param name="Message">The line.</param>
public sealed record JobLogLine(long Id, DateTimeOffset At, int Attempt, string Level, string Message);

/// <summary>A log line to append.</summary>
/// <param name="At">When it was written (UTC).</param>
/// <param name="Attempt">The attempt that wrote it.</param>
/// <param name="Level"><c>info</c>, <c>warn</c>, <c>error</c>, ...</param>
/// <param name="Message">The line (cut at 4,000 characters).</param>
public sealed record NewJobLogLine(DateTimeOffset At, int Attempt, string Level, string Message);

/// <summary>The names of <see cref="QueuedJobStatus"/> as the database, the API and the CLI write them.</summary>
public static class QueuedJobStatuses
{
    /// <summary><c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    public static string ToName(this QueuedJobStatus status) => status switch
    {
        QueuedJobStatus.Queued => "queued",
        QueuedJobStatus.Running => "running",
        QueuedJobStatus.Succeeded => "succeeded",
        QueuedJobStatus.Failed => "failed",
        QueuedJobStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown job status."),
    };

    /// <summary>Reads a status name (as <see cref="ToName"/> writes it).</summary>
    public static bool TryParse(string? name, out QueuedJobStatus status)
    {
        foreach (var candidate in Enum.GetValues<QueuedJobStatus>())
        {
            if (string.Equals(candidate.ToName(), name, StringComparison.Ordinal))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}
