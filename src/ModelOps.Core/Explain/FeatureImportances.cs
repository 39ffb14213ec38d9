using ModelOps.Core.Data;
using ModelOps.Core.Learners.Linear;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;

namespace ModelOps.Core.Explain;

/// <summary>One row of a model-level explanation.</summary>
/// <param name="Feature">The input column (or model feature) it is about.</param>
/// <param name="Importance">The importance; its unit depends on <paramref name="Kind"/>.</param>
/// <param name="Kind">
/// <c>mean_abs_shap</c> (mean absolute SHAP value over the sample, in raw-output units),
/// <c>gain</c> (share of the total split gain, trees), <c>split_count</c> (share of the splits, trees)
/// or <c>coefficient</c> (absolute coefficient on the model's features, linear models).
/// </param>
public sealed record FeatureImportance(string Feature, double Importance, string Kind);

/// <summary>Model-level explanations: which features matter, by several measures, as one table.</summary>
public static class FeatureImportances
{
    /// <summary>The importance kinds, in the order they appear.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["mean_abs_shap", "gain", "split_count", "coefficient"];

    /// <summary>
    /// Mean |SHAP| over <paramref name="sample"/>, then gain and split-count shares (trees) or
    /// absolute coefficients (linear models); each kind sorted by importance, largest first.
    /// </summary>
    public static IReadOnlyList<FeatureImportance> Compute(Model model, Frame sample, ShapLevel level = ShapLevel.Input)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sample);
        return Compute(model, ShapExplainer.Explain(model, sample, level), level);
    }

    /// <summary>
    /// As <see cref="Compute(Model, Frame, ShapLevel)"/> from SHAP values already computed on the sample
    /// (e.g. by <see cref="Scoring.ModelScoring.Score"/>), at <paramref name="level"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The SHAP values are not of <paramref name="level"/> for this model.</exception>
    public static IReadOnlyList<FeatureImportance> Compute(Model model, ShapValues shap, ShapLevel level)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(shap);
        var pipeline = model.Pipeline ?? throw new InvalidOperationException($"The {model.Kind} model is not fitted; call Fit first.");
        var expected = level == ShapLevel.Input ? pipeline.Inputs.Count : pipeline.FeatureNames.Count;
        if (shap.Names.Count != expected)
        {
            throw new ArgumentException($"The SHAP values have {shap.Names.Count} names, but the model has {expected} at the {level.ToString().ToLowerInvariant()} level.", nameof(shap));
        }

        var names = shap.Names;
        var result = new List<FeatureImportance>();

        var meanAbs = new double[names.Count];
        for (var r = 0; r < shap.Rows; r++)
        {
            var row = shap.Row(r);
            for (var j = 0; j < row.Length; j++)
            {
                meanAbs[j] += Math.Abs(row[j]);
            }
        }

        for (var j = 0; j < meanAbs.Length; j++)
        {
            meanAbs[j] = shap.Rows == 0 ? 0 : meanAbs[j] / shap.Rows;
        }

        Add(result, names, meanAbs, "mean_abs_shap");
        int Target(int feature) => level == ShapLevel.Input ? pipeline.FeatureSources[feature] : feature;

        switch (model.Predictor)
        {
            case TreeEnsemble ensemble:
                var gain = new double[names.Count];
                var splits = new double[names.Count];
                foreach (var tree in ensemble.Trees)
                {
                    for (var node = 0; node < tree.NodeCount; node++)
                    {
                        var feature = tree.Features[node];
                        if (feature >= 0)
                        {
                            gain[Target(feature)] += tree.Gains[node];
                            splits[Target(feature)] += 1;
                        }
                    }
                }

                Add(result, names, Shares(gain), "gain");
                Add(result, names, Shares(splits), "split_count");
                break;
            case LinearPredictor linear:
                var coefficients = new double[names.Count];
                for (var j = 0; j < linear.FeatureCount; j++)
                {
                    coefficients[Target(j)] += Math.Abs(linear.Coefficients[j]);
                }

                Add(result, names, coefficients, "coefficient");
                break;
        }

        return result;
    }

    private static double[] Shares(double[] values)
    {
        var total = 0.0;
        foreach (var v in values)
        {
            total += v;
        }

        var shares = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            shares[i] = total > 0 ? values[i] / total : 0;
        }

        return shares;
    }

    private static void Add(List<FeatureImportance> result, IReadOnlyList<string> names, double[] values, string kind)
    {
        var order = new int[values.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        // Largest first; ties keep feature order.
        Array.Sort(order, (a, b) => values[a] != values[b] ? values[b].CompareTo(values[a]) : a.CompareTo(b));
        foreach (var i in order)
        {
            result.Add(new FeatureImportance(names[i], values[i], kind));
        }
    }
}
