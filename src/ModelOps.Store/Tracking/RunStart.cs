namespace ModelOps.Store.Tracking;

/// <summary>What a run is started with; every property is optional.</summary>
public sealed record RunStart
{
    /// <summary>A readable name.</summary>
    /// <value>Default: <see langword="null"/>, the run gets the name <c>run-</c> followed by the first 8 characters of its id.</value>
    public string? Name { get; init; }

    /// <summary>What the run is for.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? Description { get; init; }

    /// <summary>Tags to set at start (for example the job kind and config file).</summary>
    /// <value>Default: none.</value>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}
