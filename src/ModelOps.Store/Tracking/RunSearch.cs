namespace ModelOps.Store.Tracking;

/// <summary>
/// A search of runs (<see cref="ITrackingStore.SearchRunsAsync"/>): of one experiment or all, narrowed by a
/// <see cref="RunFilter"/>, in an order, one page at a time.
/// </summary>
public sealed record RunSearch
{
    /// <summary>The most runs a page holds.</summary>
    public const int MaxLimit = 1000;

    /// <summary>The experiment whose runs to search.</summary>
    /// <value>Default <see langword="null"/>: every experiment.</value>
    public string? Experiment { get; init; }

    /// <summary>
    /// Conditions joined by <c>and</c>: <c>name ~ 'train'</c>, <c>status = 'FAILED'</c>, <c>params.model = 'GradientBoostingRegressor'</c>,
    /// <c>metrics.rmse &lt; 70</c>, <c>tags.model_version = '2'</c> (see <see cref="RunFilter"/>).
    /// </summary>
    /// <value>Default <see langword="null"/>: every run.</value>
    public string? Filter { get; init; }

    /// <summary>
    /// The order: <c>started</c>, <c>ended</c>, <c>name</c>, <c>status</c>, <c>metrics.KEY</c> or <c>params.KEY</c>, then <c>asc</c> or
    /// <c>desc</c> (runs without the metric or parameter come last either way; ties newest first).
    /// </summary>
    /// <value>Default <see langword="null"/>: <c>started desc</c>, newest first.</value>
    public string? OrderBy { get; init; }

    /// <summary>How many runs to skip (for later pages).</summary>
    public int Offset { get; init; }

    /// <summary>The most runs to return, 1 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = 50;
}

/// <summary>One page of a <see cref="RunSearch"/>.</summary>
/// <param name="Runs">The runs of the page, in order.</param>
/// <param name="Total">How many runs match the search in all.</param>
/// <param name="Offset">The search's offset.</param>
/// <param name="Limit">The search's limit.</param>
public sealed record RunSearchPage(IReadOnlyList<RunSummary> Runs, int Total, int Offset, int Limit);

/// <summary>A run as a table of runs shows it: its record, tags, parameters and the latest value of each metric.</summary>
/// <param name="Info">The run.</param>
/// <param name="Tags">Its tags, by key.</param>
/// <param name="Parameters">Its parameters, by key.</param>
/// <param name="Metrics">The latest value of each of its metrics (the highest step, then the latest), by key.</param>
public sealed record RunSummary(RunInfo Info, IReadOnlyDictionary<string, string> Tags, IReadOnlyDictionary<string, string> Parameters, IReadOnlyDictionary<string, double> Metrics);
