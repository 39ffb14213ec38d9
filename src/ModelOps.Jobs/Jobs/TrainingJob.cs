using System.Globalization;
using Microsoft.Extensions.Logging;
using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Core.Learning;
using ModelOps.Core.Models;
using ModelOps.Core.Scoring;
using ModelOps.Core.Search;
using ModelOps.Core.Splitting;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Metrics;
using ModelOps.Store.Registry;
using ModelOps.Store.Tracking;

namespace ModelOps.Jobs.Jobs;

/// <summary>
/// Trains and registers a model: reads and checks the labelled data, records its lineage, splits it
/// (the splitter's last fold: for time-series folds the latest rows are the test part), fits the
/// pipeline and learner on the training part, scores every metric on the test part and logs them,
/// logs the feature importances on (up to <see cref="ImportanceSampleRows"/> rows of) the test part as
/// <c>importances.json</c>, saves the model file as the run's artifact <c>model.json</c> with its
/// signature, and registers it as a new version of <see cref="ModelName"/>.
/// </summary>
public sealed record TrainingJob : FittingJob
{
    /// <summary>The kind name.</summary>
    public const string KindName = "TrainingJob";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <summary>The registered model the new version belongs to (created when new).</summary>
    public required string ModelName { get; init; }

    /// <summary>Train and test parts: the last fold is used; a 20% unshuffled test part when not set.</summary>
    public SplitterOptions Splitter { get; init; } = new TrainTestSplitOptions { TestSize = SplitSize.FromFraction(0.2) };

    /// <summary>The metrics scored on the test part; <c>rmse, mae, r2</c> or <c>roc_auc, log_loss, accuracy, brier</c> when not set.</summary>
    public IReadOnlyList<JobMetric>? Metrics { get; init; }

    /// <summary>
    /// The id of the <c>TuningJob</c> run whose search chose this training's parameters: the run is tagged with it, so the
    /// version's page shows that search's cross-validated scores and trials.
    /// </summary>
    /// <value>Default <see langword="null"/>: no tuning run.</value>
    public string? TuningRun { get; init; }

    /// <summary>The most test rows the mean |SHAP| importances are measured on (the first ones of the test part).</summary>
    public const int ImportanceSampleRows = ModelImportances.SampleRows;

    /// <inheritdoc />
    public override async Task<JobResult> RunAsync(JobContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (TuningRun is { } tuningRun)
        {
            await LinkTuningRunAsync(context, tuningRun).ConfigureAwait(false);
        }

        var (inputs, target) = await ReadFeatureDataAsync(context).ConfigureAwait(false);
        var model = new Model(Features, Model);
        var metrics = Metrics ?? DefaultMetrics.All(model.Task);
        var folds = Core.Splitting.Splitter.Create(Splitter).Split(inputs.RowCount, Labels(target, Splitter));
        var fold = folds[^1];
        var (trainInputs, trainTarget) = (inputs.Take(fold.Train.Span), target.Take(fold.Train.Span));
        var testInputs = inputs.Take(fold.Test.Span);
        context.Logger.LogInformation("split by {Splitter}: {Train} training rows, {Test} test rows", Splitter.Kind, fold.Train.Length, fold.Test.Length);

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["model"] = Model.Kind,
            ["splitter"] = Splitter.Kind,
            ["train_rows"] = fold.Train.Length.ToString(CultureInfo.InvariantCulture),
            ["test_rows"] = fold.Test.Length.ToString(CultureInfo.InvariantCulture),
            ["features"] = string.Join(", ", Features.Select(f => $"{f.Kind}({string.Join(", ", f.Columns)})")),
        };
        foreach (var name in model.ParameterNames)
        {
            parameters[$"model.{name}"] = ParameterSet.Format(model.GetParameter(name));
        }

        await context.Store.LogParametersAsync(context.RunId, parameters, context.CancellationToken).ConfigureAwait(false);
        using (var step = context.Progress.Start($"Training {Model.Kind} on {fold.Train.Length:N0} rows", 100))
        {
            await Task.Run(() => model.Fit(trainInputs, trainTarget, JobProgress.Fraction(step, 100), context.CancellationToken), context.CancellationToken).ConfigureAwait(false);
            step.Complete();
        }

        var scores = Scores.Compute(model, metrics, testInputs, target.Take(fold.Test.Span), context.CancellationToken);
        var now = context.Time.GetUtcNow();
        await context.Store.LogMetricsAsync(context.RunId, [.. scores.Select(s => new MetricPoint(s.Key, s.Value, 0, now))], context.CancellationToken).ConfigureAwait(false);
        foreach (var (name, value) in scores)
        {
            context.Logger.LogInformation("test {Metric} = {Value}", name, value);
        }

