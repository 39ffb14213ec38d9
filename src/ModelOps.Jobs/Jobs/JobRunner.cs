using Microsoft.Extensions.Logging;
using ModelOps.Jobs.Services;
using ModelOps.Store.Tracking;

namespace ModelOps.Jobs.Jobs;

/// <summary>How <see cref="JobRunner"/> runs a job: the services' options and the progress sink.</summary>
public sealed record JobRunOptions
{
    /// <summary>The services' options (console, <c>--database</c>).</summary>
    public JobServicesOptions Services { get; init; } = new();

    /// <summary>Where long steps report progress.</summary>
    public IJobProgress Progress { get; init; } = JobProgress.None;

    /// <summary>Called with the run's id once the job's run started (a worker reports it with the job's progress).</summary>
    /// <value>Default <see langword="null"/>.</value>
    public Action<string>? RunStarted { get; init; }
}

/// <summary>
/// Runs a job inside its services and one tracking run: services start (logger, alerts, tracking),
/// a run starts in the job's experiment, the job runs, the run ends <c>FINISHED</c> or <c>FAILED</c>
/// (with the error's kind and message), an alert says how it went (a failure's alert names the run), and the services stop in reverse order — also when the job fails.
/// </summary>
public static class JobRunner
{
    /// <summary>Runs <paramref name="job"/>.</summary>
    /// <param name="job">The bound job.</param>
    /// <param name="options">Services' options and progress sink.</param>
    /// <param name="cancellationToken">Stops the job (the run ends <c>FAILED</c>).</param>
    /// <returns>The job's result, with its run id.</returns>
    public static async Task<JobResult> RunAsync(Job job, JobRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        options ??= new JobRunOptions();
        await using var services = await JobServices.StartAsync(job.LoggerService, job.AlertsService, job.TrackingService, options.Services, cancellationToken).ConfigureAwait(false);
        var logger = services.CreateLogger(job.Kind);
        var run = await services.Store.StartRunAsync(services.Experiment, new RunStart
        {
            Name = job.RunName ?? job.Kind,
            Tags = new Dictionary<string, string>(StringComparer.Ordinal) { ["job"] = job.Kind },
        }, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("{Kind} started: run {Run} in experiment {Experiment}", job.Kind, run.Id, services.Experiment);
        options.RunStarted?.Invoke(run.Id);
        try
        {
            var context = new JobContext
            {
                Logger = logger,
                Store = services.Store,
                Alerts = services.Alerts,
                Experiment = services.Experiment,
                RunId = run.Id,
                Progress = options.Progress,
                Time = options.Services.TimeProvider,
                CancellationToken = cancellationToken,
            };
            var result = await job.RunAsync(context).ConfigureAwait(false) with { RunId = run.Id };
            await services.Store.EndRunAsync(run.Id, RunStatus.Finished, CancellationToken.None).ConfigureAwait(false);
            logger.LogInformation("{Kind} finished: {Summary}", job.Kind, result.Summary);
            await services.Alerts.NotifyAsync($"{job.Kind} finished", result.Summary, CancellationToken.None).ConfigureAwait(false);
            return result;
        }
        catch (Exception error)
        {
            var failure = new RunError(JobErrors.KindOf(error).ToName(), error.Message);
            try
            {
                await services.Store.FailRunAsync(run.Id, failure, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception endError) when (endError is not OutOfMemoryException)
            {
                logger.LogWarning("could not mark run {Run} {Status}: {Reason}", run.Id, RunStatus.Failed, endError.Message);
            }

            logger.LogError("{Kind} failed: {Reason}", job.Kind, error.Message);
            await services.Alerts.NotifyAsync($"{job.Kind} failed", $"{error.Message} (run {run.Id})", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }
}
