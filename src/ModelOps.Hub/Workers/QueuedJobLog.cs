using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ModelOps.Jobs.Services;
using ModelOps.Store.Queue;

namespace ModelOps.Hub.Workers;

/// <summary>
/// The log sink of one attempt of a queued job: every entry of the job's loggers becomes a line, buffered in memory and
/// written to the job's log by <see cref="FlushAsync"/> (each heartbeat, and once at the end).
/// </summary>
internal sealed class QueuedJobLog(long jobId, int attempt, TimeProvider time) : ILoggerProvider, ILogLineWriter
{
    private readonly ConcurrentQueue<NewJobLogLine> _pending = new();

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

    /// <summary>Writes the buffered lines to the job's log.</summary>
    public async Task FlushAsync(IJobQueue queue, CancellationToken cancellationToken)
    {
        var lines = new List<NewJobLogLine>();
        while (lines.Count < 1000 && _pending.TryDequeue(out var line))
        {
            lines.Add(line);
        }

        if (lines.Count > 0)
        {
            await queue.AppendJobLogAsync(jobId, lines, cancellationToken).ConfigureAwait(false);
            if (!_pending.IsEmpty)
            {
                await FlushAsync(queue, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose()
    {
        // The lines stay until flushed; the worker owns this sink, not the job's services.
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
