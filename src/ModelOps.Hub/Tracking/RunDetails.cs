using ModelOps.Store;
using ModelOps.Store.Tracking;

namespace ModelOps.Hub.Tracking;

/// <summary>
/// Runs as their pages show them, from the data of the API's run endpoints (<c>GET /api/runs/{id}</c> and
/// <c>GET /api/runs/{id}/metrics/{key}/history</c>): one run with the history of each metric logged at more than one
/// step, and 2 to 5 runs side by side.
/// </summary>
internal sealed class RunDetails(IModelStore store)
{
    /// <summary>The most runs one comparison shows.</summary>
    public const int MaxCompared = 5;

    /// <summary>Run <paramref name="runId"/> with the histories of its stepped metrics.</summary>
    /// <exception cref="StoreException">(<see cref="StoreErrorKind.NotFound"/>) No such run.</exception>
    public async Task<RunView> GetAsync(string runId, CancellationToken cancellationToken)
    {
        var run = await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        var histories = new SortedDictionary<string, IReadOnlyList<MetricPoint>>(StringComparer.Ordinal);
        foreach (var metric in run.Metrics.Where(m => m.Step > 0))
        {
            histories[metric.Key] = await store.GetMetricHistoryAsync(runId, metric.Key, cancellationToken).ConfigureAwait(false);
        }

        return new RunView(run, histories);
    }

    /// <summary>Runs <paramref name="runIds"/> side by side: every parameter and metric key of any of them.</summary>
    /// <exception cref="StoreException">Fewer than 2 or more than <see cref="MaxCompared"/> runs, a repeated one (<see cref="StoreErrorKind.Invalid"/>), or one that does not exist (<see cref="StoreErrorKind.NotFound"/>).</exception>
    public async Task<RunComparison> CompareAsync(IReadOnlyList<string> runIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        if (runIds.Count is < 2 or > MaxCompared || runIds.Distinct(StringComparer.Ordinal).Count() != runIds.Count)
        {
            throw new StoreException(StoreErrorKind.Invalid, $"compare: pick 2 to {MaxCompared} different runs, not {runIds.Count}{(runIds.Distinct(StringComparer.Ordinal).Count() != runIds.Count ? " with a repeated one" : string.Empty)}");
        }

        var runs = new List<RunView>(runIds.Count);
        foreach (var id in runIds)
        {
            runs.Add(await GetAsync(id, cancellationToken).ConfigureAwait(false));
        }

        var parameters = runs.SelectMany(r => r.Run.Parameters.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var metrics = runs.SelectMany(r => r.Run.Metrics.Select(m => m.Key)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var differing = parameters.Where(p => runs.Select(r => r.Run.Parameters.GetValueOrDefault(p)).Distinct(StringComparer.Ordinal).Count() > 1).ToHashSet(StringComparer.Ordinal);
        return new RunComparison(runs, parameters, differing, metrics);
    }
}

/// <summary>A run and the histories of its metrics logged at more than one step.</summary>
/// <param name="Run">The run: tags, parameters, latest metrics, lineage, artifacts, error.</param>
/// <param name="Histories">Each stepped metric's values by step.</param>
public sealed record RunView(Run Run, IReadOnlyDictionary<string, IReadOnlyList<MetricPoint>> Histories);

/// <summary>Runs side by side.</summary>
/// <param name="Runs">The runs, in the order asked.</param>
/// <param name="Parameters">Every parameter key of any of them.</param>
/// <param name="DifferingParameters">The keys whose values are not the same in all of them (a missing one counts as different).</param>
/// <param name="Metrics">Every metric key of any of them.</param>
public sealed record RunComparison(IReadOnlyList<RunView> Runs, IReadOnlyList<string> Parameters, IReadOnlySet<string> DifferingParameters, IReadOnlyList<string> Metrics);
