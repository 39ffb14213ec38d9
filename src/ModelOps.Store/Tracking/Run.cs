using ModelOps.Store.Artifacts;

namespace ModelOps.Store.Tracking;

/// <summary>A run with everything logged for it.</summary>
/// <param name="Info">Identity, status, times and where it ran.</param>
/// <param name="Tags">Its tags, by key.</param>
/// <param name="Parameters">Its parameters, by key.</param>
/// <param name="Metrics">The latest value of each metric (highest step, then latest time), by key.</param>
/// <param name="Datasets">The data sets it read, in the order they were logged.</param>
/// <param name="Artifacts">Its artifacts, by path.</param>
public sealed record Run(
    RunInfo Info,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<MetricPoint> Metrics,
    IReadOnlyList<DatasetLineage> Datasets,
    IReadOnlyList<ArtifactRecord> Artifacts);
