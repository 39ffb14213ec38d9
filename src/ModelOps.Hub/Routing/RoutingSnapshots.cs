using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelOps.Store.Groups;

namespace ModelOps.Hub.Routing;

/// <summary>
/// Holds the current <see cref="RoutingTable"/> and replaces it when the groups change: at once after
/// a change made through this process, and within <see cref="HubOptions.RefreshInterval"/> after a
/// change made by another process (it polls the groups' revision counter).
/// </summary>
internal sealed partial class RoutingSnapshots(IGroupStore hub, ModelCache models, HubOptions options, ILogger<RoutingSnapshots> logger) : BackgroundService
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
                routes[group.Name] = await BuildAsync(group, cancellationToken).ConfigureAwait(false);
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
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                LogRefreshFailed(logger, error);
            }
        }
    }

    private async Task<GroupRoute> BuildAsync(ModelGroup group, CancellationToken cancellationToken)
    {
        var served = new List<RouteMember>();
        var shadows = new List<RouteMember>();
        foreach (var member in group.Members)
        {
            try
            {
                var model = await models.GetAsync(member.Model, member.Version, cancellationToken).ConfigureAwait(false);
                (member.Role == GroupRole.Shadow ? shadows : served).Add(new RouteMember(member, model));
            }
            catch (Exception error) when (!cancellationToken.IsCancellationRequested)
            {
                LogLoadFailed(logger, error, group.Name, member.Model, member.Version);
                return new GroupRoute(group, string.Create(CultureInfo.InvariantCulture, $"group '{group.Name}' cannot serve: {error.Message}"));
            }
        }

        return new GroupRoute(group, served, shadows);
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Refreshing the routing table failed; the previous one stays in use")]
    private static partial void LogRefreshFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "Group {Group}: model {Model}/{Version} cannot be loaded")]
    private static partial void LogLoadFailed(ILogger logger, Exception error, string group, string model, int version);
}
