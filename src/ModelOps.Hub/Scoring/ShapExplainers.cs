using System.Runtime.CompilerServices;
using ModelOps.Core.Explain;
using ModelOps.Core.Learning;
using ModelOps.Hub.Diagnostics;
using ModelOps.Store.Registry;

namespace ModelOps.Hub.Scoring;

/// <summary>
/// One <see cref="ShapBatcher"/> per loaded model, over the model's prepared explainer
/// (<see cref="LoadedModel.Explainer"/>: the per-tree work is done once, on the model's first explained
/// request, and kept as long as the loaded model lives; the model cache keeps one per registry version).
/// Prepared explainers are immutable and thread-safe; the rows of concurrent requests for one model
/// are explained together by its batcher.
/// </summary>
internal sealed class ShapExplainers(HubCounters counters)
{
    private readonly ConditionalWeakTable<LoadedModel, ShapBatcher> _batchers = [];

    /// <summary>
    /// Exact input-level SHAP values of rows already transformed by <paramref name="model"/>'s pipeline,
    /// explained with the rows of concurrent requests (see <see cref="ShapBatcher"/>).
    /// </summary>
    public Task<ShapValues> ExplainAsync(LoadedModel model, FeatureMatrix features) =>
        _batchers.GetValue(model, m => new ShapBatcher(m.Explainer, counters)).ExplainAsync(features);
}
