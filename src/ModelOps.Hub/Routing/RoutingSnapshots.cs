using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelOps.Hub.Diagnostics;
using ModelOps.Store.Groups;

namespace ModelOps.Hub.Routing;

/// <summary>
/// Holds the current <see cref="RoutingTable"/> and replaces it when the groups change: at once after
/// a change made through this process, and within <see cref="HubOptions.RefreshInterval"/> after a
/// change made by another process (it polls the groups' revision counter). A member whose model cannot
/// be loaded does not take its group down: it is routed as failed (a Shadow then logs an error row, a
/// served member fails only the requests routed to it) and loading it is retried with backoff
/// (<see cref="RetryDelay"/>), so the group heals by itself when the artifact is back. Its poll loop also checks the
/// groups' guardrails (<see cref="Groups.GuardrailMonitor"/>).
/// </summary>
internal sealed partial class RoutingSnapshots(IGroupStore hub, ModelCache models, HubOptions options, Groups.GuardrailMonitor guardrails, HubCounters counters, ILogger<RoutingSnapshots> logger) : BackgroundService
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private RoutingTable _current = RoutingTable.Empty;

    public RoutingTable Current => Volatile.Read(ref _current);

    /// <summary>Reloads the groups when their revision changed (always when <paramref name="force"/>).</summary>
    public async Task RefreshAsync(bool force, CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var revision = await hub.GetGroupsRevisionAsync(cancellationToken).ConfigureAwait(false);
            if (!force && revision == Current.Revision)
            {
                return;
            }

            var groups = await hub.ListGroupsAsync(cancellationToken).ConfigureAwait(false);
            var routes = new Dictionary<string, GroupRoute>(groups.Count, StringComparer.Ordinal);
            foreach (var group in groups)
            {
                routes[group.Name] = await BuildAsync(group, attempt: 0, cancellationToken).ConfigureAwait(false);
            }

            Volatile.Write(ref _current, new RoutingTable(revision, routes));
        }
        finally
        {
            _refresh.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RefreshInterval, options.TimeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await RefreshAsync(force: false, stoppingToken).ConfigureAwait(false);
                await RetryFailedMembersAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                LogRefreshFailed(logger, error);
            }

            // The same loop checks the groups' guardrails (every GuardrailInterval); a rule that took traffic changed
            // the split, and the table is rebuilt before its alert goes out.
            await guardrails.CheckIfDueAsync(Current, RerouteAsync, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Rebuilds the table after a guardrail took traffic; a failure is logged and the next poll tries again.</summary>
    private async Task RerouteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(force: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (!cancellationToken.IsCancellationRequested)
        {
            LogRefreshFailed(logger, error);
        }
    }

    /// <summary>The wait before the next attempt to load a group's failed members: 1 s, 2 s, 4 s, ... up to 30 s.</summary>
    public static TimeSpan RetryDelay(int attempt) => TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(attempt, 5)));

    /// <summary>Rebuilds the routes of groups whose failed members are due for another attempt, keeping the revision.</summary>
    private async Task RetryFailedMembersAsync(CancellationToken cancellationToken)
    {
        var now = options.TimeProvider.GetUtcNow();
        if (!Current.Groups.Values.Any(r => r.RetryAt <= now))
        {
            return;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var table = Current;
            Dictionary<string, GroupRoute>? routes = null;
            foreach (var (name, route) in table.Groups)
            {
                if (route.RetryAt <= now)
                {
                    routes ??= new Dictionary<string, GroupRoute>(table.Groups, StringComparer.Ordinal);
                    routes[name] = await BuildAsync(route.Group, route.Attempt, cancellationToken).ConfigureAwait(false);
                }
            }

            if (routes is not null)
            {
                Volatile.Write(ref _current, new RoutingTable(table.Revision, routes));
            }
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Loads every member's model; a member that fails is routed as failed and retried after <see cref="RetryDelay"/>.</summary>
    /// <param name="group">The group.</param>
    /// <param name="attempt">How many times in a row loading a member of the group has failed so far.</param>
    /// <param name="cancellationToken">Cancels the loading.</param>
    private async Task<GroupRoute> BuildAsync(ModelGroup group, int attempt, CancellationToken cancellationToken)
    {
        var served = new List<RouteMember>();
        var shadows = new List<RouteMember>();
        var failed = false;
        foreach (var member in group.Members)
        {
            RouteMember routed;
            var memberCounters = counters.Member(group.Name, member.Model, member.Version, member.Role);
            try
            {
                routed = new RouteMember(member, memberCounters, await models.GetAsync(member.Model, member.Version, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception error) when (!cancellationToken.IsCancellationRequested)
            {
                LogLoadFailed(logger, error, group.Name, member.Model, member.Version, attempt + 1);
                routed = new RouteMember(member, memberCounters, null, error.Message);
                failed = true;
            }

            (member.Role == GroupRole.Shadow ? shadows : served).Add(routed);
        }

        return failed
            ? new GroupRoute(group, served, shadows, attempt + 1, options.TimeProvider.GetUtcNow() + RetryDelay(attempt))
            : new GroupRoute(group, served, shadows);
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Refreshing the routing table failed; the previous one stays in use")]
    private static partial void LogRefreshFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "Group {Group}: model {Model}/{Version} cannot be loaded (attempt {Attempt}); it is retried with backoff")]
    private static partial void LogLoadFailed(ILogger logger, Exception error, string group, string model, int version, int attempt);
}
