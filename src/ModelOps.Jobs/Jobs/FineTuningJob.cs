using System.Globalization;
using Microsoft.Extensions.Logging;
using ModelOps.Core.Learners;
using ModelOps.Core.Models;
using ModelOps.Core.Splitting;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Metrics;
using ModelOps.Store;
using ModelOps.Store.Groups;
using ModelOps.Store.Registry;
using ModelOps.Store.Tracking;

namespace ModelOps.Jobs.Jobs;

/// <summary>How a <see cref="FineTuningJob"/> makes its model from the base version.</summary>
public enum FineTuningMode
{
    /// <summary>Continue training the base model on the new data (<see cref="Model.Continue(Core.Data.Frame, Core.Data.Column, LearnerOptions, CancellationToken)"/>): boosting adds trees, a forest adds trees, least squares moves its coefficients.</summary>
    Continue,

    /// <summary>Fit the base model's pipeline and learner (its hyper-parameters, maybe changed) afresh on the new data.</summary>
    Refit,
}

/// <summary>Where a fine-tuned version joins a model group.</summary>
public sealed record FineTuningGroup
{
    /// <summary>The model group.</summary>
    public required string Name { get; init; }

    /// <summary>Its role: <c>challenger</c> (takes <see cref="Weight"/> percent of the champion's traffic) or <c>shadow</c> (scores every request, answers none).</summary>
    public required GroupRole Role { get; init; }

    /// <summary>A challenger's traffic share in percent, taken from the champion's.</summary>
    /// <value>Default 10 (0 for a shadow).</value>
    [System.ComponentModel.DataAnnotations.Range(0, 99)]
    public int Weight { get; init; } = 10;
}

/// <summary>
/// Fine-tunes a registered version on new data: loads the base version, reads the labelled data (any reader, or a
/// group's decision log with <c>GroupLogReader</c>), splits it (the splitter's last fold; by default the latest 20% of
/// the rows is the holdout), continues or refits the base on the training part, scores base and result on the same
/// holdout (the result's metrics as they are, the base's as <c>base_NAME</c>), logs the importances, registers the result
/// as the next version of <see cref="ModelName"/> with lineage to the base (tags <c>base_model</c>, <c>base_version</c>,
/// <c>fine_tuning</c>) and the data, and can add it to a model group as a challenger or a shadow.
/// </summary>
public sealed record FineTuningJob : LabelledJob
{
    /// <summary>The kind name.</summary>
    public const string KindName = "FineTuningJob";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <summary>The base version: <c>name@alias</c>, <c>name/3</c>, <c>name/latest</c> or <c>name</c>.</summary>
    public required string BaseModel { get; init; }

    /// <summary>Continue the base (default) or refit its pipeline and learner.</summary>
    public FineTuningMode Mode { get; init; } = FineTuningMode.Continue;

    /// <summary>
    /// Parameters of the base's learner to change (snake_case names: <c>max_iter</c>, <c>learning_rate</c>): when continuing,
    /// <c>max_iter</c> (boosting) or <c>n_estimators</c> (forest) is how many trees are added.
    /// </summary>
    /// <value>Default <see langword="null"/>: the base's parameters as they are.</value>
    public IReadOnlyDictionary<string, object>? Parameters { get; init; }

    /// <summary>Another learner of the base's family and task (for instance to continue an imported XGBoost model with <c>GradientBoostingRegressor</c>), with <see cref="Parameters"/> applied to it.</summary>
    /// <value>Default <see langword="null"/>: the base's own learner.</value>
    public LearnerOptions? Model { get; init; }

    /// <summary>The training part and the holdout: the last fold is used.</summary>
    /// <value>Default: the latest 20% of the rows is the holdout.</value>
    public SplitterOptions Splitter { get; init; } = new TrainTestSplitOptions { TestSize = SplitSize.FromFraction(0.2) };

    /// <summary>The metrics scored on the holdout, for the base and the result.</summary>
    /// <value>Default: <c>rmse, mae, r2</c> or <c>roc_auc, log_loss, accuracy, brier</c>.</value>
    public IReadOnlyList<JobMetric>? Metrics { get; init; }

    /// <summary>The registered model the result becomes the next version of.</summary>
    /// <value>Default <see langword="null"/>: the base's model.</value>
    public string? ModelName { get; init; }

    /// <summary>A model group the result joins, as a challenger or a shadow.</summary>
    /// <value>Default <see langword="null"/>: none.</value>
    public FineTuningGroup? Group { get; init; }

