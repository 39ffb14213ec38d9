using System.Collections.Concurrent;
using ModelOps.Core.Explain;
using ModelOps.Core.Learning;
using ModelOps.Hub.Diagnostics;

namespace ModelOps.Hub.Scoring;

/// <summary>
/// Combines the SHAP work of concurrent requests for one model: a request puts its rows in a queue
/// and, when fewer than <see cref="MaxCombiners"/> threads are explaining, explains everything
/// queued in one call (<see cref="PreparedShapExplainer.Explain(IReadOnlyList{FeatureMatrix})"/>,
/// tree by tree over the rows, so each tree is read from memory once per batch instead of once per
/// row); otherwise it waits for a running combiner to take its rows. A lone request is explained at
/// once, on its own thread; under load the batches grow by themselves. The values are the same as
/// explaining each request alone.
/// </summary>
internal sealed class ShapBatcher(PreparedShapExplainer explainer, HubCounters counters)
{
    /// <summary>Requests of this many rows or more are explained alone, on their own thread.</summary>
    public const int MaxBatchRows = 64;

    /// <summary>Batches a request's thread runs before it hands the queue to a thread-pool work item.</summary>
    private const int CallerRounds = 1;

    /// <summary>Batches a thread-pool combiner runs before it hands over to a fresh work item.</summary>
    private const int WorkerRounds = 8;

    private readonly ConcurrentQueue<Pending> _queue = new();
    private int _combiners;

    /// <summary>At most this many threads explain batches at once: half the cores, so the other half parse, route and log.</summary>
    public static int MaxCombiners { get; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>The prepared explainer the batches run on.</summary>
    public PreparedShapExplainer Explainer => explainer;

    /// <summary>The exact SHAP values of <paramref name="features"/>, explained alone or with the rows of concurrent requests.</summary>
    public Task<ShapValues> ExplainAsync(FeatureMatrix features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Rows >= MaxBatchRows)
        {
            return Task.FromResult(explainer.Explain(features, maxDegreeOfParallelism: 1));
        }

        var pending = new Pending(features);
        _queue.Enqueue(pending);
        Combine(CallerRounds);
        return pending.Done.Task;
    }

    private void Combine(int rounds)
    {
        for (var round = 0; !_queue.IsEmpty; round++)
        {
            if (round == rounds)
            {
                // Rows keep coming: a work item takes over, and this thread goes back to its request.
                ThreadPool.UnsafeQueueUserWorkItem(static batcher => batcher.Combine(WorkerRounds), this, preferLocal: false);
                return;
            }

            // A combiner that stops re-checks the queue after leaving, so rows queued while it was
            // finishing are never left without one.
            if (Interlocked.Increment(ref _combiners) > MaxCombiners)
            {
                Interlocked.Decrement(ref _combiners);
                return;
            }

            List<Pending>? batch = null;
            ShapValues[]? results = null;
            Exception? failure = null;
            try
            {
                batch = TakeBatch(out var rows);
                if (batch is not null)
                {
                    results = explainer.Explain([.. batch.Select(p => p.Features)]);
                    counters.ShapBatch(batch.Count, rows);
                }
            }
            catch (Exception error)
            {
                failure = error;
            }
            finally
            {
                Interlocked.Decrement(ref _combiners);
            }

            // Outside the slot: the requests' continuations run right here, on this thread, up to
            // their next wait (the inference-log commit), with no hand-off to other threads.
            for (var i = 0; batch is not null && i < batch.Count; i++)
            {
                if (failure is null)
                {
                    batch[i].Done.TrySetResult(results![i]);
                }
                else
                {
                    batch[i].Done.TrySetException(failure);
                }
            }
        }
    }

    private List<Pending>? TakeBatch(out int rows)
    {
        var batch = new List<Pending>();
        rows = 0;
        while (rows < MaxBatchRows && _queue.TryDequeue(out var pending))
        {
            batch.Add(pending);
            rows += pending.Features.Rows;
        }

        return batch.Count == 0 ? null : batch;
    }

    private sealed class Pending(FeatureMatrix features)
    {
        public FeatureMatrix Features { get; } = features;

        public TaskCompletionSource<ShapValues> Done { get; } = new();
    }
}
