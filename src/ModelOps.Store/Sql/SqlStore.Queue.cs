using System.Data.Common;
using System.Globalization;
using ModelOps.Store.Queue;

namespace ModelOps.Store.Sql;

/// <summary>
/// The job queue: a claim is one write transaction that picks the oldest claimable job (PostgreSQL skips the rows other
/// claimers hold, SQLite's writer holds the file), so two workers never hold one job; a heartbeat renews the lease only
/// for the worker that holds it, so a worker whose lease expired (and whose job another worker took) learns it lost the job.
/// </summary>
internal sealed partial class SqlStore : IJobQueue
{
    private const int MaxJobConfig = 1024 * 1024;
    private const int MaxLogLine = 4000;
    private const int MaxJobMessage = 500;
    private const string JobColumns = "id, kind, name, config, status, percent, message, attempts, max_attempts, worker, lease_expires_at, cancel_requested, run_id, result, error_kind, error, submitted_by, submitted_at, started_at, finished_at";

    public async Task<QueuedJob> SubmitJobAsync(NewQueuedJob job, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(actor);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(job.Kind))
        {
            problems.Add("kind is empty");
        }

        if (string.IsNullOrWhiteSpace(job.Name) || job.Name.Length > 200)
        {
            problems.Add("name must be 1 to 200 characters");
        }

