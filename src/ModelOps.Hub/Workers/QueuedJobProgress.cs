using ModelOps.Jobs.Jobs;
using ModelOps.Store.Queue;

namespace ModelOps.Hub.Workers;

/// <summary>
/// A queued job's progress as its heartbeats report it: the step running now (its description) and how far it is.
/// A job's steps are not known in advance, so the percent is the current step's; the job reaches 100 when it succeeds.
/// </summary>
internal sealed class QueuedJobProgress : IJobProgress
{
    private readonly Lock _lock = new();
    private Step? _current;
    private string? _runId;

    public IJobStep Start(string description, double total)
    {
        var step = new Step(description, Math.Max(total, 1));
        lock (_lock)
        {
            _current = step;
        }

        return step;
    }

    /// <summary>Records the job's run, once started.</summary>
    public void RunStarted(string runId)
    {
        lock (_lock)
        {
            _runId = runId;
        }
    }

    /// <summary>What the next heartbeat reports.</summary>
    public JobProgressReport Report()
    {
        lock (_lock)
        {
            if (_current is not { } step)
            {
                return new JobProgressReport(0, _runId is null ? "starting" : "running", _runId);
            }

            var percent = Math.Clamp(100 * step.Done / step.Total, 0, 100);
            return new JobProgressReport(percent, step.Description, _runId);
        }
    }

    private sealed class Step(string description, double total) : IJobStep
    {
        private double _done;

        public string Description { get; } = description;

        public double Total { get; } = total;

        public double Done => Volatile.Read(ref _done);

        public void Advance(double units)
        {
            double current, next;
            do
            {
                current = Volatile.Read(ref _done);
                next = Math.Min(Total, current + units);
            }
            while (Interlocked.CompareExchange(ref _done, next, current) != current);
        }

        public void Complete()
        {
            Volatile.Write(ref _done, Total);
        }

        // A step that ends (its using block left) is done.
        public void Dispose() => Complete();
    }
}
