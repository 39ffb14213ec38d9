using System.Globalization;
using Microsoft.Extensions.Logging;
using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Core.Scoring;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Datasets;

namespace ModelOps.Jobs.Jobs;

/// <summary>
/// Explains a registered model on sample rows: writes the model-level explanations (one row per
/// feature and kind of importance: <c>feature, importance, kind</c>, with mean |SHAP|, gain and split
/// count shares for trees or |coefficient| for linear models) and the per-sample SHAP values (one
/// column per input column — per feature with <c>level: Feature</c> — plus <c>base_value</c>).
/// Limit the sample with the reader's <c>limit</c>.
/// </summary>
public sealed record ExplanationsJob : Job
{
    /// <summary>The kind name.</summary>
    public const string KindName = "ExplanationsJob";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <summary>The model: <c>name@alias</c>, <c>name/version</c> or <c>name</c> for the latest version.</summary>
    [ModelReference]
    public required string Model { get; init; }

    /// <summary>The sample rows to explain.</summary>
    public required DatasetReader Inputs { get; init; }

    /// <summary>Where the model-level explanations go.</summary>
    public required DatasetWriter ModelsExplanations { get; init; }

    /// <summary>Where the per-sample SHAP values go.</summary>
    public required DatasetWriter SamplesExplanations { get; init; }

    /// <summary>Input columns (one-hot parts summed back) or pipeline features.</summary>
    public ShapLevel Level { get; init; } = ShapLevel.Input;

    /// <inheritdoc />
    public override async Task<JobResult> RunAsync(JobContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (version, model) = await context.LoadModelAsync(Model).ConfigureAwait(false);
        var inputs = await context.ReadAsync("inputs", Inputs).ConfigureAwait(false);
        IReadOnlyList<FeatureImportance> importances;
        ShapValues shap;
        using (var step = context.Progress.Start($"Explaining {version.Model} v{version.Version} on {inputs.RowCount:N0} rows", 2))
        {
            var options = new ScoringOptions { Explain = Level, CancellationToken = context.CancellationToken };
            shap = (await Task.Run(() => ModelScoring.Score(model, inputs, options), context.CancellationToken).ConfigureAwait(false)).Shap!;
            step.Advance(1);
            importances = FeatureImportances.Compute(model, shap, Level);
            step.Advance(1);
        }

        var modelTable = new Frame(
            new StringColumn("feature", [.. importances.Select(i => i.Feature)]),
            new Float64Column("importance", [.. importances.Select(i => i.Importance)]),
            new StringColumn("kind", [.. importances.Select(i => i.Kind)]));
        var samples = new Frame(ShapColumns.Of(shap, string.Empty));
        var modelsUri = await context.WriteAsync("models_explanations", ModelsExplanations, modelTable).ConfigureAwait(false);
        var samplesUri = await context.WriteAsync("samples_explanations", SamplesExplanations, samples).ConfigureAwait(false);
        var top = importances.Where(i => i.Kind == importances[0].Kind).OrderByDescending(i => i.Importance).Take(3).Select(i => i.Feature).ToList();
        context.Logger.LogInformation("top features by {Kind}: {Top}", importances.Count > 0 ? importances[0].Kind : "none", string.Join(", ", top));
        return new ExplanationsResult
        {
            ModelName = version.Model,
            Version = version.Version,
            Samples = samples.RowCount,
            Features = shap.Names.Count,
            TopFeatures = top,
            ModelsOutput = modelsUri,
            SamplesOutput = samplesUri,
        };
    }
}

/// <summary>What an <see cref="ExplanationsJob"/> wrote.</summary>
public sealed record ExplanationsResult : JobResult
{
    /// <summary>The model explained.</summary>
    public required string ModelName { get; init; }

    /// <summary>Its version.</summary>
    public required int Version { get; init; }

    /// <summary>Rows explained.</summary>
    public required int Samples { get; init; }

    /// <summary>Columns (or features) explained per row.</summary>
    public required int Features { get; init; }

    /// <summary>The three most important, by the first kind of importance.</summary>
    public required IReadOnlyList<string> TopFeatures { get; init; }

    /// <summary>Where the model-level explanations went.</summary>
    public required string ModelsOutput { get; init; }

    /// <summary>Where the per-sample SHAP values went.</summary>
    public required string SamplesOutput { get; init; }

    /// <inheritdoc />
    public override string Summary => string.Create(
        CultureInfo.InvariantCulture,
        $"explained {ModelName} version {Version} on {Samples} rows x {Features} columns (top: {string.Join(", ", TopFeatures)}) to {ModelsOutput} and {SamplesOutput}");
}