        if (string.IsNullOrWhiteSpace(job.Config) || job.Config.Length > MaxJobConfig)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"config must be 1 to {MaxJobConfig} characters"));
        }

        if (job.MaxAttempts is < 1 or > 10)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"max attempts must be 1 to 10, got {job.MaxAttempts}"));
        }

        ThrowIfInvalid("job", problems);
        return await WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            var id = ToLong(await ScalarAsync(
                connection,
                transaction,
                "INSERT INTO jobs (kind, name, config, status, percent, attempts, max_attempts, cancel_requested, submitted_by, submitted_at) "
                + "VALUES (@kind, @name, @config, 'queued', 0, 0, @max, 0, @actor, @now) RETURNING id",
                cancellationToken,
                ("@kind", job.Kind),
                ("@name", job.Name),
                ("@config", job.Config),
                ("@max", job.MaxAttempts),
                ("@actor", actor),
                ("@now", now)).ConfigureAwait(false));
            await InsertJobLogAsync(connection, transaction, id, [new NewJobLogLine(now, 0, "info", $"submitted by {actor}")], cancellationToken).ConfigureAwait(false);
            return await RequireJobAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<QueuedJob> GetJobAsync(long id, CancellationToken cancellationToken = default) =>
        await ReadAsync(connection => RequireJobAsync(connection, null, id, cancellationToken), cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<QueuedJob>> ListJobsAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > 1000)
        {
            throw new StoreException(StoreErrorKind.Invalid, string.Create(CultureInfo.InvariantCulture, $"limit must be 1 to 1000, got {query.Limit}"));
        }

        var where = new List<string>();
        var parameters = new List<(string, object?)> { ("@limit", query.Limit) };
        if (query.Statuses is { Count: > 0 } statuses)
        {
            var names = statuses.Distinct().Select((s, i) => (Name: $"@status{i}", Value: s.ToName())).ToList();
            where.Add($"status IN ({string.Join(", ", names.Select(n => n.Name))})");
            parameters.AddRange(names.Select(n => (n.Name, (object?)n.Value)));
        }

        if (query.Kind is { } kind)
        {
            where.Add("kind = @kind");
            parameters.Add(("@kind", kind));
        }

        if (query.Before is { } before)
        {
            where.Add("id < @before");
            parameters.Add(("@before", before));
        }

        var sql = $"SELECT {JobColumns} FROM jobs{(where.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", where))} ORDER BY id DESC LIMIT @limit";
        return await ReadAsync(
            async connection => (IReadOnlyList<QueuedJob>)await QueryAsync(connection, null, sql, ReadJob, cancellationToken, [.. parameters]).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<PendingJobCounts> CountPendingJobsAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(
            async connection =>
            {
                var counts = await QueryAsync(
                    connection,
                    null,
                    "SELECT status, COUNT(*) FROM jobs WHERE status IN ('queued', 'running') GROUP BY status",
                    r => (Status: r.GetString(0), Count: ToLong(r.GetValue(1))),
                    cancellationToken).ConfigureAwait(false);
                long queued = 0, running = 0;
                foreach (var (status, count) in counts)
                {
                    if (status == "queued")
                    {
                        queued = count;
                    }
                    else
                    {
                        running = count;
                    }
                }

                return new PendingJobCounts(queued, running);
            },
            cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<JobLogLine>> GetJobLogAsync(long id, long after = 0, int limit = 1000, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > 10_000)
        {
            throw new StoreException(StoreErrorKind.Invalid, string.Create(CultureInfo.InvariantCulture, $"limit must be 1 to 10000, got {limit}"));
        }

        return await ReadAsync(async connection =>
        {
            var lines = await QueryAsync(
                connection,
                null,
                "SELECT id, at, attempt, level, message FROM job_log WHERE job_id = @job AND id > @after ORDER BY id LIMIT @limit",
                r => new JobLogLine(r.GetInt64(0), _dialect.ReadTimestamp(r, 1), ToInt(r.GetValue(2)), r.GetString(3), r.GetString(4)),
                cancellationToken,
                ("@job", id),
                ("@after", after),
                ("@limit", limit)).ConfigureAwait(false);
            if (lines.Count == 0)
            {
                // An empty page of a job that exists, or no such job.
                await RequireJobAsync(connection, null, id, cancellationToken).ConfigureAwait(false);
            }

            return (IReadOnlyList<JobLogLine>)lines;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<QueuedJob?> ClaimJobAsync(string worker, TimeSpan lease, IReadOnlyCollection<string>? kinds = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worker);
        if (lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "A lease must be positive.");
        }

        var kindFilter = string.Empty;
        var kindParameters = new List<(string, object?)>();
        if (kinds is { Count: > 0 })
        {
            var names = kinds.Select((k, i) => (Name: $"@kind{i}", Value: k)).ToList();
            kindFilter = $" AND kind IN ({string.Join(", ", names.Select(n => n.Name))})";
            kindParameters.AddRange(names.Select(n => (n.Name, (object?)n.Value)));
        }

        return await WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            await EndAbandonedJobsAsync(connection, transaction, now, cancellationToken).ConfigureAwait(false);
            var candidates = await QueryAsync(
                connection,
                transaction,
                "SELECT id, status, worker, lease_expires_at, attempts, max_attempts FROM jobs "
                + "WHERE (status = 'queued' OR (status = 'running' AND lease_expires_at < @now AND attempts < max_attempts AND cancel_requested = 0))"
                + kindFilter + " ORDER BY id LIMIT 1" + _dialect.SkipLocked,
                r => (Id: r.GetInt64(0), Status: r.GetString(1), Worker: NullableString(r, 2), LeaseExpiresAt: NullableTimestamp(r, 3), Attempts: ToInt(r.GetValue(4)), MaxAttempts: ToInt(r.GetValue(5))),
                cancellationToken,
                [("@now", now), .. kindParameters]).ConfigureAwait(false);
            if (candidates.Count == 0)
            {
                return null;
            }

            var job = candidates[0];
            var attempt = job.Attempts + 1;
            var line = job.Status == "running"
                ? $"worker {job.Worker} stopped renewing its lease (it expired at {Stamp(job.LeaseExpiresAt!.Value)}); attempt {attempt} of {job.MaxAttempts} on worker {worker}"
                : $"attempt {attempt} of {job.MaxAttempts} on worker {worker}";
            await InsertJobLogAsync(connection, transaction, job.Id, [new NewJobLogLine(now, attempt, job.Status == "running" ? "warn" : "info", line)], cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(
                connection,
                transaction,
                "UPDATE jobs SET status = 'running', worker = @worker, lease_expires_at = @lease, attempts = @attempt, started_at = COALESCE(started_at, @now), "
                + "percent = 0, message = NULL, run_id = NULL WHERE id = @id",
                cancellationToken,
                ("@worker", worker),
                ("@lease", now + lease),
                ("@attempt", attempt),
                ("@now", now),
                ("@id", job.Id)).ConfigureAwait(false);
            return await RequireJobAsync(connection, transaction, job.Id, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<JobHeartbeat> HeartbeatJobAsync(long id, string worker, TimeSpan lease, JobProgressReport? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return await WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            var set = "lease_expires_at = @lease";
            var parameters = new List<(string, object?)> { ("@lease", now + lease), ("@id", id), ("@worker", worker) };
            if (progress is not null)
            {
                set += ", percent = @percent, message = @message, run_id = COALESCE(@run, run_id)";
                parameters.Add(("@percent", Math.Clamp(double.IsFinite(progress.Percent) ? progress.Percent : 0, 0, 100)));
                parameters.Add(("@message", Cut(progress.Message, MaxJobMessage)));
                parameters.Add(("@run", progress.RunId));
            }

            var cancel = await QueryAsync(
                connection,
                transaction,
                $"UPDATE jobs SET {set} WHERE id = @id AND worker = @worker AND status = 'running' RETURNING cancel_requested",
                r => ToInt(r.GetValue(0)) != 0,
                cancellationToken,
                [.. parameters]).ConfigureAwait(false);
            return cancel.Count == 0 ? new JobHeartbeat(Held: false, CancelRequested: false) : new JobHeartbeat(Held: true, CancelRequested: cancel[0]);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task AppendJobLogAsync(long id, IReadOnlyList<NewJobLogLine> lines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0)
        {
            return;
        }

        await WriteAsync(async (connection, transaction) =>
        {
            await InsertJobLogAsync(connection, transaction, id, lines, cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> FinishJobAsync(long id, string worker, JobOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Status is QueuedJobStatus.Queued or QueuedJobStatus.Running)
        {
            throw new ArgumentException($"A job ends succeeded, failed or cancelled, not {outcome.Status.ToName()}.", nameof(outcome));
        }

        return await WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            var changed = await ExecuteAsync(
                connection,
                transaction,
                "UPDATE jobs SET status = @status, finished_at = @now, lease_expires_at = NULL, result = @result, error_kind = @kind, error = @error, "
                + "run_id = COALESCE(@run, run_id), percent = CASE WHEN @status = 'succeeded' THEN 100 ELSE percent END "
                + "WHERE id = @id AND worker = @worker AND status = 'running'",
                cancellationToken,
                ("@status", outcome.Status.ToName()),
                ("@now", now),
                ("@result", outcome.Result),
                ("@kind", outcome.ErrorKind),
                ("@error", Cut(outcome.Error, MaxLogLine)),
                ("@run", outcome.RunId),
                ("@id", id),
                ("@worker", worker)).ConfigureAwait(false);
            return changed == 1;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> ReleaseJobAsync(long id, string worker, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(reason);
        return await WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            var attempts = await QueryAsync(
                connection,
                transaction,
                "UPDATE jobs SET status = 'queued', attempts = attempts - 1, worker = NULL, lease_expires_at = NULL, percent = 0, message = NULL "
                + "WHERE id = @id AND worker = @worker AND status = 'running' RETURNING attempts",
                r => ToInt(r.GetValue(0)),
                cancellationToken,
                ("@id", id),
                ("@worker", worker)).ConfigureAwait(false);
            if (attempts.Count == 0)
            {
                return false;
            }

            await InsertJobLogAsync(connection, transaction, id, [new NewJobLogLine(now, attempts[0] + 1, "warn", reason)], cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<QueuedJob> CancelJobAsync(long id, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return await WriteAsync(async (connection, transaction) =>
        {
            var job = await RequireJobAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
            var now = Now();
            switch (job.Status)
            {
                case QueuedJobStatus.Queued:
                    await ExecuteAsync(connection, transaction, "UPDATE jobs SET status = 'cancelled', finished_at = @now WHERE id = @id", cancellationToken, ("@now", now), ("@id", id)).ConfigureAwait(false);
                    await InsertJobLogAsync(connection, transaction, id, [new NewJobLogLine(now, job.Attempts, "info", $"cancelled by {actor} before it started")], cancellationToken).ConfigureAwait(false);
                    break;
                case QueuedJobStatus.Running when !job.CancelRequested:
                    await ExecuteAsync(connection, transaction, "UPDATE jobs SET cancel_requested = 1 WHERE id = @id", cancellationToken, ("@id", id)).ConfigureAwait(false);
                    await InsertJobLogAsync(connection, transaction, id, [new NewJobLogLine(now, job.Attempts, "info", $"cancel asked by {actor}; worker {job.Worker} stops the job")], cancellationToken).ConfigureAwait(false);
                    break;
                case QueuedJobStatus.Running:
                    break;
                default:
                    throw new StoreException(
                        StoreErrorKind.Conflict,
                        string.Create(CultureInfo.InvariantCulture, $"job {id} already {job.Status.ToName()} at {Stamp(job.FinishedAt!.Value)}; only a queued or running job can be cancelled"));
            }

            return await RequireJobAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    // Running jobs whose worker died and that cannot run again: failed when their attempts are spent, cancelled when a cancel was asked.
    private async Task EndAbandonedJobsAsync(DbConnection connection, DbTransaction transaction, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var abandoned = await QueryAsync(
            connection,
            transaction,
            "SELECT id, worker, lease_expires_at, attempts, cancel_requested FROM jobs "
            + "WHERE status = 'running' AND lease_expires_at < @now AND (attempts >= max_attempts OR cancel_requested = 1) ORDER BY id" + _dialect.SkipLocked,
            r => (Id: r.GetInt64(0), Worker: NullableString(r, 1), Expired: _dialect.ReadTimestamp(r, 2), Attempts: ToInt(r.GetValue(3)), Cancel: ToInt(r.GetValue(4)) != 0),
            cancellationToken,
            ("@now", now)).ConfigureAwait(false);
        foreach (var job in abandoned)
        {
            var lost = $"worker {job.Worker} stopped renewing its lease (it expired at {Stamp(job.Expired)})";
            var (status, kind, error) = job.Cancel
                ? ("cancelled", (string?)null, (string?)null)
                : ("failed", "lease_expired", string.Create(CultureInfo.InvariantCulture, $"{lost} on the last of {job.Attempts} attempts; no attempt is left"));
            await ExecuteAsync(
                connection,
                transaction,
                "UPDATE jobs SET status = @status, finished_at = @now, lease_expires_at = NULL, error_kind = @kind, error = @error WHERE id = @id",
                cancellationToken,
                ("@status", status),
                ("@now", now),
                ("@kind", kind),
                ("@error", error),
                ("@id", job.Id)).ConfigureAwait(false);
            var line = job.Cancel ? $"{lost}; the job was being cancelled, so it ends cancelled" : error!;
            await InsertJobLogAsync(connection, transaction, job.Id, [new NewJobLogLine(now, job.Attempts, job.Cancel ? "info" : "error", line)], cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task InsertJobLogAsync(DbConnection connection, DbTransaction transaction, long id, IReadOnlyList<NewJobLogLine> lines, CancellationToken cancellationToken)
    {
        foreach (var line in lines)
        {
            await ExecuteAsync(
                connection,
                transaction,
                "INSERT INTO job_log (job_id, at, attempt, level, message) VALUES (@job, @at, @attempt, @level, @message)",
                cancellationToken,
                ("@job", id),
                ("@at", SqlDialect.Microseconds(line.At)),
                ("@attempt", line.Attempt),
                ("@level", line.Level),
                ("@message", Cut(line.Message, MaxLogLine) ?? string.Empty)).ConfigureAwait(false);
        }
    }

    private async Task<QueuedJob> RequireJobAsync(DbConnection connection, DbTransaction? transaction, long id, CancellationToken cancellationToken)
    {
        var jobs = await QueryAsync(connection, transaction, $"SELECT {JobColumns} FROM jobs WHERE id = @id", ReadJob, cancellationToken, ("@id", id)).ConfigureAwait(false);
        return jobs.Count == 1
            ? jobs[0]
            : throw new StoreException(StoreErrorKind.NotFound, string.Create(CultureInfo.InvariantCulture, $"job {id} not found"));
    }

    private QueuedJob ReadJob(DbDataReader r) => new(
        r.GetInt64(0),
        r.GetString(1),
        r.GetString(2),
        r.GetString(3),
        QueuedJobStatuses.TryParse(r.GetString(4), out var status) ? status : QueuedJobStatus.Failed)
    {
        Percent = r.GetDouble(5),
        Message = NullableString(r, 6),
        Attempts = ToInt(r.GetValue(7)),
        MaxAttempts = ToInt(r.GetValue(8)),
        Worker = NullableString(r, 9),
        LeaseExpiresAt = NullableTimestamp(r, 10),
        CancelRequested = ToInt(r.GetValue(11)) != 0,
        RunId = NullableString(r, 12),
        Result = NullableString(r, 13),
        ErrorKind = NullableString(r, 14),
        Error = NullableString(r, 15),
        SubmittedBy = r.GetString(16),
        SubmittedAt = _dialect.ReadTimestamp(r, 17),
        StartedAt = NullableTimestamp(r, 18),
        FinishedAt = NullableTimestamp(r, 19),
    };

    private static int ToInt(object value) => Convert.ToInt32(value, CultureInfo.InvariantCulture);

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture);

    private static string? Cut(string? text, int length) => text is null || text.Length <= length ? text : text[..(length - 1)] + "…";
}
