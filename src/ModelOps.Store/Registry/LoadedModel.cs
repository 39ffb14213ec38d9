using ModelOps.Core.Explain;
using ModelOps.Core.Models;

namespace ModelOps.Store.Registry;

/// <summary>
/// A registered version loaded into a ready model (<see cref="RegisteredModels.LoadAsync(IModelStore, string, CancellationToken)"/>):
/// the version as the registry knows it, its fitted model, and its SHAP explainer, prepared on first use
/// and kept for the life of this object. Fitted models and prepared explainers are read-only, so one
/// instance serves any number of threads.
/// </summary>
public sealed class LoadedModel
{
    private readonly Lazy<PreparedShapExplainer> _explainer;

    /// <summary>A loaded version.</summary>
    /// <param name="version">The registry's record of the version.</param>
    /// <param name="model">Its fitted model, read from the version's artifact.</param>
    public LoadedModel(ModelVersion version, Model model)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(model);
        Version = version;
        Model = model;
        _explainer = new Lazy<PreparedShapExplainer>(() => ShapExplainer.Prepare(model), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The registry's record of the version (name, number, artifact, signature, run).</summary>
    public ModelVersion Version { get; }

    /// <summary>The fitted model.</summary>
    public Model Model { get; }

    /// <summary>
    /// The model's input-level SHAP explainer (<see cref="ShapExplainer.Prepare(Model, ShapLevel, long)"/> with its defaults),
    /// prepared on the first call and kept: a caller that explains the model many times pays the per-tree work once.
    /// </summary>
    public PreparedShapExplainer Explainer => _explainer.Value;

    /// <summary>Whether <see cref="Explainer"/> has been prepared.</summary>
    public bool IsExplainerPrepared => _explainer.IsValueCreated;

    /// <summary>The version and the model, for <c>var (version, model) = loaded;</c>.</summary>
    public void Deconstruct(out ModelVersion version, out Model model)
    {
        version = Version;
        model = Model;
    }
}
