using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ModelOps.Jobs.Services;
using ModelOps.Store.Queue;

namespace ModelOps.Hub.Workers;

/// <summary>
/// The log sink of one attempt of a queued job: every entry of the job's loggers becomes a line, buffered in memory and
/// written to the job's log by <see cref="FlushAsync"/> (each heartbeat, and once at the end). One flush at a time, in
/// order; lines a flush could not write (the heartbeat's write cancelled as the job ends, the database away) are written
/// first by the next flush, never dropped.
/// </summary>
internal sealed class QueuedJobLog(long jobId, int attempt, TimeProvider time) : ILoggerProvider, ILogLineWriter
{
    private readonly ConcurrentQueue<NewJobLogLine> _pending = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);

    /// <summary>Lines taken from <see cref="_pending"/> by a flush whose write failed; guarded by <see cref="_flushing"/>.</summary>
    private List<NewJobLogLine>? _unwritten;

    public ILogger CreateLogger(string categoryName) => new LineLogger(this, categoryName);

    /// <summary>One entry of the job's loggers: its message (and its exception's, when the message does not say it).</summary>
    public void WriteLine(LogLevel level, string category, EventId eventId, string message, Exception? exception, object? state)
    {
        if (exception is not null && !message.Contains(exception.Message, StringComparison.Ordinal))
        {
            message = $"{message}: {exception.Message}";
        }

        Add(LevelName(level), message);
    }

    /// <summary>Adds a line of the worker's own (not from the job's loggers).</summary>
    public void Add(string level, string message) => _pending.Enqueue(new NewJobLogLine(time.GetUtcNow(), attempt, level, message));

    /// <summary>Writes the buffered lines to the job's log, 1,000 a batch; a batch whose write throws is kept for the next flush.</summary>
    public async Task FlushAsync(IJobQueue queue, CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var lines = _unwritten ?? [];
                _unwritten = null;
                while (lines.Count < 1000 && _pending.TryDequeue(out var line))
                {
                    lines.Add(line);
                }

                if (lines.Count == 0)
                {
                    return;
                }

                try
                {
                    await queue.AppendJobLogAsync(jobId, lines, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    _unwritten = lines;
                    throw;
                }
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    public void Dispose()
    {
        // The lines stay until flushed; the worker owns this sink, not the job's services (nor the semaphore's end).
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        _ => "crit",
    };
}
