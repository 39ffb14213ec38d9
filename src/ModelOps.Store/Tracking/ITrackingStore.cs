using ModelOps.Store.Artifacts;

namespace ModelOps.Store.Tracking;

/// <summary>
/// Records what every job did: experiments, runs with their parameters, metrics, tags, dataset
/// lineage and artifacts. Unknown names fail with a <see cref="StoreException"/> of kind
/// <see cref="StoreErrorKind.NotFound"/> that lists what exists.
/// </summary>
public interface ITrackingStore
{
    /// <summary>The experiment named <paramref name="name"/>, created when it does not exist yet.</summary>
    Task<Experiment> GetOrCreateExperimentAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The experiment named <paramref name="name"/>.</summary>
    /// <exception cref="StoreException">No such experiment (<see cref="StoreErrorKind.NotFound"/>).</exception>
    Task<Experiment> GetExperimentAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every experiment, by name.</summary>
    Task<IReadOnlyList<Experiment>> ListExperimentsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a run (status <see cref="RunStatus.Running"/>) in <paramref name="experiment"/>, which is
    /// created on first use, and records the host, user and versions it runs with.
    /// </summary>
    Task<RunInfo> StartRunAsync(string experiment, RunStart? start = null, CancellationToken cancellationToken = default);

    /// <summary>Ends a running run with <paramref name="status"/> (<see cref="RunStatus.Finished"/> or <see cref="RunStatus.Failed"/>) at the current time.</summary>
    /// <exception cref="StoreException">No such run, or it has already ended.</exception>
    Task<RunInfo> EndRunAsync(string runId, RunStatus status, CancellationToken cancellationToken = default);

    /// <summary>Ends a running run <see cref="RunStatus.Failed"/> at the current time and records <paramref name="error"/> with it.</summary>
    /// <exception cref="StoreException">No such run, or it has already ended.</exception>
    Task<RunInfo> FailRunAsync(string runId, RunError error, CancellationToken cancellationToken = default);

    /// <summary>The run <paramref name="runId"/> with its tags, parameters, latest metrics, datasets and artifacts.</summary>
    /// <exception cref="StoreException">No such run (<see cref="StoreErrorKind.NotFound"/>).</exception>
    Task<Run> GetRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Runs, newest first; of one experiment when <paramref name="experiment"/> is given.</summary>
    /// <exception cref="StoreException">No such experiment.</exception>
    Task<IReadOnlyList<RunInfo>> ListRunsAsync(string? experiment = null, CancellationToken cancellationToken = default);

    /// <summary>One page of the runs that match <paramref name="search"/>, in its order, each with its tags, parameters and latest metrics.</summary>
    /// <exception cref="StoreException">The experiment does not exist (<see cref="StoreErrorKind.NotFound"/>), or the filter, the order or the page is invalid (<see cref="StoreErrorKind.Invalid"/>, naming what is wrong).</exception>
    Task<RunSearchPage> SearchRunsAsync(RunSearch search, CancellationToken cancellationToken = default);

    /// <summary>Sets tags of a run; an existing key gets the new value.</summary>
    Task SetRunTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken = default);

    /// <summary>
    /// Logs parameters of a run in one transaction. Parameters are write-once: logging a key again
    /// with the same value is accepted, with another value it is a <see cref="StoreErrorKind.Conflict"/>.
    /// </summary>
    Task LogParametersAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken = default);

    /// <summary>Logs a batch of metric values in one transaction (the fast path: thousands per call).</summary>
    Task LogMetricsAsync(string runId, IReadOnlyList<MetricPoint> metrics, CancellationToken cancellationToken = default);

    /// <summary>Logs one metric value at <paramref name="step"/>, stamped with the current time.</summary>
    Task LogMetricAsync(string runId, string key, double value, long step = 0, CancellationToken cancellationToken = default);

    /// <summary>Every value logged for metric <paramref name="key"/> of a run, by step then time.</summary>
    /// <exception cref="StoreException">No such run, or the run has no such metric.</exception>
    Task<IReadOnlyList<MetricPoint>> GetMetricHistoryAsync(string runId, string key, CancellationToken cancellationToken = default);

    /// <summary>Records that a run read a data set (lineage).</summary>
    Task LogDatasetAsync(string runId, DatasetLineage dataset, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="content"/> as artifact <paramref name="path"/> of a run (a relative path
    /// such as <c>model.json</c> or <c>plots/roc.json</c>) and records its size and sha256.
    /// Logging the same path again replaces it.
    /// </summary>
    Task<ArtifactRecord> LogArtifactAsync(string runId, string path, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Opens artifact <paramref name="path"/> of a run for reading.</summary>
    /// <exception cref="StoreException">No such run or artifact.</exception>
    Task<Stream> OpenArtifactAsync(string runId, string path, CancellationToken cancellationToken = default);
}