    /// <inheritdoc />
    public override async Task<JobResult> RunAsync(JobContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (baseVersion, baseModel) = await context.LoadModelAsync(BaseModel).ConfigureAwait(false);
        var learner = Learner(baseModel);
        var (inputs, target) = await context.ReadLabelledAsync(Inputs, Targets, Target, baseModel.Task).ConfigureAwait(false);
        var missing = baseModel.Inputs.Select(i => i.Name).Where(name => !inputs.Contains(name)).ToList();
        if (missing.Count > 0)
        {
            throw new Datasets.DatasetException($"inputs: the base model {baseVersion.Model} version {baseVersion.Version} reads {string.Join(", ", missing)}, which the inputs lack{Core.Text.NameSuggestions.Hint(missing[0], inputs.ColumnNames)}");
        }

        var fold = Core.Splitting.Splitter.Create(Splitter).Split(inputs.RowCount, [])[^1];
        var (trainInputs, trainTarget) = (inputs.Take(fold.Train.Span), target.Take(fold.Train.Span));
        var (testInputs, testTarget) = (inputs.Take(fold.Test.Span), target.Take(fold.Test.Span));
        context.Logger.LogInformation("fine-tuning {Model} version {Version} ({Mode}): {Train} training rows, {Test} holdout rows", baseVersion.Model, baseVersion.Version, Mode.ToString().ToLowerInvariant(), fold.Train.Length, fold.Test.Length);

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["base_model"] = baseVersion.Model,
            ["base_version"] = baseVersion.Version.ToString(CultureInfo.InvariantCulture),
            ["mode"] = Mode.ToString().ToLowerInvariant(),
            ["model"] = learner.Kind,
            ["splitter"] = Splitter.Kind,
            ["train_rows"] = fold.Train.Length.ToString(CultureInfo.InvariantCulture),
            ["test_rows"] = fold.Test.Length.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var parameter in learner.ParameterNames)
        {
            parameters[$"model.{parameter}"] = Core.Search.ParameterSet.Format(learner.GetParameter(parameter));
        }

        await context.Store.LogParametersAsync(context.RunId, parameters, context.CancellationToken).ConfigureAwait(false);
        Model tuned;
        using (var step = context.Progress.Start($"{(Mode == FineTuningMode.Continue ? "Continuing" : "Refitting")} {baseVersion.Model} v{baseVersion.Version} on {fold.Train.Length:N0} rows", 100))
        {
            var fraction = JobProgress.Fraction(step, 100);
            tuned = await Task.Run(
                () =>
                {
                    if (Mode == FineTuningMode.Continue)
                    {
                        return baseModel.Continue(trainInputs, trainTarget, learner, fraction, context.CancellationToken);
                    }

                    var refit = new Model(baseModel.Steps, learner);
                    refit.Fit(trainInputs, trainTarget, fraction, context.CancellationToken);
                    return refit;
                },
                context.CancellationToken).ConfigureAwait(false);
            step.Complete();
        }

        var metrics = Metrics ?? DefaultMetrics.All(baseModel.Task);
        var scores = Scores.Compute(tuned, metrics, testInputs, testTarget, context.CancellationToken);
        var baseScores = Scores.Compute(baseModel, metrics, testInputs, testTarget, context.CancellationToken);
        var now = context.Time.GetUtcNow();
        await context.Store.LogMetricsAsync(
            context.RunId,
            [.. scores.Select(s => new MetricPoint(s.Key, s.Value, 0, now)), .. baseScores.Select(s => new MetricPoint("base_" + s.Key, s.Value, 0, now))],
            context.CancellationToken).ConfigureAwait(false);
        foreach (var (metric, value) in scores)
        {
            context.Logger.LogInformation("holdout {Metric}: base {Base}, fine-tuned {Value}", metric, baseScores[metric], value);
        }

