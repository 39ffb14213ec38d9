namespace ModelOps.Store.Registry;

/// <summary>One registered version of a model.</summary>
/// <param name="Model">The model name.</param>
/// <param name="Version">The number: 1, 2, 3... per model, without gaps.</param>
/// <param name="RunId">The run that produced it, or <see langword="null"/> for an imported model.</param>
/// <param name="ArtifactUri">Where the model file is.</param>
/// <param name="Signature">The model signature (inputs and outputs) as JSON, or <see langword="null"/>.</param>
/// <param name="Status">Ready or archived.</param>
/// <param name="Description">What changed in this version, or <see langword="null"/>.</param>
/// <param name="CreatedAt">When it was registered (UTC).</param>
/// <param name="Tags">Its tags, by key.</param>
/// <param name="Aliases">The aliases that point at it, by name.</param>
public sealed record ModelVersion(
    string Model,
    int Version,
    string? RunId,
    string ArtifactUri,
    string? Signature,
    ModelVersionStatus Status,
    string? Description,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string> Aliases);

/// <summary>The state of a model version.</summary>
public enum ModelVersionStatus
{
    /// <summary>Registered and usable: <c>READY</c>.</summary>
    Ready,

    /// <summary>Kept for the record, not meant for new use: <c>ARCHIVED</c>.</summary>
    Archived,
}

/// <summary>The stored names of <see cref="ModelVersionStatus"/> values.</summary>
public static class ModelVersionStatusNames
{
    /// <summary><c>READY</c> or <c>ARCHIVED</c>.</summary>
    public static string ToName(this ModelVersionStatus status) => status switch
    {
        ModelVersionStatus.Ready => "READY",
        ModelVersionStatus.Archived => "ARCHIVED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown model version status."),
    };

    /// <summary>Parses a stored name.</summary>
    /// <exception cref="FormatException">Not a status name.</exception>
    public static ModelVersionStatus Parse(string name) => name switch
    {
        "READY" => ModelVersionStatus.Ready,
        "ARCHIVED" => ModelVersionStatus.Archived,
        _ => throw new FormatException($"'{name}' is not a model version status (READY, ARCHIVED)."),
    };
}
