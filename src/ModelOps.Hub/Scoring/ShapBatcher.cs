using System.Collections.Concurrent;
using System.Threading.Channels;
using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Core.Models;

namespace ModelOps.Hub.Scoring;

/// <summary>
/// Explains the records of concurrent requests to the same model together. <see cref="ShapExplainer"/>
/// prepares per-tree tables on every call (about 10 ms for 100 trees) and then costs little per row,
/// so one call per request caps a model at about 100 requests/s. Here each model has a queue and one
/// worker per core: a worker takes every queued request (up to <see cref="MaxBatchRows"/> rows),
/// explains their rows in one call, and hands each request its own rows. SHAP of a row does not
/// depend on the other rows of the call, so each request gets exactly what explaining it alone gives.
/// </summary>
internal sealed class ShapBatcher : IDisposable
{
    /// <summary>The most rows explained in one call.</summary>
    public const int MaxBatchRows = 512;

    private readonly ConcurrentDictionary<Model, Channel<Pending>> _queues = new(ReferenceEqualityComparer.Instance);

    /// <summary>Exact input-level SHAP of <paramref name="frame"/>'s rows, as <see cref="ShapExplainer.Explain(Model, Frame, ShapLevel)"/> gives.</summary>
    public Task<ShapValues> ExplainAsync(Model model, Frame frame)
    {
        // The model's own column order, so frames of groups that list the inputs differently stack.
        var names = new string[model.Inputs.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = model.Inputs[i].Name;
        }

        var pending = new Pending(frame.Select(names), new TaskCompletionSource<ShapValues>(TaskCreationOptions.RunContinuationsAsynchronously));
        var queue = _queues.GetOrAdd(model, Start);
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(ShapBatcher));
        }

        return pending.Done.Task;
    }

    public void Dispose()
    {
        foreach (var queue in _queues.Values)
        {
            queue.Writer.TryComplete();
        }
    }

    private static Channel<Pending> Start(object key)
    {
        var model = (Model)key;
        var queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });
        for (var i = 0; i < Environment.ProcessorCount; i++)
        {
            _ = Task.Run(() => RunAsync(model, queue.Reader));
        }

        return queue;
    }

    private static async Task RunAsync(Model model, ChannelReader<Pending> reader)
    {
        var batch = new List<Pending>();
        var frames = new List<Frame>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            frames.Clear();
            var rows = 0;
            while (rows < MaxBatchRows && reader.TryRead(out var pending))
            {
                batch.Add(pending);
                frames.Add(pending.Frame);
                rows += pending.Frame.RowCount;
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var all = ShapExplainer.Explain(model, batch.Count == 1 ? frames[0] : Frame.Concat(frames));
                var width = all.Names.Count;
                var offset = 0;
                foreach (var pending in batch)
                {
                    var count = pending.Frame.RowCount;
                    var values = all.Values.Slice(offset * width, count * width).ToArray();
                    pending.Done.TrySetResult(new ShapValues(values, count, all.Names, all.BaseValue));
                    offset += count;
                }
            }
            catch (Exception error)
            {
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(error);
                }
            }
        }
    }

    private sealed record Pending(Frame Frame, TaskCompletionSource<ShapValues> Done);
}
