using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelOps.Hub.Diagnostics;
using ModelOps.Store.Inference;

namespace ModelOps.Hub.InferenceLog;

/// <summary>
/// Group commit of inference-log rows: requests put their rows in a bounded queue and wait; one
/// writer loop takes whatever is queued (up to <see cref="HubOptions.LogMaxBatchRows"/> rows),
/// appends it in ONE transaction, then completes each request. A request is answered 2xx only
/// after its rows are committed. A full queue is refused at once (the caller answers 503), never
/// waited on or dropped silently. On shutdown the queue is closed and drained.
/// </summary>
internal sealed partial class InferenceLogWriter(IInferenceLogStore store, HubOptions options, HubCounters counters, ILogger<InferenceLogWriter> logger) : IHostedService
{
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.LogQueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private Task _loop = Task.CompletedTask;

    /// <summary>Queues <paramref name="rows"/>; the task ends when they are committed. <see langword="null"/> when the queue is full or closed.</summary>
    public Task? TryAppend(IReadOnlyList<InferenceRecord> rows)
    {
        var pending = new Pending(rows, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            counters.Rejected();
            return null;
        }

        counters.Enqueued();
        return pending.Done.Task;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>();
        var rows = new List<InferenceRecord>();
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            rows.Clear();
            while (rows.Count < options.LogMaxBatchRows && reader.TryRead(out var pending))
            {
                batch.Add(pending);
                rows.AddRange(pending.Rows);
            }

            if (await TryCommitAsync(batch, rows).ConfigureAwait(false) is not { } error)
            {
                continue;
            }

            var groups = batch.GroupBy(p => p.Group, StringComparer.Ordinal).ToList();
            if (groups.Count == 1)
            {
                Fail(batch, rows.Count, error);
                continue;
            }

            // One group's failure (its table just dropped, say) must not fail the others: each
            // group's requests get one more transaction of their own, and a group that fails again
            // is answered 503. A request is completed exactly once, so a request answered 503 never
            // has rows committed by a later transaction.
            foreach (var group in groups)
            {
                List<Pending> part = [.. group];
                List<InferenceRecord> partRows = [.. part.SelectMany(p => p.Rows)];
                if (await TryCommitAsync(part, partRows).ConfigureAwait(false) is { } partError)
                {
                    Fail(part, partRows.Count, partError);
                }
            }
        }
    }

    /// <summary>
    /// Appends <paramref name="rows"/> in one transaction; when it commits, completes the requests and
    /// returns <see langword="null"/>; when it fails, nothing of it is stored, the requests stay pending
    /// and the error is returned.
    /// </summary>
    private async Task<Exception?> TryCommitAsync(List<Pending> batch, List<InferenceRecord> rows)
    {
        try
        {
            // Not cancellable: a started commit finishes, so an answered request's rows are there.
            await store.AppendInferencesAsync(rows, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            return error;
        }

        counters.Committed(batch.Count, rows.Count);
        foreach (var done in batch)
        {
            done.Done.TrySetResult();
        }

        return null;
    }

    /// <summary>Answers the requests of a failed transaction: their rows are not stored and never will be.</summary>
    private void Fail(List<Pending> batch, int rows, Exception error)
    {
        LogWriteFailed(logger, error, rows, batch.Count);
        counters.Failed(batch.Count);
        foreach (var done in batch)
        {
            done.Done.TrySetException(error);
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Writing {Rows} inference-log rows of {Requests} requests failed; they were answered 503")]
    private static partial void LogWriteFailed(ILogger logger, Exception error, int rows, int requests);

    private sealed record Pending(IReadOnlyList<InferenceRecord> Rows, TaskCompletionSource Done)
    {
        public string Group => Rows.Count == 0 ? string.Empty : Rows[0].Group;
    }
}
