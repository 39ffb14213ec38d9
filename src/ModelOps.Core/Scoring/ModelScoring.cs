using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Learning;
using ModelOps.Core.Models;

namespace ModelOps.Core.Scoring;

/// <summary>
/// The one way to score a fitted model: the rows are checked against the model's signature and
/// transformed by its pipeline once; the predictor's raw outputs, the predictions, the probabilities
/// and (when asked) the exact SHAP values are all computed from those feature rows. Jobs, the hub
/// and <see cref="Model.Predict"/> go through here, so the link function and the 0.5 threshold
/// are applied in one place.
/// </summary>
public static class ModelScoring
{
    /// <summary>A classifier predicts class 1 when the probability of class 1 is above this.</summary>
    public const double ClassificationThreshold = 0.5;

    /// <summary>Rows per block when predicting only: the block's feature rows stay in the core's cache.</summary>
    private const int PredictBlock = 512;

    /// <summary>Rows per block when explaining too: SHAP costs ~100 us a row, so small blocks spread over the cores.</summary>
    private const int ExplainBlock = 64;

    /// <summary>
    /// Scores <paramref name="inputs"/> block by block on the cores (the whole feature matrix is never built):
    /// raw outputs, predictions, probabilities (classifiers) and SHAP values (when <paramref name="options"/> asks).
    /// </summary>
    /// <param name="model">A fitted model.</param>
    /// <param name="inputs">The rows, with the model's input columns (checked and coerced against its signature).</param>
    /// <param name="options">What to compute besides predictions. Default: <see cref="ScoringOptions.PredictionsOnly"/>.</param>
    /// <exception cref="InvalidOperationException">The model is not fitted.</exception>
    /// <exception cref="Schemas.SchemaException">An input column is missing or has values that do not convert to its type.</exception>
    /// <exception cref="ArgumentException">The given explainer was prepared for a model with another number of features.</exception>
    /// <exception cref="OperationCanceledException">The options' <see cref="ScoringOptions.CancellationToken"/> was cancelled.</exception>
    public static ModelScores Score(Model model, Frame inputs, ScoringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= ScoringOptions.PredictionsOnly;
        var explainer = options.Explainer
            ?? (options.Explain is { } level ? ShapExplainer.Prepare(model, level, ShapExplainer.OneShotTableBudgetBytes, TreeShapMethod.Auto) : null);
        var (raw, shap) = RawOutputs(model, inputs, explainer, options.MaxDegreeOfParallelism, options.CancellationToken);
        return Outputs(model, raw, shap);
    }

    /// <summary>
    /// Scores <paramref name="inputs"/> for a server: transforms them once into feature rows, predicts,
    /// and hands the same feature rows to <paramref name="explain"/> (e.g. a batcher that explains the
    /// rows of concurrent requests together with a prepared explainer).
    /// </summary>
    /// <param name="model">A fitted model.</param>
    /// <param name="inputs">The rows, with the model's input columns.</param>
    /// <param name="explain">Computes the SHAP values of the feature rows, or <see langword="null"/> for none.</param>
    /// <exception cref="InvalidOperationException">The model is not fitted.</exception>
    /// <exception cref="Schemas.SchemaException">An input column is missing or has values that do not convert to its type.</exception>
    public static async Task<ModelScores> ScoreAsync(Model model, Frame inputs, Func<FeatureMatrix, Task<ShapValues>>? explain)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        var (pipeline, predictor) = Fitted(model);
        var features = pipeline.Transform(inputs);
        var raw = new double[features.Rows];
        predictor.PredictRaw(features, raw);
        var scores = Outputs(model, raw, null);
        return explain is null ? scores : scores.WithShap(await explain(features).ConfigureAwait(false));
    }

    /// <summary>
    /// The raw outputs of <paramref name="inputs"/> and, with an <paramref name="explainer"/>, their SHAP values,
    /// block by block: each block's feature rows are written once into a buffer of the thread, then
    /// predicted and explained while they are in its cache.
    /// </summary>
    internal static (double[] Raw, ShapValues? Shap) RawOutputs(Model model, Frame inputs, PreparedShapExplainer? explainer, int? maxDegreeOfParallelism, CancellationToken cancellationToken = default)
    {
        var (pipeline, predictor) = Fitted(model);
        if (explainer is not null && explainer.FeatureCount != predictor.FeatureCount)
        {
            throw new ArgumentException($"The explainer was prepared for a model of {explainer.FeatureCount} features, but the {model.Kind} model has {predictor.FeatureCount}.", nameof(explainer));
        }

        var rows = pipeline.Rows(inputs);
        var raw = new double[rows.Count];
        var width = explainer?.Names.Count ?? 0;
        var values = explainer is null ? null : new double[rows.Count * width];
        var stride = pipeline.FeatureNames.Count;
        var block = explainer is null ? PredictBlock : ExplainBlock;
        var blocks = (rows.Count + block - 1) / block;
        void Score(int b, double[]? buffer)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = b * block;
            var count = Math.Min(rows.Count, start + block) - start;
            var features = buffer is not null && buffer.Length == count * stride ? buffer : new double[count * stride];
            rows.Write(start, start + count, features);
            predictor.PredictRawSequential(new FeatureMatrix(features, count, pipeline.FeatureNames), raw.AsSpan(start, count));
            explainer?.ExplainInto(features, count, values.AsSpan(start * width, count * width));
        }

        if (blocks <= 1 || maxDegreeOfParallelism == 1)
        {
            var buffer = blocks > 1 ? new double[block * stride] : null;
            for (var b = 0; b < blocks; b++)
            {
                Score(b, buffer);
            }
        }
        else
        {
            Parallel.For(
                0,
                blocks,
                new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism ?? -1, CancellationToken = cancellationToken },
                () => new double[block * stride],
                (b, _, buffer) =>
                {
                    Score(b, buffer);
                    return buffer;
                },
                _ => { });
        }

        return (raw, explainer is null ? null : new ShapValues(values!, rows.Count, explainer.Names, explainer.BaseValue));
    }

    /// <summary>Predictions and probabilities from raw outputs: the link and the threshold, applied here and nowhere else.</summary>
    private static ModelScores Outputs(Model model, double[] raw, ShapValues? shap)
    {
        if (model.Task == ModelTask.Regression)
        {
            return new ModelScores(model.Task, raw, raw, null, shap);
        }

        var link = model.Predictor!.Link;
        var probabilities = new double[raw.Length];
        var predictions = new double[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            var probability = Predictor.ApplyLink(link, raw[i]);
            probabilities[i] = probability;
            predictions[i] = probability > ClassificationThreshold ? 1 : 0;
        }

        return new ModelScores(model.Task, raw, predictions, probabilities, shap);
    }

    private static (FeaturePipeline Pipeline, Predictor Predictor) Fitted(Model model) =>
        model.Pipeline is { } pipeline && model.Predictor is { } predictor
            ? (pipeline, predictor)
            : throw new InvalidOperationException($"The {model.Kind} model is not fitted; call Fit first.");
}
