using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ModelOps.Jobs.Tests.Services;

/// <summary>A clock fixed at 2025-03-14 09:26:53 UTC, in a UTC local zone; timers are the system's.</summary>
internal sealed class FixedClock : TimeProvider
{
    public static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 26, 53, 120, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "modelops-services-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

/// <summary>Log entries recorded as <c>level category[event] message</c>.</summary>
internal sealed class RecordingLogger(string category = "test") : ILogger
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyList<string> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)}");
}
