namespace ModelOps.Store.Registry;

/// <summary>A registered model: a name under which versions are registered.</summary>
/// <param name="Name">The unique name.</param>
/// <param name="Description">What it predicts, or <see langword="null"/>.</param>
/// <param name="Tags">Its tags, by key.</param>
/// <param name="CreatedAt">When it was created (UTC).</param>
/// <param name="UpdatedAt">When a version or alias last changed (UTC).</param>
/// <param name="LatestVersion">Its highest version, or <see langword="null"/> when it has none.</param>
/// <param name="Aliases">Its aliases and the versions they point at, by alias.</param>
public sealed record RegisteredModel(
    string Name,
    string? Description,
    IReadOnlyDictionary<string, string> Tags,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int? LatestVersion,
    IReadOnlyDictionary<string, int> Aliases);
