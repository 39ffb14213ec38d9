using ModelOps.Core.Models;

namespace ModelOps.Store.Registry;

/// <summary>What <see cref="RegisteredModels.RegisterAsync"/> registers: a fitted model as the next version of <see cref="Name"/>.</summary>
/// <param name="Name">The registered model's name; the model is created on first use.</param>
/// <param name="Model">The fitted model; its file becomes artifact <see cref="RegisteredModels.ArtifactPath"/> of <paramref name="RunId"/>.</param>
/// <param name="RunId">The run that produced it: the version's lineage (its parameters, metrics and datasets).</param>
public sealed record ModelRegistration(string Name, Model Model, string RunId)
{
    /// <summary>What this version is or changed.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? Description { get; init; }

    /// <summary>The version's metrics (e.g. scored on the test part), recorded as tags with round-trip precision.</summary>
    /// <value>Default: none.</value>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    /// <summary>Further tags of the version (a metric of the same name wins).</summary>
    /// <value>Default: none.</value>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}
