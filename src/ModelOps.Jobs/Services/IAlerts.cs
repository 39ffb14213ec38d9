namespace ModelOps.Jobs.Services;

/// <summary>Sends a job's notifications, as configured by <see cref="AlertsService"/>.</summary>
public interface IAlerts
{
    /// <summary>
    /// Sends one alert. Delivery failures (an HTTP error, a timeout, an unreachable endpoint, a
    /// missing program) are logged as warnings and never thrown; only cancellation through
    /// <paramref name="cancellationToken"/> ends the call with an <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <param name="title">A short headline (<c>Training done</c>).</param>
    /// <param name="message">The details (<c>bikes v3 registered, rmse 41.2</c>).</param>
    /// <param name="cancellationToken">Cancels sending.</param>
    Task NotifyAsync(string title, string message, CancellationToken cancellationToken = default);
}
