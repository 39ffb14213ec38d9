namespace ModelOps.Store.Registry;

/// <summary>An alias of a model and the version it points at.</summary>
/// <param name="Model">The model name.</param>
/// <param name="Alias">The alias, such as <c>Champion</c>.</param>
/// <param name="Version">The version it points at.</param>
/// <param name="UpdatedAt">When it was last moved (UTC).</param>
public sealed record ModelAlias(string Model, string Alias, int Version, DateTimeOffset UpdatedAt);

/// <summary>One entry of the append-only alias history.</summary>
/// <param name="Sequence">Its position in the history of the whole registry: later moves have higher numbers.</param>
/// <param name="Model">The model name.</param>
/// <param name="Alias">The alias that moved.</param>
/// <param name="FromVersion">The version it pointed at before, or <see langword="null"/> when it was new.</param>
/// <param name="ToVersion">The version it points at after, or <see langword="null"/> when it was removed.</param>
/// <param name="Actor">Who moved it.</param>
/// <param name="Reason">Why, or <see langword="null"/>.</param>
/// <param name="ChangedAt">When (UTC).</param>
public sealed record AliasChange(
    long Sequence,
    string Model,
    string Alias,
    int? FromVersion,
    int? ToVersion,
    string Actor,
    string? Reason,
    DateTimeOffset ChangedAt);
