using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ModelOps.Store.Groups;

namespace ModelOps.Hub.Diagnostics;

/// <summary>
/// What the hub counts while it serves, since the process started (thread-safe, lock-free): predictions per group member
/// (<see cref="MemberCounters"/>), SHAP batches, and the inference-log writer's queue, commits and failures. These fields
/// are the one source of <c>/health</c>'s and <c>/api/metrics</c>' counters (<see cref="Snapshot"/>) and of the
/// observable instruments of the meter <see cref="MeterName"/>, which <c>/metrics</c> exports in Prometheus format
/// (so do <c>dotnet-counters monitor --counters ModelOps.Hub</c> and any OpenTelemetry exporter); its histograms are
/// recorded at the same calls. <c>docs/hub-api.md</c> lists every series.
/// </summary>
internal sealed class HubCounters : IDisposable
{
    /// <summary>The name of the hub's meter.</summary>
    public const string MeterName = "ModelOps.Hub";

    /// <summary>Seconds: from half a millisecond (a small model, SHAP, a group commit) to 10 s (a queue that backs up).</summary>
    private static readonly InstrumentAdvice<double> SecondsBuckets = new() { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] };

    /// <summary>Rows of a commit: 1 to the writer's batch limit (5000 rows by default, a request's rows are never split).</summary>
    private static readonly InstrumentAdvice<long> CommitRowBuckets = new() { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384] };

    /// <summary>Rows or scorings of a SHAP batch: a batch stops taking requests at <c>ShapBatcher.MaxBatchRows</c> (64) rows.</summary>
    private static readonly InstrumentAdvice<long> ShapBuckets = new() { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128] };

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly ConcurrentDictionary<(string Group, string Model, int Version, GroupRole Role), MemberCounters> _members = new();
    private readonly Histogram<long> _commitRows;
    private readonly Histogram<long> _shapRows;
    private readonly Histogram<long> _shapScorings;
    private long _rowsCommitted;
    private long _batches;
    private long _rejected;
    private long _writeFailures;
    private long _queued;
    private long _shapBatches;
    private long _shapRequests;

    /// <summary>Counters whose instruments belong to a meter of <paramref name="meterFactory"/> (the host's), or of a meter of their own.</summary>
    public HubCounters(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _meter.CreateObservableCounter("modelops.predict.requests", () => ObserveMembers(static m => m.Requests, servedOnly: true), "{request}", "Predict requests answered by each Champion or Challenger that reached scoring (whatever their answer).");
        _meter.CreateObservableCounter("modelops.predict.records", () => ObserveMembers(static m => m.Records, servedOnly: true), "{record}", "Records in those requests.");
        PredictDuration = _meter.CreateHistogram("modelops.predict.duration", "s", "Time from a counted predict request's start (its body read) to its answer decided (rows committed, or refused).", tags: null, SecondsBuckets);
        ScoringDuration = _meter.CreateHistogram("modelops.scoring.duration", "s", "Time one member's model took to score a request's records, predictions and SHAP (Shadows too).", tags: null, SecondsBuckets);
        _meter.CreateObservableCounter("modelops.scoring.errors", () => ObserveMembers(static m => m.ScoringErrors, servedOnly: false), "{scoring}", "Model scorings that failed (logged as error rows).");
        _meter.CreateObservableGauge("modelops.inference_log.queue_depth", () => Interlocked.Read(ref _queued), "{request}", "Predict requests whose rows wait for the inference-log writer now.");
        _commitRows = _meter.CreateHistogram("modelops.inference_log.commit_batch_rows", "{row}", "Rows of each transaction the inference-log writer committed (the sum is the rows committed, the count the transactions).", tags: null, CommitRowBuckets);
        _meter.CreateObservableCounter("modelops.inference_log.rejected", () => Interlocked.Read(ref _rejected), "{request}", "Predict requests answered 503 because the writer's queue was full.");
        _meter.CreateObservableCounter("modelops.inference_log.write_failures", () => Interlocked.Read(ref _writeFailures), "{request}", "Predict requests answered 503 because their rows could not be written.");
        _shapRows = _meter.CreateHistogram("modelops.shap.batch_rows", "{row}", "Rows of each batch of SHAP work (the rows of concurrent requests for one model explained together).", tags: null, ShapBuckets);
        _shapScorings = _meter.CreateHistogram("modelops.shap.batch_scorings", "{scoring}", "Model scorings (requests) explained in each SHAP batch.", tags: null, ShapBuckets);
    }

    /// <summary>The meter of the instruments.</summary>
    public Meter Meter => _meter;

    /// <summary>Records how long counted predict requests took; tagged by <see cref="MemberCounters"/>.</summary>
    internal Histogram<double> PredictDuration { get; }

    /// <summary>Records how long members' models took to score; tagged by <see cref="MemberCounters"/>.</summary>
    internal Histogram<double> ScoringDuration { get; }

    /// <summary>
    /// The counters of member <paramref name="model"/>/<paramref name="version"/> as <paramref name="role"/> of
    /// <paramref name="group"/>, made on first use and kept for the process's life (a label set's counts only grow).
    /// Called when a route is built, not per request.
    /// </summary>
    public MemberCounters Member(string group, string model, int version, GroupRole role) =>
        _members.GetOrAdd((group, model, version, role), static (key, owner) => new MemberCounters(owner, key.Group, key.Model, key.Version, key.Role), this);

    /// <summary>A predict request was queued for the inference-log writer.</summary>
    public void Enqueued() => Interlocked.Increment(ref _queued);

    /// <summary>The writer committed <paramref name="rows"/> rows of <paramref name="requests"/> queued requests in one transaction.</summary>
    public void Committed(int requests, int rows)
    {
        Interlocked.Add(ref _queued, -requests);
        Interlocked.Add(ref _rowsCommitted, rows);
        Interlocked.Increment(ref _batches);
        _commitRows.Record(rows);
    }

    /// <summary>The rows of <paramref name="requests"/> queued requests could not be written; they are answered 503.</summary>
    public void Failed(int requests)
    {
        Interlocked.Add(ref _queued, -requests);
        Interlocked.Add(ref _writeFailures, requests);
    }

    /// <summary>A predict request was refused because the writer's queue was full.</summary>
    public void Rejected() => Interlocked.Increment(ref _rejected);

    /// <summary>A batch of SHAP work explained <paramref name="rows"/> rows of <paramref name="requests"/> scorings together.</summary>
    public void ShapBatch(int requests, int rows)
    {
        Interlocked.Increment(ref _shapBatches);
        Interlocked.Add(ref _shapRequests, requests);
        _shapRows.Record(rows);
        _shapScorings.Record(requests);
    }

    /// <summary>A consistent-enough copy for <c>/health</c> and <c>/api/metrics</c>: the members' counters summed.</summary>
    public LogCounters Snapshot()
    {
        long requests = 0, records = 0, scoringErrors = 0;
        foreach (var member in _members.Values)
        {
            requests += member.Requests;
            records += member.Records;
            scoringErrors += member.ScoringErrors;
        }

        return new(
            requests,
            records,
            Interlocked.Read(ref _queued),
            Interlocked.Read(ref _rowsCommitted),
            Interlocked.Read(ref _batches),
            Interlocked.Read(ref _rejected),
            Interlocked.Read(ref _writeFailures),
            scoringErrors,
            Interlocked.Read(ref _shapBatches),
            Interlocked.Read(ref _shapRequests));
    }

    /// <summary>Ends the instruments of a meter of their own (a factory disposes the meters it made).</summary>
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    /// <summary>One measurement per member (per Champion and Challenger when <paramref name="servedOnly"/>: a Shadow answers no request).</summary>
    private IEnumerable<Measurement<long>> ObserveMembers(Func<MemberCounters, long> read, bool servedOnly)
    {
        foreach (var member in _members.Values)
        {
            if (!servedOnly || member.Role != GroupRole.Shadow)
            {
                yield return new Measurement<long>(read(member), member.Tags);
            }
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
