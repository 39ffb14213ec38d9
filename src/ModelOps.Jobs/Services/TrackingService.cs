using ModelOps.Store;

namespace ModelOps.Jobs.Services;

/// <summary>
/// <c>tracking_service:</c> in a job config: the store that records the job's runs and models,
/// opened (and migrated) when the job's services start. A job never runs without its store: a
/// store that cannot be opened fails the start with its <see cref="StoreException"/>.
/// </summary>
public sealed record TrackingService
{
    /// <summary>
    /// Where the store is: a SQLite file path (or <c>sqlite:</c> URL) or a <c>postgresql://</c> URL.
    /// When null: the CLI's <c>--database</c> (<see cref="JobServicesOptions.DatabaseOverride"/>), else
    /// <c>MODELOPS_DATABASE_URL</c>, else <c>.modelops/modelops.db</c> (see <see cref="StoreDefaults"/>).
    /// </summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? Database { get; init; }

    /// <summary>The experiment the job's runs are recorded in, created when it does not exist.</summary>
    /// <value>Default: <c>Default</c>.</value>
    public string Experiment { get; init; } = StoreDefaults.Experiment;

    /// <summary>
    /// Every problem with these options, one phrase each (for a config reader to prefix with its
    /// path); empty when valid.
    /// </summary>
    public IReadOnlyList<string> Validate() =>
        string.IsNullOrWhiteSpace(Experiment) ? ["experiment must not be empty"]
        : Database is { } database && database.Trim().Length == 0 ? ["database must not be empty (leave it out to use --database, MODELOPS_DATABASE_URL or .modelops/modelops.db)"]
        : [];
}
