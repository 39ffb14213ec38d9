using System.Runtime.CompilerServices;
using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Core.Learning;
using ModelOps.Core.Models;

namespace ModelOps.Hub.Scoring;

/// <summary>
/// One prepared SHAP explainer per loaded model (<see cref="ShapExplainer.Prepare(Model, ShapLevel, long)"/>):
/// the per-tree work is done once, on the model's first explained request, and kept as long as the
/// model object lives (the model cache keeps one per registry version). Prepared explainers are
/// immutable and thread-safe, so concurrent requests explain at once, without queueing.
/// </summary>
internal sealed class ShapExplainers
{
    private readonly ConditionalWeakTable<Model, PreparedShapExplainer> _prepared = [];

    /// <summary>Exact input-level SHAP values of <paramref name="frame"/>'s rows under <paramref name="model"/>.</summary>
    public ShapValues Explain(Model model, Frame frame) => Prepared(model).Explain(frame);

    /// <summary>
    /// Exact input-level SHAP values of rows already transformed by <paramref name="model"/>'s pipeline,
    /// on the calling thread (a request's few rows are not worth a hand-off to other cores).
    /// </summary>
    public ShapValues Explain(Model model, FeatureMatrix features) => Prepared(model).Explain(features, maxDegreeOfParallelism: 1);

    private PreparedShapExplainer Prepared(Model model) => _prepared.GetValue(model, static m => ShapExplainer.Prepare(m));
}
