using Microsoft.Extensions.Logging;

namespace ModelOps.Jobs.Services;

/// <summary>
/// The logger of the console and JSON lines providers (and of a worker's queued-job log): every level but <see cref="LogLevel.None"/> is
/// enabled, scopes are not kept, and each entry's message is formatted and handed to the provider's
/// <see cref="ILogLineWriter"/>.
/// </summary>
/// <param name="writer">How the provider writes a line.</param>
/// <param name="category">The category of the entries.</param>
public sealed class LineLogger(ILogLineWriter writer, string category) : ILogger
{
    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    /// <inheritdoc/>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(formatter);
        writer.WriteLine(logLevel, category, eventId, formatter(state, exception) ?? string.Empty, exception, state);
    }
}
