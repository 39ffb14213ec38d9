using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ModelOps.Jobs.Services;

/// <summary>
/// Appends each log entry to a file as one JSON object on one line: <c>timestamp</c> (UTC, ISO
/// 8601), <c>level</c>, <c>category</c>, <c>event_id</c>, <c>message</c>, <c>exception</c> (text or
/// null) and <c>properties</c> (the entry's named values). Each line is built whole and then
/// written with a single write under a lock, so lines from concurrent loggers never interleave;
/// the file is flushed to disk when the provider is disposed. A write that fails is reported once
/// on the console and the entry dropped: a broken log file never fails the job.
/// </summary>
internal sealed class JsonLinesLoggerProvider : ILoggerProvider, ILogLineWriter
{
    private const string OriginalFormatKey = "{OriginalFormat}";

    private readonly FileStream _file;
    private readonly TimeProvider _clock;
    private readonly TextWriter _console;
    private readonly Lock _lock = new();
    private bool _failed;
    private bool _disposed;

    private JsonLinesLoggerProvider(FileStream file, string path, TimeProvider clock, TextWriter console)
    {
        _file = file;
        Path = path;
        _clock = clock;
        _console = console;
    }

    /// <summary>The full path of the log file.</summary>
    public string Path { get; }

    /// <summary>Opens <paramref name="path"/> for appending, creating it and its folder when missing.</summary>
    /// <exception cref="IOException">The file cannot be opened; the message names it and the reason.</exception>
    public static JsonLinesLoggerProvider Open(string path, TimeProvider clock, TextWriter console)
    {
        string full;
        try
        {
            full = System.IO.Path.GetFullPath(path);
        }
        catch (Exception error) when (error is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new IOException($"logger_service.json_path: '{path}' is not a valid file path ({error.Message})", error);
        }

        try
        {
            if (System.IO.Path.GetDirectoryName(full) is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
            }

            // No stream buffer: each line reaches the file in one write call.
            var file = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            return new JsonLinesLoggerProvider(file, full, clock, console);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"logger_service.json_path: log file '{full}' cannot be opened: {error.Message}", error);
        }
    }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new LineLogger(this, categoryName);

    /// <summary>Flushes the file to disk and closes it.</summary>
    /// <exception cref="IOException">The final flush failed.</exception>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                _file.Flush(flushToDisk: true);
            }
            finally
            {
                _file.Dispose();
            }
        }
    }

    /// <summary>One entry as a JSON object, without the line break.</summary>
    internal static void WriteEntry(Utf8JsonWriter json, DateTimeOffset time, LogLevel level, string category, EventId eventId, string message, Exception? exception, object? state)
    {
        json.WriteStartObject();
        json.WriteString("timestamp", time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        json.WriteString("level", level.ToString());
        json.WriteString("category", category);
        json.WriteNumber("event_id", eventId.Id);
        json.WriteString("message", message);
        if (exception is null)
        {
            json.WriteNull("exception");
        }
        else
        {
            json.WriteString("exception", exception.ToString());
        }

        json.WriteStartObject("properties");
        if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            for (var i = 0; i < values.Count; i++)
            {
                var (key, value) = values[i];
                if (key != OriginalFormatKey)
                {
                    json.WritePropertyName(key);
                    WriteValue(json, value);
                }
            }
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case bool flag:
                json.WriteBooleanValue(flag);
                break;
            case int or long or short or byte or sbyte or ushort or uint:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong big:
                json.WriteNumberValue(big);
                break;
            case decimal exact:
                json.WriteNumberValue(exact);
                break;
            case double or float when Convert.ToDouble(value, CultureInfo.InvariantCulture) is var real && double.IsFinite(real):
                json.WriteNumberValue(real);
                break;
            case DateTimeOffset moment:
                json.WriteStringValue(moment);
                break;
            case DateTime moment:
                json.WriteStringValue(moment);
                break;
            case IFormattable formattable:
                json.WriteStringValue(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteStringValue(value.ToString());
                break;
        }
    }

    /// <inheritdoc/>
    void ILogLineWriter.WriteLine(LogLevel level, string category, EventId eventId, string message, Exception? exception, object? state)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteEntry(json, _clock.GetUtcNow(), level, category, eventId, message, exception, state);
        }

        buffer.Write("\n"u8);
        lock (_lock)
        {
            if (_disposed || _failed)
            {
                return;
            }

            try
            {
                _file.Write(buffer.WrittenSpan);
            }
            catch (IOException error)
            {
                _failed = true;
                ReportOnConsole($"log file '{Path}' cannot be written: {error.Message}; later entries go to the console only");
            }
        }
    }

    private void ReportOnConsole(string line)
    {
        try
        {
            lock (_console)
            {
                _console.WriteLine(line);
                _console.Flush();
            }
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException)
        {
            // Nowhere left to report to.
        }
    }
}
