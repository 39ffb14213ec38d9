namespace ModelOps.Hub.Logging;

/// <summary>Counters of the inference log and predictions since the process started (thread-safe).</summary>
internal sealed class HubCounters
{
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
