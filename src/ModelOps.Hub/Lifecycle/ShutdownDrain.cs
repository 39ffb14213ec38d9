using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ModelOps.Hub.Lifecycle;

/// <summary>
/// The first step of a graceful stop (SIGTERM, Ctrl+C): before the server stops listening, the hub keeps
/// serving for <see cref="HubOptions.ShutdownDrain"/> while every response says <c>Connection: close</c>
/// and <c>/health</c> answers 503 <c>stopping</c>. A keep-alive client is thus told to close by the answer
/// to its own request, so it never sends a request on a connection the server is closing (the HTTP/1.1
/// race that shows as a reset connection), and a balancer polling <c>/health</c> takes the hub out of
/// rotation. Then the <see cref="ListenerGate"/> stops new connections without resetting the accepted
/// ones, the server stops, finishing the requests in flight (their rows committed by the inference-log
/// writer, which stops after the server), and the process exits.
/// </summary>
internal sealed partial class ShutdownDrain(HubOptions options, ListenerGate gate, ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    private volatile bool _draining;
    private Func<object, Task>? _closeIfDraining;

    /// <summary>Whether the hub is stopping: answers close their connection.</summary>
    public bool Draining => _draining;

    /// <summary>
    /// Tells the <see cref="ListenerGate"/> the connection's request came in, and marks a response that starts
    /// while the hub drains <c>Connection: close</c> (judged when the response starts, so a request that began
    /// before the drain is answered so too); Kestrel then closes the connection after it.
    /// </summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        gate.Heard(context.Connection.Id);
        context.Response.OnStarting(_closeIfDraining ??= CloseIfDraining, context.Response);
        return next(context);
    }

    /// <inheritdoc/>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (options.ShutdownDrain == TimeSpan.Zero || _draining)
        {
            // No drain asked (the server stops listening at once, as an embedded or test hub wants), or a second stop.
            return;
        }

        _draining = true;
        LogDraining(options.ShutdownDrain.TotalMilliseconds);
        try
        {
            await Task.Delay(options.ShutdownDrain, options.TimeProvider, cancellationToken).ConfigureAwait(false);
            await gate.CloseAsync(options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ended the drain early; stopping goes on.
        }
    }

    /// <inheritdoc/>
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private Task CloseIfDraining(object state)
    {
        var response = (HttpResponse)state;
        if (_draining && response.StatusCode != StatusCodes.Status101SwitchingProtocols)
        {
            response.Headers.Connection = "close";
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping: answering with Connection: close for {Milliseconds} ms, then finishing the requests in flight")]
    private partial void LogDraining(double milliseconds);
}
