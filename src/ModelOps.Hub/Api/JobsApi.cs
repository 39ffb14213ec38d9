using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelOps.Hub.Auth;
using ModelOps.Hub.Errors;
using ModelOps.Hub.Workers;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Queue;
using ModelOps.Store.Queue;

namespace ModelOps.Hub.Api;

/// <summary>
/// The job queue: submit a config (checked first), list and read jobs, read or follow a job's log, cancel. Workers
/// (<c>modelops worker</c>, or the hub's own with <c>--workers N</c>) run the jobs.
/// </summary>
internal static class JobsApi
{
    private static readonly JsonSerializerOptions LineJson = new(JsonSerializerDefaults.Web);

    public static void MapJobsApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/jobs").WithTags("Jobs");
        jobs.MapPost("/", SubmitAsync).RefuseUnknownQuery()
            .Requires(HubPermission.Manage).WithName("SubmitJob")
            .WithSummary("Queues a job: its config (YAML or JSON, any job kind), maybe with extras merged after it, is checked first; a config that cannot run is a 400 naming each problem's line and path.")
            .AcceptsJson<SubmitJobRequest>().Produces<JobView>(201).ProducesProblem(400);
        jobs.MapGet("/", ListAsync).Query("status", "kind", "before", "limit").RefuseUnknownQuery()
            .Requires(HubPermission.Read).WithName("ListJobs").WithSummary("Jobs, newest first: filter by status (comma-separated) and kind; page with before (an id) and limit.")
            .Produces<IReadOnlyList<JobView>>().ProducesProblem(400);
        jobs.MapGet("/{id:long}", async (long id, JobQueueService queue, CancellationToken ct) => Results.Ok(JobView.Of(await queue.Jobs.GetJobAsync(id, ct).ConfigureAwait(false), withConfig: true)))
            .RefuseUnknownQuery().Requires(HubPermission.Read).WithName("GetJob").WithSummary("One job, with its config.").Produces<JobView>().ProducesProblem(404);
        jobs.MapGet("/{id:long}/log", LogAsync).Query("after", "follow").RefuseUnknownQuery()
            .Requires(HubPermission.Read).WithName("GetJobLog")
            .WithSummary("A job's log lines after line 'after' (JSON array); with follow=true a stream of JSON lines (application/x-ndjson) as they are written, ending when the job ended.")
            .Produces<IReadOnlyList<JobLogLineView>>().ProducesProblem(404);
        jobs.MapPost("/{id:long}/cancel", async (long id, HttpContext context, JobQueueService queue) =>
                Results.Ok(JobView.Of(await queue.Jobs.CancelJobAsync(id, TokenAuthMiddleware.Caller(context).Name, context.RequestAborted).ConfigureAwait(false))))
            .RefuseUnknownQuery().Requires(HubPermission.Manage).WithName("CancelJob")
            .WithSummary("Cancels a job: a queued one at once, a running one within a few seconds (its worker stops it cooperatively). 409 when it already ended.")
            .Produces<JobView>().ProducesProblem(404).ProducesProblem(409);
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, JobQueueService queue)
    {
        using var json = await JsonBody.ReadObjectAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var (body, root) = (json.Body, json.Root);
        var config = body.String(root, "config", "$", required: true);
        var name = body.String(root, "name", "$", required: false) ?? "config.yaml";
        var maxAttempts = body.Int(root, "maxAttempts", "$", required: false) ?? 3;
        var extras = new List<string>();
        if (body.Array(root, "extras", "$", required: false) is { } array)
        {
            var i = 0;
            foreach (var extra in array.EnumerateArray())
            {
                if (extra.ValueKind == JsonValueKind.String)
                {
                    extras.Add(extra.GetString()!);
                }
                else
                {
                    body.Error(string.Create(CultureInfo.InvariantCulture, $"$.extras[{i}]"), $"must be a string (YAML or JSON), got {JsonBody.Kind(extra)}");
                }

                i++;
            }
        }

        body.ThrowIfAny();
        List<ConfigSource> sources = [new(name, config!), .. extras.Select((extra, i) => new ConfigSource(ConfigLoader.ExtrasName(i), extra))];
        var job = await queue.SubmitAsync(sources, TokenAuthMiddleware.Caller(context).Name, maxAttempts, context.RequestAborted).ConfigureAwait(false);
        return Results.Created($"/api/jobs/{job.Id.ToString(CultureInfo.InvariantCulture)}", JobView.Of(job, withConfig: true));
    }

    private static async Task<IResult> ListAsync(HttpContext context, JobQueueService queue)
    {
        var query = context.Request.Query;
        var errors = new JsonBody();
        var statuses = new List<QueuedJobStatus>();
        foreach (var name in query["status"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (QueuedJobStatuses.TryParse(name, out var status))
            {
                statuses.Add(status);
            }
            else
            {
                errors.Error("status", $"'{name}' is not a job status (queued, running, succeeded, failed, cancelled)");
            }
        }

        var before = QueryParameters.Parse(query, "before", errors, QueryParameters.Long, "a job id");
        var limit = QueryParameters.Parse(query, "limit", errors, QueryParameters.Int, "an integer") ?? 100;
        errors.ThrowIfAny("query string");
        var kind = query["kind"].ToString();
        var jobs = await queue.Jobs.ListJobsAsync(
            new JobQuery { Statuses = statuses, Kind = kind.Length == 0 ? null : kind, Before = before, Limit = limit },
            context.RequestAborted).ConfigureAwait(false);
        return Results.Ok(jobs.Select(j => JobView.Of(j)));
    }

    private static async Task<IResult> LogAsync(long id, HttpContext context, JobQueueService queue)
    {
        var errors = new JsonBody();
        var after = QueryParameters.Parse(context.Request.Query, "after", errors, QueryParameters.Long, "a line id") ?? 0;
        var follow = QueryParameters.Parse(context.Request.Query, "follow", errors, QueryParameters.Bool, "true or false") ?? false;
        errors.ThrowIfAny("query string");

        if (!follow)
        {
            var lines = await queue.Jobs.GetJobLogAsync(id, after, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            return Results.Ok(lines.Select(JobLogLineView.Of));
        }

        // Answers 404 before the stream starts when there is no such job.
        await queue.Jobs.GetJobAsync(id, context.RequestAborted).ConfigureAwait(false);
        context.Response.ContentType = "application/x-ndjson";
        context.Response.Headers.CacheControl = "no-cache";
        try
        {
            await foreach (var line in queue.FollowLogAsync(id, after, context.RequestAborted).ConfigureAwait(false))
            {
                await JsonSerializer.SerializeAsync(context.Response.Body, JobLogLineView.Of(line), LineJson, context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.WriteAsync("\n"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }

        return Results.Empty;
    }
}

/// <summary>The body of <c>POST /api/jobs</c>.</summary>
/// <param name="Config">The job's config, YAML or JSON (<c>job: {KIND: TrainingJob, ...}</c>).</param>
/// <param name="Name">The config's name in messages and the job's list (a file name); default <c>config.yaml</c>.</param>
/// <param name="Extras">YAML or JSON merged after the config, in order (as <c>modelops run -e</c>).</param>
/// <param name="MaxAttempts">The most attempts (1 to 10; default 3): a job whose worker died runs again until then.</param>
public sealed record SubmitJobRequest(string Config, string? Name, IReadOnlyList<string>? Extras, int? MaxAttempts);

/// <summary>A queued job as the API shows it.</summary>
public sealed record JobView(
    long Id,
    string Kind,
    string Name,
    string Status,
    double Percent,
    string? Message,
    int Attempts,
    int MaxAttempts,
    string? Worker,
    DateTimeOffset? LeaseExpiresAt,
    bool CancelRequested,
    string? RunId,
    JsonElement? Result,
    string? ErrorKind,
    string? Error,
    string SubmittedBy,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt)
{
    /// <summary>The config's sources (name and text, in merge order); only on <c>GET /api/jobs/{id}</c> and a submission's answer.</summary>
    public IReadOnlyList<ConfigSourceView>? Config { get; init; }

    internal static JobView Of(QueuedJob job, bool withConfig = false) => new(
        job.Id,
        job.Kind,
        job.Name,
        job.Status.ToName(),
        job.Percent,
        job.Message,
        job.Attempts,
        job.MaxAttempts,
        job.Worker,
        job.LeaseExpiresAt,
        job.CancelRequested,
        job.RunId,
        job.Result is null ? null : JsonDocument.Parse(job.Result).RootElement.Clone(),
        job.ErrorKind,
        job.Error,
        job.SubmittedBy,
        job.SubmittedAt,
        job.StartedAt,
        job.FinishedAt)
    {
        Config = withConfig ? [.. QueuedJobConfig.Sources(job.Config).Select(s => new ConfigSourceView(s.Name, s.Text))] : null,
    };
}

/// <summary>One source of a job's config.</summary>
/// <param name="Name">The file's name, or <c>--extras[i]</c>.</param>
/// <param name="Text">Its YAML or JSON.</param>
public sealed record ConfigSourceView(string Name, string Text);

/// <summary>One line of a job's log.</summary>
/// <param name="Id">Its number: read on with <c>after</c>.</param>
/// <param name="At">When (UTC).</param>
/// <param name="Attempt">The attempt that wrote it (0: the queue).</param>
/// <param name="Level"><c>info</c>, <c>warn</c>, <c>error</c>, ...</param>
/// <param name="Message">The line.</param>
public sealed record JobLogLineView(long Id, DateTimeOffset At, int Attempt, string Level, string Message)
{
    internal static JobLogLineView Of(JobLogLine line) => new(line.Id, line.At, line.Attempt, line.Level, line.Message);
}
