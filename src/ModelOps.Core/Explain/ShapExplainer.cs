using ModelOps.Core.Data;
using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Linear;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Learning;
using ModelOps.Core.Models;

namespace ModelOps.Core.Explain;

/// <summary>
/// Exact SHAP values in the raw output space (regression values; log-odds for boosting and
/// logistic models; probabilities for forest classifiers): path-dependent TreeSHAP for tree
/// ensembles (summed for boosting, averaged for forests) and linear SHAP for linear models.
/// </summary>
public static class ShapExplainer
{
    private const int Block = 64;

    /// <summary>Explains <paramref name="model"/>'s predictions on <paramref name="inputs"/>.</summary>
    /// <param name="model">A fitted model.</param>
    /// <param name="inputs">The rows to explain (checked against the model's signature).</param>
    /// <param name="level">Input columns (default; one-hot parts summed) or model features.</param>
    /// <exception cref="InvalidOperationException">The model is not fitted.</exception>
    public static ShapValues Explain(Model model, Frame inputs, ShapLevel level = ShapLevel.Input)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Pipeline is not { } pipeline || model.Predictor is not { } predictor)
        {
            throw new InvalidOperationException($"The {model.Kind} model is not fitted; call Fit first.");
        }

        var features = pipeline.Transform(inputs);
        var byFeature = Explain(predictor, features);
        return level == ShapLevel.Feature ? byFeature : SumToInputs(byFeature, pipeline.Inputs, pipeline.FeatureSources);
    }

    /// <summary>Explains a predictor on a feature matrix (feature-level values), in parallel over blocks of rows.</summary>
    public static ShapValues Explain(Predictor predictor, FeatureMatrix features)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(features);
        if (features.Columns != predictor.FeatureCount)
        {
            throw new ArgumentException($"The model needs {predictor.FeatureCount} features but the matrix has {features.Columns}.", nameof(features));
        }

        var p = features.Columns;
        var values = new double[features.Rows * p];
        double baseValue;
        switch (predictor)
        {
            case TreeEnsemble ensemble:
                var explainers = new TreeShap[ensemble.Trees.Count];
                var pathLength = 1;
                var expected = 0.0;
                for (var t = 0; t < explainers.Length; t++)
                {
                    explainers[t] = new TreeShap(ensemble.Trees[t]);
                    pathLength = Math.Max(pathLength, explainers[t].PathLength);
                    expected += explainers[t].ExpectedValue;
                }

                var scale = ensemble.Averaged && explainers.Length > 0 ? 1.0 / explainers.Length : 1.0;
                baseValue = ensemble.BaseScore + (ensemble.Averaged && explainers.Length > 0 ? expected / explainers.Length : expected);
                var blocks = (features.Rows + Block - 1) / Block;
                Parallel.For(0, blocks, () => new PathElement[pathLength], (b, _, path) =>
                {
                    var end = Math.Min(features.Rows, (b + 1) * Block);
                    for (var r = b * Block; r < end; r++)
                    {
                        var row = features.Row(r);
                        var phi = values.AsSpan(r * p, p);
                        foreach (var explainer in explainers)
                        {
                            explainer.Explain(row, phi, path, scale);
                        }
                    }

                    return path;
                }, _ => { });
                break;
            case LinearPredictor linear:
                var coefficients = linear.Coefficients;
                var means = linear.FeatureMeans;
                baseValue = linear.Intercept;
                for (var j = 0; j < p; j++)
                {
                    baseValue += coefficients[j] * means[j];
                }

                for (var r = 0; r < features.Rows; r++)
                {
                    var row = features.Row(r);
                    for (var j = 0; j < p; j++)
                    {
                        values[(r * p) + j] = coefficients[j] * (row[j] - means[j]);
                    }
                }

                break;
            default:
                throw new NotSupportedException($"No SHAP explainer for {predictor.GetType().Name}.");
        }

        return new ShapValues(values, features.Rows, features.Names, baseValue);
    }

    /// <summary>Sums feature-level values into the input columns they come from.</summary>
    private static ShapValues SumToInputs(ShapValues byFeature, IReadOnlyList<Features.InputColumn> inputs, IReadOnlyList<int> sources)
    {
        var q = inputs.Count;
        var p = byFeature.Names.Count;
        var values = new double[byFeature.Rows * q];
        for (var r = 0; r < byFeature.Rows; r++)
        {
            var row = byFeature.Row(r);
            var target = values.AsSpan(r * q, q);
            for (var j = 0; j < p; j++)
            {
                target[sources[j]] += row[j];
            }
        }

        var names = new string[q];
        for (var i = 0; i < q; i++)
        {
            names[i] = inputs[i].Name;
        }

        return new ShapValues(values, byFeature.Rows, names, byFeature.BaseValue);
    }
}
