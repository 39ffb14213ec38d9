using ModelOps.Core.Data;
using ModelOps.Core.Learners;
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
    /// <summary>
    /// The default memory <see cref="Prepare(Model, ShapLevel, long)"/> may spend on precomputed
    /// tables: 256 MB, sized for a long-lived server. Tables are built only for the trees where the
    /// cost model finds them faster than Linear TreeSHAP.
    /// </summary>
    public const long DefaultTableBudgetBytes = 256L << 20;

    /// <summary>The table budget of the one-shot <see cref="Explain(Model, Frame, ShapLevel)"/> calls: 64 MB.</summary>
    internal const long OneShotTableBudgetBytes = 64L << 20;

    /// <summary>
    /// Does the per-model work of explaining once (per-tree tables or quadrature factors, the base
    /// value, the feature-to-input mapping) and returns an immutable, thread-safe explainer to keep,
    /// e.g. for the life of a model server.
    /// </summary>
    /// <param name="model">A fitted model.</param>
    /// <param name="level">Input columns (default; one-hot parts summed) or model features.</param>
    /// <param name="tableBudgetBytes">The most memory precomputed tables may take (default <see cref="DefaultTableBudgetBytes"/>; 0: none).</param>
    /// <exception cref="InvalidOperationException">The model is not fitted.</exception>
    public static PreparedShapExplainer Prepare(Model model, ShapLevel level = ShapLevel.Input, long tableBudgetBytes = DefaultTableBudgetBytes) =>
        Prepare(model, level, tableBudgetBytes, TreeShapMethod.Auto);

    /// <summary>Prepares an explainer of a bare predictor; its values are at the feature level.</summary>
    /// <param name="predictor">A fitted predictor.</param>
    /// <param name="tableBudgetBytes">The most memory precomputed tables may take (default <see cref="DefaultTableBudgetBytes"/>; 0: none).</param>
    public static PreparedShapExplainer Prepare(Predictor predictor, long tableBudgetBytes = DefaultTableBudgetBytes) =>
        new(predictor, null, ShapLevel.Feature, tableBudgetBytes, TreeShapMethod.Auto);

    /// <summary>Explains <paramref name="model"/>'s predictions on <paramref name="inputs"/> (prepares, then explains).</summary>
    /// <param name="model">A fitted model.</param>
    /// <param name="inputs">The rows to explain (checked against the model's signature).</param>
    /// <param name="level">Input columns (default; one-hot parts summed) or model features.</param>
    /// <exception cref="InvalidOperationException">The model is not fitted.</exception>
    public static ShapValues Explain(Model model, Frame inputs, ShapLevel level = ShapLevel.Input) =>
        Prepare(model, level, OneShotTableBudgetBytes, TreeShapMethod.Auto).Explain(inputs);

    /// <summary>Explains a predictor on a feature matrix (feature-level values), in parallel over blocks of rows.</summary>
    /// <param name="predictor">A fitted predictor.</param>
    /// <param name="features">The feature rows.</param>
    /// <param name="maxDegreeOfParallelism">The most cores to use; default all.</param>
    public static ShapValues Explain(Predictor predictor, FeatureMatrix features, int? maxDegreeOfParallelism = null) =>
        Explain(predictor, features, TreeShapMethod.Auto, maxDegreeOfParallelism);

    /// <summary>As <see cref="Explain(Predictor, FeatureMatrix, int?)"/> with a chosen method (for tests and benchmarks).</summary>
    internal static ShapValues Explain(Predictor predictor, FeatureMatrix features, TreeShapMethod method, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        return new PreparedShapExplainer(predictor, null, ShapLevel.Feature, OneShotTableBudgetBytes, method).Explain(features, maxDegreeOfParallelism);
    }

    /// <summary>Prepares with a chosen method (for tests and benchmarks).</summary>
    internal static PreparedShapExplainer Prepare(Model model, ShapLevel level, long tableBudgetBytes, TreeShapMethod method)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Pipeline is not { } pipeline || model.Predictor is not { } predictor)
        {
            throw new InvalidOperationException($"The {model.Kind} model is not fitted; call Fit first.");
        }

        return new PreparedShapExplainer(predictor, pipeline, level, tableBudgetBytes, method);
    }
}
