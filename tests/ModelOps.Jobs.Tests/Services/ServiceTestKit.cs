using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
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

internal static class FreePort
{
    /// <summary>A TCP port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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

/// <summary>
/// A real HTTP endpoint on 127.0.0.1 (<see cref="HttpListener"/>) that answers each request with the
/// next planned status (the last one repeats), or never answers when the plan says 0.
/// </summary>
internal sealed class WebhookServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly int[] _plan;
    private readonly ConcurrentQueue<(string Method, string? ContentType, string Body)> _requests = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public WebhookServer(params int[] plan)
    {
        _plan = plan.Length == 0 ? [200] : plan;
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort.Next();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                _listener = listener;
                Url = $"http://127.0.0.1:{port}/hooks/jobs";
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }

        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public IReadOnlyList<(string Method, string? ContentType, string Body)> Requests => [.. _requests];

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the listener.
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        var count = 0;
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception error) when (error is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                _requests.Enqueue((context.Request.HttpMethod, context.Request.ContentType, await reader.ReadToEndAsync()));
            }

            var status = _plan[Math.Min(count++, _plan.Length - 1)];
            if (status == 0)
            {
                // Never answer: the client's timeout has to end the attempt.
                continue;
            }

            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }
}
