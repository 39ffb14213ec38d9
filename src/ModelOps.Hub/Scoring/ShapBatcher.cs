using System.Collections.Concurrent;
using ModelOps.Core.Explain;
using ModelOps.Core.Learning;
using ModelOps.Hub.Logging;

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

            try
            {
                RunBatch();
            }
            finally
            {
                Interlocked.Decrement(ref _combiners);
            }
        }
    }

    private void RunBatch()
    {
        var batch = new List<Pending>();
        var rows = 0;
        while (rows < MaxBatchRows && _queue.TryDequeue(out var pending))
        {
            batch.Add(pending);
            rows += pending.Features.Rows;
        }

        if (batch.Count == 0)
        {
            return;
        }

        ShapValues[] results;
        try
        {
            results = explainer.Explain([.. batch.Select(p => p.Features)]);
        }
        catch (Exception error)
        {
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(error);
            }

            return;
        }

        counters.ShapBatch(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Done.TrySetResult(results[i]);
        }
    }

    private sealed class Pending(FeatureMatrix features)
    {
        public FeatureMatrix Features { get; } = features;

        public TaskCompletionSource<ShapValues> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
