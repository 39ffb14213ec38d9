using Microsoft.Extensions.Logging;
using ModelOps.Core.Analytics;
using ModelOps.Hub.Routing;
using ModelOps.Jobs.Services;
using ModelOps.Store.Groups;

namespace ModelOps.Hub.Groups;

/// <summary>
/// Checks the guardrails of every group with rules and Challengers, every <see cref="HubOptions.GuardrailInterval"/>
/// (from the hub's poll loop, <see cref="RoutingSnapshots"/>): the group's analytics from its statistics (every row of
/// each version, as the served report), each rule against each Challenger with traffic (<see cref="GroupGuardrail.Evaluate"/>),
/// and a tripped one takes the Challenger's traffic in one audited transaction (<see cref="IGroupStore.TakeTrafficAsync"/>),
/// has the routing table rebuilt, logs a warning and sends an alert (<see cref="HubOptions.AlertWebhook"/>): when the
/// alert arrives, this hub no longer routes to the Challenger. Several hubs on one database may check
/// at once: the store changes the split once, the others find nothing left to take.
/// </summary>
internal sealed partial class GuardrailMonitor(IGroupStore groups, GroupReports reports, HubOptions options, ILogger<GuardrailMonitor> logger) : IAsyncDisposable
{
    private readonly IAlerts? _webhook = options.AlertWebhook is { } url ? AlertSinks.Webhook(url, options.TimeProvider, logger) : null;
    private DateTimeOffset _due = DateTimeOffset.MinValue;

    /// <summary>Checks every group's guardrails when the interval has passed since the last check.</summary>
    /// <param name="table">The routing table whose groups are checked.</param>
    /// <param name="reroute">Rebuilds the routing table; called after a rule took traffic, before its alert is sent.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    public async Task CheckIfDueAsync(RoutingTable table, Func<CancellationToken, Task> reroute, CancellationToken cancellationToken)
    {
        var now = options.TimeProvider.GetUtcNow();
        if (now < _due)
        {
            return;
        }

        _due = now + options.GuardrailInterval;
        foreach (var route in table.Groups.Values)
        {
            var group = route.Group;
            if (group.Guardrails.Count == 0 || !group.Members.Any(m => m.Role == GroupRole.Challenger && m.Weight > 0))
            {
                continue;
            }

            try
            {
                await CheckAsync(group, reroute, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (!cancellationToken.IsCancellationRequested)
            {
                LogCheckFailed(logger, error, group.Name);
            }
        }
    }

    private async Task CheckAsync(ModelGroup group, Func<CancellationToken, Task> reroute, CancellationToken cancellationToken)
    {
        var champion = group.Champion;
        var report = await reports.ServedAsync(group, null, null, TimeSpan.FromDays(1), AnalyticsDefaults.Confidence, cancellationToken).ConfigureAwait(false);
        foreach (var trip in GroupGuardrail.Evaluate(group, group.Guardrails, report))
        {
            if (await groups.TakeTrafficAsync(group.Name, trip, cancellationToken).ConfigureAwait(false) is null)
            {
                continue;
            }

            await reroute(cancellationToken).ConfigureAwait(false);
            var message = $"group '{group.Name}': {trip.Model} version {trip.Version} lost its traffic to the champion {champion.Model} version {champion.Version} and is now a shadow: {trip.Reason}";
            LogTripped(logger, trip.Rule.Kind, message);
            if (_webhook is not null)
            {
                await _webhook.NotifyAsync($"Guardrail {trip.Rule.Kind} tripped", message, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_webhook is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Guardrail {Kind} tripped: {Message}")]
    private static partial void LogTripped(ILogger logger, string kind, string message);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Checking the guardrails of group {Group} failed; they are checked again at the next interval")]
    private static partial void LogCheckFailed(ILogger logger, Exception error, string group);
}
