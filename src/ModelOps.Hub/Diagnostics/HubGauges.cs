using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using ModelOps.Hub.Routing;
using ModelOps.Hub.Workers;
using ModelOps.Store;
using ModelOps.Store.Queue;

namespace ModelOps.Hub.Diagnostics;

/// <summary>
/// The figures of the hub's state, read when they are collected, as observable gauges of the meter
/// <see cref="HubCounters.MeterName"/>: the routing table's revision and groups (the numbers <c>/health</c> shows), the
/// job queue's queued and running jobs (read from the store, at most once per <see cref="JobQueueCacheDuration"/>, so
/// several scrapers, or several hubs on one database, do not each query it at every scrape), and the hub's own workers'
/// slots and running jobs.
/// </summary>
internal sealed partial class HubGauges
{
    /// <summary>How long the job queue's figures are reused: well under Prometheus' usual 15 s scrape interval.</summary>
    public static readonly TimeSpan JobQueueCacheDuration = TimeSpan.FromSeconds(5);

    private readonly IModelStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<HubGauges> _logger;
    private readonly SemaphoreSlim _reading = new(1, 1);
    private PendingJobCounts? _jobs;
    private long _jobsReadAt;

    public HubGauges(IMeterFactory meterFactory, RoutingSnapshots snapshots, HubWorkers workers, IModelStore store, HubOptions options, ILogger<HubGauges> logger)
    {
        _store = store;
        _time = options.TimeProvider;
        _logger = logger;

        // The factory gives the meter HubCounters made (one meter per name): all the hub's series come from one meter.
        var meter = meterFactory.Create(HubCounters.MeterName);
        meter.CreateObservableGauge("modelops.routing.revision", () => snapshots.Current.Revision, unit: null, "The groups revision of the routing table this hub routes with.");
        meter.CreateObservableGauge("modelops.routing.groups", () => snapshots.Current.Groups.Count, "{group}", "Groups in the routing table.");
        meter.CreateObservableGauge("modelops.job_queue.jobs", ObserveJobs, "{job}", "Jobs of the queue by status: queued (waiting for a worker) and running (held by any worker's lease), read from the database.");
        meter.CreateObservableGauge("modelops.worker.slots", () => workers.Slots, "{slot}", "How many jobs this hub's own workers may run at once (modelops serve --workers).");
        meter.CreateObservableGauge("modelops.worker.running_jobs", () => workers.RunningJobs, "{job}", "Jobs this hub's own workers run now.");
    }

    /// <summary>Reads the job queue's figures from the store unless the last read is fresh; a failed read is logged and leaves no figures (the series are absent until a read succeeds).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (Fresh)
        {
            return;
        }

        await _reading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh)
            {
                return;
            }

            try
            {
                var jobs = await _store.Jobs.CountPendingJobsAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _jobsReadAt, _time.GetTimestamp());
                Volatile.Write(ref _jobs, jobs);
            }
            catch (StoreException error)
            {
                LogJobQueueUnavailable(_logger, error.Message);
                Volatile.Write(ref _jobs, null);
            }
        }
        finally
        {
            _reading.Release();
        }
    }

    private bool Fresh => Volatile.Read(ref _jobs) is not null && _time.GetElapsedTime(Volatile.Read(ref _jobsReadAt)) < JobQueueCacheDuration;

    private IEnumerable<Measurement<long>> ObserveJobs()
    {
        if (!Fresh)
        {
            // A collector other than /metrics (dotnet-counters, another exporter): it gets the last figures, and the
            // next collection fresh ones. /metrics awaits the read first (PrometheusExport).
            _ = RefreshInBackgroundAsync();
        }

        if (Volatile.Read(ref _jobs) is not { } jobs)
        {
            yield break;
        }

        yield return new Measurement<long>(jobs.Queued, new KeyValuePair<string, object?>("status", "queued"));
        yield return new Measurement<long>(jobs.Running, new KeyValuePair<string, object?>("status", "running"));
    }

    private async Task RefreshInBackgroundAsync()
    {
        try
        {
            await Task.Yield();
            await RefreshAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception error) when (error is ObjectDisposedException or InvalidOperationException)
        {
            // The store closed while the hub stops.
        }
    }

    [LoggerMessage(EventId = 50, Level = LogLevel.Warning, Message = "Reading the job queue's figures for the metrics failed: {Reason}; they are left out until a read succeeds")]
    private static partial void LogJobQueueUnavailable(ILogger logger, string reason);
}
