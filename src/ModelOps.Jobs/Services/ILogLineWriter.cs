using Microsoft.Extensions.Logging;

namespace ModelOps.Jobs.Services;

/// <summary>How a logger provider writes one entry as one line; <see cref="LineLogger"/> calls it for every enabled entry.</summary>
public interface ILogLineWriter
{
    /// <summary>Writes one entry; never throws for a sink that went away.</summary>
    /// <param name="level">The entry's level (never <see cref="LogLevel.None"/>).</param>
    /// <param name="category">The logger's category.</param>
    /// <param name="eventId">The entry's event id.</param>
    /// <param name="message">The formatted message (empty when the formatter gave null).</param>
    /// <param name="exception">The entry's exception, if any.</param>
    /// <param name="state">The entry's state (its named values, for structured sinks).</param>
    void WriteLine(LogLevel level, string category, EventId eventId, string message, Exception? exception, object? state);
}
