using System.Globalization;
using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Learning;
using ModelOps.Core.Text;
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

    /// <summary>
    /// Reads the labelled data and checks, before anything is fitted, that every column the feature steps
    /// name is in the inputs; each missing one is named with its config path (<c>job.features[1].columns[0]</c>).
    /// </summary>
    /// <exception cref="DatasetException">A feature column is not in the inputs, or is the target column.</exception>
    private protected async Task<(Frame Inputs, Column Target)> ReadFeatureDataAsync(JobContext context)
    {
        var (inputs, target) = await context.ReadLabelledAsync(Inputs, Targets, Target, Model.Task).ConfigureAwait(false);
        var problems = new List<string>();
        for (var step = 0; step < Features.Count; step++)
        {
            for (var i = 0; i < Features[step].Columns.Count; i++)
            {
                var column = Features[step].Columns[i];
                if (inputs.Contains(column))
                {
                    continue;
                }

                // The job is the root node "job" of its config file (JobConfig).
                var path = string.Create(CultureInfo.InvariantCulture, $"job.features[{step}].columns[{i}]");
                problems.Add(column == Target
                    ? $"feature column '{column}' ({path}) is the target column; a model cannot take its target as a feature"
                    : $"feature column '{column}' ({path}) not found{NameSuggestions.Hint(column, inputs.ColumnNames)}");
            }
        }

        return problems.Count switch
        {
            0 => (inputs, target),
            1 => throw new DatasetException($"inputs: {problems[0]}"),
            _ => throw new DatasetException(string.Create(
                CultureInfo.InvariantCulture,
                $"inputs: {problems.Count} feature columns are missing:\n{string.Join('\n', problems.Select(p => "  - " + p))}")),
        };
    }
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
