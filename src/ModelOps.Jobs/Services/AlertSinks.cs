using Microsoft.Extensions.Logging;

namespace ModelOps.Jobs.Services;

/// <summary>Alert sinks for hosts other than a job's services (the hub's guardrails).</summary>
public static class AlertSinks
{
    /// <summary>
    /// A sink that POSTs each alert as <c>{"title": ..., "message": ...}</c> to <paramref name="url"/> (5 s an attempt,
    /// retried; a final failure is logged as a warning, never thrown). Dispose it (<see cref="IAsyncDisposable"/>) when done.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="url"/> is not an absolute http or https URL.</exception>
    public static IAlerts Webhook(Uri url, TimeProvider clock, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"the alert webhook '{url}' is not an absolute http or https URL", nameof(url));
        }

        return new WebhookAlertSink(new WebhookAlerts { Url = url.AbsoluteUri }, null, clock, log);
    }
}