        await ModelImportances.LogAsync(context, model, testInputs).ConfigureAwait(false);

        var version = await context.Store.RegisterAsync(
            new ModelRegistration(ModelName, model, context.RunId) { Description = $"{Model.Kind} trained on {fold.Train.Length} rows", Metrics = scores },
            context.CancellationToken).ConfigureAwait(false);

        return new TrainingResult { ModelName = version.Model, Version = version.Version, Metrics = scores, TrainRows = fold.Train.Length, TestRows = fold.Test.Length };
    }

    // The tuning run must exist and be a tuning job's; the training run points at it.
    private static async Task LinkTuningRunAsync(JobContext context, string tuningRun)
    {
        var run = await context.Store.GetRunAsync(tuningRun, context.CancellationToken).ConfigureAwait(false);
        if (!run.Tags.TryGetValue("job", out var job) || job != TuningJob.KindName)
        {
            throw new ConfigException([new ConfigProblem("config", 0, "job.tuning_run", $"run '{tuningRun}' is a {job ?? "untagged"} run, not a {TuningJob.KindName} run")]);
        }

        await context.Store.SetRunTagsAsync(context.RunId, new Dictionary<string, string>(StringComparer.Ordinal) { ["tuning_run"] = tuningRun }, context.CancellationToken).ConfigureAwait(false);
    }

    // A stratified splitter needs the class of every row.
    private static double[] Labels(Column target, SplitterOptions splitter) =>
        splitter is StratifiedKFoldOptions ? TargetValues.Read(target, target.Length, Core.Learning.ModelTask.BinaryClassification) : [];
}

/// <summary>What a <see cref="TrainingJob"/> registered.</summary>
public sealed record TrainingResult : JobResult
{
    /// <summary>The registered model.</summary>
    public required string ModelName { get; init; }

    /// <summary>The new version.</summary>
    public required int Version { get; init; }

    /// <summary>Every metric on the test part, by name.</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    /// <summary>Rows fitted on.</summary>
    public required int TrainRows { get; init; }

    /// <summary>Rows scored.</summary>
    public required int TestRows { get; init; }

    /// <inheritdoc />
    public override string Summary => string.Create(
        CultureInfo.InvariantCulture,
        $"registered {ModelName} version {Version}; test {string.Join(", ", Metrics.Select(m => $"{m.Key} {m.Value:G6}"))}");
}

/// <summary>Scores a fitted model with job metrics.</summary>
internal static class Scores
{
    public static IReadOnlyDictionary<string, double> Compute(Model model, IReadOnlyList<JobMetric> metrics, Frame inputs, Column target, CancellationToken cancellationToken)
    {
        var actual = TargetValues.Read(target, target.Length, model.Task);
        var scores = new SortedDictionary<string, double>(StringComparer.Ordinal);
        ModelScores? scored = null;
        foreach (var metric in metrics)
        {
            if (metric.Metric.Task != model.Task)
            {
                throw new ArgumentException($"metric {metric.Name} is for {metric.Metric.Task.Noun()}, but {model.Kind} does {model.Task.Noun()}");
            }

            // Scored once (inputs transformed once) for every metric.
            scored ??= ModelScoring.Score(model, inputs, new ScoringOptions { CancellationToken = cancellationToken });
            scores[metric.Name] = metric.Metric.Score(actual, ScoreInput.Of(scored, metric.Metric));
        }

        return scores;
    }
}

/// <summary>The feature importances a fitting job logs with its run (the model page's importance chart).</summary>
internal static class ModelImportances
{
    /// <summary>The most rows the mean |SHAP| importances are measured on (the first ones given).</summary>
    public const int SampleRows = 1000;

    /// <summary>Logs the mean |SHAP| per input column over (up to <see cref="SampleRows"/> of) <paramref name="rows"/> as the run's <see cref="FeatureImportanceFile.ArtifactPath"/>.</summary>
    public static async Task LogAsync(JobContext context, Model model, Frame rows)
    {
        var sample = rows.Head(Math.Min(SampleRows, rows.RowCount));
        var shap = ModelScoring.Score(model, sample, new ScoringOptions { Explain = ShapLevel.Input, CancellationToken = context.CancellationToken }).Shap!;
        var importances = new FeatureImportanceFile(sample.RowCount, FeatureImportances.Compute(model, shap, ShapLevel.Input));
        using var content = new MemoryStream(importances.ToBytes(), writable: false);
        await context.Store.LogArtifactAsync(context.RunId, FeatureImportanceFile.ArtifactPath, content, context.CancellationToken).ConfigureAwait(false);
    }
}
