using System.Runtime.CompilerServices;
using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Core.Learning;
using ModelOps.Core.Models;
using ModelOps.Hub.Logging;

namespace ModelOps.Hub.Scoring;

/// <summary>
/// One prepared SHAP explainer per loaded model (<see cref="ShapExplainer.Prepare(Model, ShapLevel, long)"/>):
/// the per-tree work is done once, on the model's first explained request, and kept as long as the
/// model object lives (the model cache keeps one per registry version). Prepared explainers are
/// immutable and thread-safe; the rows of concurrent requests for one model are explained together
/// by its <see cref="ShapBatcher"/>.
/// </summary>
internal sealed class ShapExplainers(HubCounters counters)
{
    private readonly ConditionalWeakTable<Model, ShapBatcher> _prepared = [];

    /// <summary>Exact input-level SHAP values of <paramref name="frame"/>'s rows under <paramref name="model"/>.</summary>
    public ShapValues Explain(Model model, Frame frame) => Prepared(model).Explainer.Explain(frame);

    /// <summary>
    /// Exact input-level SHAP values of rows already transformed by <paramref name="model"/>'s pipeline,
    /// explained with the rows of concurrent requests (see <see cref="ShapBatcher"/>).
    /// </summary>
    public Task<ShapValues> ExplainAsync(Model model, FeatureMatrix features) => Prepared(model).ExplainAsync(features);

    private ShapBatcher Prepared(Model model) => _prepared.GetValue(model, m => new ShapBatcher(ShapExplainer.Prepare(m), counters));
}
