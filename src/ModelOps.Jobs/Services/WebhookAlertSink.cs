using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace ModelOps.Jobs.Services;

/// <summary>
/// POSTs each alert as <c>{"title": ..., "message": ...}</c> to a webhook, each attempt bounded by
/// the timeout; failed attempts (no 2xx answer, a timeout, no connection) are tried again after
/// 0.2 s, 0.4 s, ... up to the configured retries, except answers 4xx other than 408 and 429,
/// which will not change. The final failure is logged as a warning naming the URL and the reason.
/// </summary>
internal sealed class WebhookAlertSink : IAlerts, IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly Uri _url;
    private readonly TimeSpan _timeout;
    private readonly int _retries;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;

    /// <summary>Creates the sink for validated <paramref name="options"/>.</summary>
    /// <param name="options">The webhook's URL, timeout and retries.</param>
    /// <param name="handler">The HTTP handler to use (not disposed here), or null for a handler of its own.</param>
    /// <param name="clock">The clock of timeouts and waits.</param>
    /// <param name="log">Where failures are logged.</param>
    public WebhookAlertSink(WebhookAlerts options, HttpMessageHandler? handler, TimeProvider clock, ILogger log)
    {
        _url = new Uri(options.Url, UriKind.Absolute);
        _timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        _retries = options.Retries;
        _clock = clock;
        _log = log;
        _client = handler is null
            ? new HttpClient(new SocketsHttpHandler { ConnectTimeout = _timeout }, disposeHandler: true)
            : new HttpClient(handler, disposeHandler: false);

        // Each attempt has its own timeout, below.
        _client.Timeout = Timeout.InfiniteTimeSpan;
        DisplayUrl = Display(_url);
    }

    /// <summary>The URL as it appears in messages: without user name and password.</summary>
    public string DisplayUrl { get; }

    /// <summary>The wait before the first retry; doubles before each later one.</summary>
    internal TimeSpan Backoff { get; init; } = ServiceDefaults.WebhookBackoff;

    /// <inheritdoc/>
    public async Task NotifyAsync(string title, string message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(message);
        var body = new JsonObject { ["title"] = title, ["message"] = message }.ToJsonString();
        var attempts = _retries + 1;
        string reason = string.Empty;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            bool retryable;
            (reason, retryable) = await AttemptAsync(body, cancellationToken).ConfigureAwait(false);
            if (reason.Length == 0)
            {
                ServiceLog.WebhookSent(_log, title, DisplayUrl);
                return;
            }

            if (!retryable)
            {
                attempts = attempt;
                break;
            }

            if (attempt < attempts)
            {
                var wait = Backoff * Math.Pow(2, attempt - 1);
                await Task.Delay(wait, _clock, cancellationToken).ConfigureAwait(false);
            }
        }

        var tries = attempts == 1 ? "1 attempt" : string.Create(CultureInfo.InvariantCulture, $"{attempts} attempts");
        ServiceLog.WebhookFailed(_log, title, DisplayUrl, $"{reason} after {tries}");
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>One POST: an empty reason on success, else why it failed and whether trying again may help.</summary>
    private async Task<(string Reason, bool Retryable)> AttemptAsync(string body, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_timeout, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await _client.PostAsync(_url, content, linked.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return (string.Empty, false);
            }

            var status = (int)response.StatusCode;
            var phrase = string.IsNullOrEmpty(response.ReasonPhrase) ? string.Empty : $" ({response.ReasonPhrase})";
            var retryable = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            return (string.Create(CultureInfo.InvariantCulture, $"HTTP {status}{phrase}"), retryable);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (string.Create(CultureInfo.InvariantCulture, $"no answer within {_timeout.TotalSeconds:0.###} s"), true);
        }
        catch (HttpRequestException error)
        {
            return (error.HttpRequestError == HttpRequestError.ConnectionError ? $"cannot connect: {error.Message}" : $"request failed: {error.Message}", true);
        }
    }

    private static string Display(Uri url) =>
        url.UserInfo.Length == 0 ? url.AbsoluteUri : url.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped);
}
