using System.Collections.Concurrent;
using System.Net;
using System.Text;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Jobs.Tests.Services;

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
