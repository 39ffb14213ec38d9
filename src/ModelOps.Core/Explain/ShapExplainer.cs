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
    /// <param name="predictor">A fitted predictor.</param>
    /// <param name="features">The feature rows.</param>
    /// <param name="maxDegreeOfParallelism">The most cores to use; default all.</param>
    public static ShapValues Explain(Predictor predictor, FeatureMatrix features, int? maxDegreeOfParallelism = null) =>
        Explain(predictor, features, TableBudget, maxDegreeOfParallelism ?? -1);

    /// <summary>As <see cref="Explain(Predictor, FeatureMatrix, int?)"/> with a budget of precomputed weights (0: Algorithm 2 only).</summary>
    internal static ShapValues Explain(Predictor predictor, FeatureMatrix features, long tableBudget, int maxDegreeOfParallelism = -1)
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
                baseValue = ExplainTrees(ensemble, features, values, tableBudget, maxDegreeOfParallelism);
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

    /// <summary>
    /// The most precomputed weights a fast explainer may hold for one ensemble (8 M doubles, 64 MB);
    /// trees beyond the budget, or with paths of more than 12 distinct features, use Algorithm 2.
    /// </summary>
    private const long TableBudget = 8L << 20;

    private static double ExplainTrees(TreeEnsemble ensemble, FeatureMatrix features, double[] values, long tableBudget, int maxDegreeOfParallelism)
    {
        var trees = ensemble.Trees;
        var fast = new FastTreeShap?[trees.Count];
        var slow = new TreeShap?[trees.Count];
        var budget = tableBudget;
        var pathLength = 1;
        var nodes = 1;
        var expected = 0.0;
        for (var t = 0; t < trees.Count; t++)
        {
            var exact = new TreeShap(trees[t]);
            expected += exact.ExpectedValue;
            nodes = Math.Max(nodes, trees[t].NodeCount);
            var size = FastTreeShap.TableSizeOf(trees[t]);
            if (size >= 0 && size <= budget)
            {
                fast[t] = FastTreeShap.Create(trees[t], exact.ExpectedValue);
                budget -= size;
            }
            else
            {
                slow[t] = exact;
                pathLength = Math.Max(pathLength, exact.PathLength);
            }
        }

        var count = trees.Count;
        var scale = ensemble.Averaged && count > 0 ? 1.0 / count : 1.0;
        var p = features.Columns;
        var blocks = (features.Rows + Block - 1) / Block;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, blocks, options, () => (new PathElement[pathLength], new bool[nodes]), (b, _, buffers) =>
        {
            var end = Math.Min(features.Rows, (b + 1) * Block);
            for (var r = b * Block; r < end; r++)
            {
                var row = features.Row(r);
                var phi = values.AsSpan(r * p, p);
                for (var t = 0; t < count; t++)
                {
                    if (fast[t] is { } table)
                    {
                        table.Explain(row, phi, buffers.Item2, scale);
                    }
                    else
                    {
                        slow[t]!.Explain(row, phi, buffers.Item1, scale);
                    }
                }
            }

            return buffers;
        }, _ => { });

        return ensemble.BaseScore + (ensemble.Averaged && count > 0 ? expected / count : expected);
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
