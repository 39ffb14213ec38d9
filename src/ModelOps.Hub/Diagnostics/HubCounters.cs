using System.Diagnostics.Metrics;

namespace ModelOps.Hub.Diagnostics;

/// <summary>
/// Counters of predictions, SHAP batches and the inference log since the process started (thread-safe).
/// Each is also published as an observable instrument of the meter <see cref="MeterName"/>
/// (<c>System.Diagnostics.Metrics</c>), so an OpenTelemetry or Prometheus exporter, or
/// <c>dotnet-counters monitor --counters ModelOps.Hub</c>, reads the same figures <c>/health</c> shows.
/// </summary>
internal sealed class HubCounters : IDisposable
{
    /// <summary>The name of the hub's meter.</summary>
    public const string MeterName = "ModelOps.Hub";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private long _requests;
    private long _records;
    private long _rowsCommitted;
    private long _batches;
    private long _rejected;
    private long _writeFailures;
    private long _scoringErrors;
    private long _queued;
    private long _shapBatches;
    private long _shapRequests;

    /// <summary>Counters whose instruments belong to a meter of <paramref name="meterFactory"/> (the host's), or of a meter of their own.</summary>
    public HubCounters(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _meter.CreateObservableCounter("modelops.hub.predict.requests", () => Interlocked.Read(ref _requests), "{request}", "Predict requests accepted for scoring.");
        _meter.CreateObservableCounter("modelops.hub.predict.records", () => Interlocked.Read(ref _records), "{record}", "Records in the accepted predict requests.");
        _meter.CreateObservableCounter("modelops.hub.scoring.errors", () => Interlocked.Read(ref _scoringErrors), "{scoring}", "Model scorings that failed (logged as error rows).");
        _meter.CreateObservableCounter("modelops.hub.shap.batches", () => Interlocked.Read(ref _shapBatches), "{batch}", "Batches of SHAP work (the rows of concurrent requests for one model explained together).");
        _meter.CreateObservableCounter("modelops.hub.shap.requests", () => Interlocked.Read(ref _shapRequests), "{scoring}", "Model scorings explained in SHAP batches.");
        _meter.CreateObservableUpDownCounter("modelops.hub.inference_log.queued_requests", () => Interlocked.Read(ref _queued), "{request}", "Requests whose rows wait for the inference-log writer now.");
        _meter.CreateObservableCounter("modelops.hub.inference_log.rows_committed", () => Interlocked.Read(ref _rowsCommitted), "{row}", "Rows committed to inference logs.");
        _meter.CreateObservableCounter("modelops.hub.inference_log.batches", () => Interlocked.Read(ref _batches), "{transaction}", "Transactions the inference-log writer committed.");
        _meter.CreateObservableCounter("modelops.hub.inference_log.rejected_queue_full", () => Interlocked.Read(ref _rejected), "{request}", "Requests answered 503 because the writer's queue was full.");
        _meter.CreateObservableCounter("modelops.hub.inference_log.write_failures", () => Interlocked.Read(ref _writeFailures), "{request}", "Requests answered 503 because their rows could not be written.");
    }

    public void Request(int records)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _records, records);
    }

    public void Enqueued() => Interlocked.Increment(ref _queued);

    public void Committed(int requests, int rows)
    {
        Interlocked.Add(ref _queued, -requests);
        Interlocked.Add(ref _rowsCommitted, rows);
        Interlocked.Increment(ref _batches);
    }

    public void Failed(int requests)
    {
        Interlocked.Add(ref _queued, -requests);
        Interlocked.Add(ref _writeFailures, requests);
    }

    public void Rejected() => Interlocked.Increment(ref _rejected);

    public void ScoringError() => Interlocked.Increment(ref _scoringErrors);

    public void ShapBatch(int requests)
    {
        Interlocked.Increment(ref _shapBatches);
        Interlocked.Add(ref _shapRequests, requests);
    }

    /// <summary>A consistent-enough copy for <c>/health</c> and <c>/api/metrics</c>.</summary>
    public LogCounters Snapshot() => new(
        Interlocked.Read(ref _requests),
        Interlocked.Read(ref _records),
        Interlocked.Read(ref _queued),
        Interlocked.Read(ref _rowsCommitted),
        Interlocked.Read(ref _batches),
        Interlocked.Read(ref _rejected),
        Interlocked.Read(ref _writeFailures),
        Interlocked.Read(ref _scoringErrors),
        Interlocked.Read(ref _shapBatches),
        Interlocked.Read(ref _shapRequests));

    /// <summary>Ends the instruments of a meter of their own (a factory disposes the meters it made).</summary>
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}

/// <summary>Counters of predictions and of the inference-log writer since the process started.</summary>
/// <param name="PredictRequests">Predict requests accepted for scoring.</param>
/// <param name="PredictRecords">Records in them.</param>
/// <param name="QueuedRequests">Requests whose rows wait for the writer now.</param>
/// <param name="RowsCommitted">Rows committed to inference logs.</param>
/// <param name="Batches">Transactions the writer committed.</param>
/// <param name="RejectedQueueFull">Requests answered 503 because the writer's queue was full.</param>
/// <param name="WriteFailures">Requests answered 503 because their rows could not be written.</param>
/// <param name="ScoringErrors">Model scorings that failed (logged as error rows).</param>
/// <param name="ShapBatches">Batches of SHAP work run (the rows of concurrent requests for one model explained together).</param>
/// <param name="ShapRequests">Model scorings explained in those batches (their mean size is ShapRequests / ShapBatches).</param>
public sealed record LogCounters(
    long PredictRequests,
    long PredictRecords,
    long QueuedRequests,
    long RowsCommitted,
    long Batches,
    long RejectedQueueFull,
    long WriteFailures,
    long ScoringErrors,
    long ShapBatches,
    long ShapRequests);
