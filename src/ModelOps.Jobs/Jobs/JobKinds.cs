using ModelOps.Core.Learning;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Metrics;
using ModelOps.Jobs.Services;
using ModelOps.Store;

namespace ModelOps.Jobs.Jobs;

/// <summary>The registry of the whole job config language.</summary>
public static class JobKinds
{
    /// <summary>
    /// Every kind a job config may name: <see cref="ConfigKinds.CreateStandard"/> (learners, splitters,
    /// searchers, distributions, feature steps), datasets, services, metrics and the six jobs.
    /// </summary>
    public static ConfigKinds Create() => ConfigKinds.CreateStandard().AddDatasets().AddServices().AddMetrics().AddJobs();

    /// <summary>Registers the metric kinds (<c>RootMeanSquaredError</c>, <c>RocAuc</c>, ...).</summary>
    public static ConfigKinds AddMetrics(this ConfigKinds kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        return kinds.Add<JobMetric, MeanSquaredError>(nameof(MeanSquaredError))
            .Add<JobMetric, RootMeanSquaredError>(nameof(RootMeanSquaredError))
            .Add<JobMetric, MeanAbsoluteError>(nameof(MeanAbsoluteError))
            .Add<JobMetric, R2>(nameof(R2))
            .Add<JobMetric, MeanAbsolutePercentageError>(nameof(MeanAbsolutePercentageError))
            .Add<JobMetric, MaxError>(nameof(MaxError))
            .Add<JobMetric, Accuracy>(nameof(Accuracy))
            .Add<JobMetric, Precision>(nameof(Precision))
            .Add<JobMetric, Recall>(nameof(Recall))
            .Add<JobMetric, F1>(nameof(F1))
            .Add<JobMetric, LogLoss>(nameof(LogLoss))
            .Add<JobMetric, RocAuc>(nameof(RocAuc))
            .Add<JobMetric, AveragePrecision>(nameof(AveragePrecision))
            .Add<JobMetric, Brier>(nameof(Brier));
    }

    /// <summary>
    /// Registers the six jobs, with a check that a fitting job's metrics suit its learner's task and that
    /// a promotion through a group moves the <c>Champion</c> alias.
    /// </summary>
    public static ConfigKinds AddJobs(this ConfigKinds kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        return kinds.Add<Job, TuningJob>(TuningJob.KindName)
            .Add<Job, TrainingJob>(TrainingJob.KindName)
            .Add<Job, FineTuningJob>(FineTuningJob.KindName)
            .Add<Job, PromotionJob>(PromotionJob.KindName)
            .Add<Job, InferenceJob>(InferenceJob.KindName)
            .Add<Job, EvaluationsJob>(EvaluationsJob.KindName)
            .Add<Job, ExplanationsJob>(ExplanationsJob.KindName)
            .AddCheck<TuningJob>(job => TaskProblems(job.Model.Task, job.Model.Kind, job.Metric is null ? [] : [("metric", job.Metric)]))
            .AddCheck<TrainingJob>(job => TaskProblems(job.Model.Task, job.Model.Kind, [.. (job.Metrics ?? []).Select((m, i) => ($"metrics[{i}]", m))]))
            .AddCheck<PromotionJob>(job => job.Group is { } group && job.Alias != StoreDefaults.Alias
                ? [$"alias: a group's promotion moves the {StoreDefaults.Alias} alias, so with group '{group}' leave alias out or write {StoreDefaults.Alias} (found '{job.Alias}')"]
                : []);
    }

    private static List<string> TaskProblems(ModelTask task, string learner, IReadOnlyList<(string Field, JobMetric Metric)> metrics)
    {
        return [.. metrics
            .Where(m => m.Metric.Metric.Task != task)
            .Select(m => $"{m.Field}: {m.Metric.Name} is a {m.Metric.Metric.Task.Noun()} metric, but {learner} does {task.Noun()}")];
    }
}
