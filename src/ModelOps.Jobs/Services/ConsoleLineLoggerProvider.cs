using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ModelOps.Jobs.Services;

/// <summary>
/// Writes each log entry as one line to a <see cref="TextWriter"/>, in the single-line layout of
/// Microsoft.Extensions.Logging.Console's simple formatter without scopes or colours:
/// <c>HH:mm:ss info: Category[event] message</c>, an exception appended on the same line with its
/// line breaks replaced by spaces. (The library's console provider writes only to the process
/// console and cannot be pointed at a writer, hence this provider.)
/// </summary>
/// <param name="writer">Where lines go; calls are serialised on it.</param>
/// <param name="clock">The clock of the timestamps (local time).</param>
internal sealed class ConsoleLineLoggerProvider(TextWriter writer, TimeProvider clock) : ILoggerProvider, ILogLineWriter
{
    private readonly TextWriter _writer = writer;
    private readonly TimeProvider _clock = clock;

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new LineLogger(this, categoryName);

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_writer)
        {
            _writer.Flush();
        }
    }

    /// <summary>The level as the simple formatter writes it: <c>trce, dbug, info, warn, fail, crit</c>.</summary>
    internal static string ShortName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => level.ToString().ToLowerInvariant(),
    };

    /// <summary>One entry's line, without the line break.</summary>
    internal static string Format(DateTimeOffset localTime, LogLevel level, string category, EventId eventId, string message, Exception? exception)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{localTime.ToString(ServiceDefaults.ConsoleTimestampFormat, CultureInfo.InvariantCulture)}{ShortName(level)}: {category}[{eventId.Id}]");
        if (message.Length > 0)
        {
            line += " " + OneLine(message);
        }

        if (exception is not null)
        {
            line += " " + OneLine(exception.ToString());
        }

        return line;
    }

    /// <inheritdoc/>
    void ILogLineWriter.WriteLine(LogLevel level, string category, EventId eventId, string message, Exception? exception, object? state)
    {
        var line = Format(_clock.GetLocalNow(), level, category, eventId, message, exception);
        try
        {
            lock (_writer)
            {
                _writer.WriteLine(line);
                _writer.Flush();
            }
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException)
        {
            // A console that went away (a closed pipe) must not fail the job that logs.
        }
    }

    private static string OneLine(string text) => text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ');
}
