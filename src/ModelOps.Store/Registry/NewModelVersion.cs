namespace ModelOps.Store.Registry;

/// <summary>What <see cref="IModelRegistry.RegisterVersionAsync"/> registers.</summary>
/// <param name="Model">The model name; the model is created on first use.</param>
/// <param name="ArtifactUri">Where the model file is (usually an artifact of <see cref="RunId"/>).</param>
public sealed record NewModelVersion(string Model, string ArtifactUri)
{
    /// <summary>The run that produced the version.</summary>
    /// <value>Default: <see langword="null"/> (an imported model).</value>
    public string? RunId { get; init; }

    /// <summary>The model signature as JSON.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? Signature { get; init; }

    /// <summary>What changed in this version.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? Description { get; init; }

    /// <summary>Tags of the version.</summary>
    /// <value>Default: none.</value>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}