        await ModelImportances.LogAsync(context, tuned, testInputs).ConfigureAwait(false);
        var name = ModelName ?? baseVersion.Model;
        var version = await context.Store.RegisterAsync(
            new ModelRegistration(name, tuned, context.RunId)
            {
                Description = $"{baseVersion.Model} v{baseVersion.Version} fine-tuned ({Mode.ToString().ToLowerInvariant()}) on {fold.Train.Length} rows",
                Metrics = scores,
                Tags = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["base_model"] = baseVersion.Model,
                    ["base_version"] = baseVersion.Version.ToString(CultureInfo.InvariantCulture),
                    ["fine_tuning"] = Mode.ToString().ToLowerInvariant(),
                },
            },
            context.CancellationToken).ConfigureAwait(false);
        await context.Store.SetRunTagsAsync(context.RunId, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["base_model"] = baseVersion.Model,
            ["base_version"] = baseVersion.Version.ToString(CultureInfo.InvariantCulture),
        }, context.CancellationToken).ConfigureAwait(false);

        if (Group is { } group)
        {
            await JoinGroupAsync(context, group, version).ConfigureAwait(false);
        }

        return new FineTuningResult
        {
            ModelName = version.Model,
            Version = version.Version,
            BaseModel = baseVersion.Model,
            BaseVersion = baseVersion.Version,
            Mode = Mode,
            Metrics = scores,
            BaseMetrics = baseScores,
            TrainRows = fold.Train.Length,
            TestRows = fold.Test.Length,
            Group = Group?.Name,
        };
    }

    // The base's learner (or the configured one) with the parameters changed; a wrong name or value names the config path.
    private LearnerOptions Learner(Model baseModel)
    {
        var learner = Model ?? baseModel.Learner;
        foreach (var (name, value) in Parameters ?? new Dictionary<string, object>())
        {
            try
            {
                learner = learner.WithParameter(name, value);
            }
            catch (ArgumentException error)
            {
                throw new ConfigException(new ConfigProblem("config", 0, $"job.parameters.{name}", $"{learner.Kind}: {error.Message}"));
            }
        }

        return learner;
    }

    private static async Task JoinGroupAsync(JobContext context, FineTuningGroup group, ModelVersion version)
    {
        var current = await context.Store.Groups.GetGroupAsync(group.Name, context.CancellationToken).ConfigureAwait(false);
        var members = current.Members.ToList();
        var weight = group.Role == GroupRole.Challenger ? group.Weight : 0;
        if (group.Role == GroupRole.Challenger)
        {
            var champion = members.Single(m => m.Role == GroupRole.Champion);
            if (champion.Weight - weight < 1)
            {
                throw new StoreException(
                    StoreErrorKind.Invalid,
                    string.Create(CultureInfo.InvariantCulture, $"group '{group.Name}': the champion has {champion.Weight}% of the traffic, so a challenger cannot take {weight}% of it; give it less (job.group.weight)"));
            }

            members[members.IndexOf(champion)] = champion with { Weight = champion.Weight - weight };
        }

        members.Add(new GroupMember(version.Model, version.Version, group.Role, weight));
        await context.Store.Groups.SetMembersAsync(group.Name, members, $"{KindName} run {context.RunId}", context.CancellationToken).ConfigureAwait(false);
        context.Logger.LogInformation("{Model} version {Version} joined group {Group} as {Role} ({Weight}% of the traffic)", version.Model, version.Version, group.Name, group.Role.ToName(), weight);
    }
}

/// <summary>What a <see cref="FineTuningJob"/> registered.</summary>
public sealed record FineTuningResult : JobResult
{
    /// <summary>The registered model.</summary>
    public required string ModelName { get; init; }

    /// <summary>The new version.</summary>
    public required int Version { get; init; }

    /// <summary>The base model.</summary>
    public required string BaseModel { get; init; }

    /// <summary>The base version.</summary>
    public required int BaseVersion { get; init; }

    /// <summary>Continued or refitted.</summary>
    public required FineTuningMode Mode { get; init; }

    /// <summary>The new version's metrics on the holdout.</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    /// <summary>The base version's metrics on the same holdout.</summary>
    public required IReadOnlyDictionary<string, double> BaseMetrics { get; init; }

    /// <summary>Training rows.</summary>
    public required int TrainRows { get; init; }

    /// <summary>Holdout rows.</summary>
    public required int TestRows { get; init; }

    /// <summary>The group it joined, or <see langword="null"/>.</summary>
    public string? Group { get; init; }

    /// <inheritdoc/>
    public override string Summary => string.Create(
        CultureInfo.InvariantCulture,
        $"registered {ModelName} version {Version} ({Mode.ToString().ToLowerInvariant()} of {BaseModel} v{BaseVersion}); holdout {string.Join(", ", Metrics.Select(m => $"{m.Key} {m.Value:G6} (base {BaseMetrics[m.Key]:G6})"))}{(Group is null ? string.Empty : $"; joined group {Group}")}");
}
