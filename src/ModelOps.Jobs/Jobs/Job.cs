using ModelOps.Jobs.Services;

namespace ModelOps.Jobs.Jobs;

/// <summary>
/// A job of a config file (<c>job: {KIND: TrainingJob, ...}</c>). Every job runs inside its services —
/// the logger, the alerts and the tracking store — started before it and stopped after it, also when
/// it fails; <see cref="JobRunner"/> does that and records the job as one run of the tracking store.
/// </summary>
public abstract record Job
{
    /// <summary>The console (and optional JSON-lines) logger.</summary>
    public LoggerService LoggerService { get; init; } = new();

    /// <summary>Where the job's notifications go (the console by default).</summary>
    public AlertsService AlertsService { get; init; } = new ConsoleAlerts();

    /// <summary>The tracking store and the experiment the job's run belongs to.</summary>
    public TrackingService TrackingService { get; init; } = new();

    /// <summary>The name of the job's run in the tracking store; the job's kind when not set.</summary>
    public string? RunName { get; init; }

    /// <summary>The job's kind, as written in <c>KIND</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>Runs the job inside started services; the run is open and is closed by the caller.</summary>
    /// <param name="context">The services, the run and the progress sink.</param>
    /// <returns>The job's typed result.</returns>
    public abstract Task<JobResult> RunAsync(JobContext context);
}

/// <summary>The root of a job config file: one <c>job</c> node.</summary>
/// <param name="Job">The job to run, chosen by its <c>KIND</c>.</param>
public sealed record JobConfig(Job Job);

/// <summary>
/// What a job returns: a one-line summary (the alert's message and the CLI's last line) and the
/// job's own typed fields in the derived records.
/// </summary>
public abstract record JobResult
{
    /// <summary>One line saying what the job did (<c>registered bike_demand version 3</c>).</summary>
    public abstract string Summary { get; }

    /// <summary>The run of the tracking store that recorded the job.</summary>
    public string RunId { get; init; } = string.Empty;
}
