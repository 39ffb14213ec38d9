using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Learning;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Metrics;

namespace ModelOps.Jobs.Jobs;

/// <summary>A job that reads labelled data: inputs, and the target column from the inputs or from separate targets.</summary>
public abstract record LabelledJob : Job
{
    /// <summary>The input rows (checked against the reader's schema when it names one).</summary>
    public required DatasetReader Inputs { get; init; }

    /// <summary>The target rows, same order as the inputs; when not set the target column is taken from (and dropped from) the inputs.</summary>
    public DatasetReader? Targets { get; init; }

    /// <summary>The name of the target column.</summary>
    public required string Target { get; init; }
}

/// <summary>A job that fits a model: a feature pipeline and a learner.</summary>
public abstract record FittingJob : LabelledJob
{
    /// <summary>The feature pipeline steps: which input columns become features, and how.</summary>
    public required IReadOnlyList<FeatureStep> Features { get; init; }

    /// <summary>The learner, chosen by its <c>KIND</c> (<c>GradientBoostingRegressor</c>).</summary>
    public required LearnerOptions Model { get; init; }
}

/// <summary>The metrics a job uses when its config names none.</summary>
internal static class DefaultMetrics
{
    public static JobMetric Primary(ModelTask task) => task == ModelTask.Regression ? new RootMeanSquaredError() : new RocAuc();

    public static IReadOnlyList<JobMetric> All(ModelTask task) => task == ModelTask.Regression
        ? [new RootMeanSquaredError(), new MeanAbsoluteError(), new R2()]
        : [new RocAuc(), new LogLoss(), new Accuracy(), new Brier()];
}

/// <summary>An <see cref="IProgress{T}"/> that calls its action at once, on the reporting thread (unlike <see cref="Progress{T}"/>).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
