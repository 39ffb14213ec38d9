using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelOps.Hub.Auth;
using ModelOps.Hub.Diagnostics;
using ModelOps.Hub.Lifecycle;
using ModelOps.Hub.Routing;
using ModelOps.Store;

namespace ModelOps.Hub.Api;

/// <summary><c>/health</c> (no token) and <c>/api/metrics</c>.</summary>
internal static class HealthApi
{
    /// <summary>The product version (Directory.Build.props' <c>Version</c>), the same string <c>modelops --version</c> prints.</summary>
    internal static string Version { get; } =
        typeof(HealthApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static void MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (IModelStore store, RoutingSnapshots snapshots, HubCounters counters, ShutdownDrain drain) =>
        {
            var view = new HealthView(drain.Draining ? "stopping" : "ok", Version, store.Backend.ToString().ToLowerInvariant(), store.Durability, store.SchemaVersion, snapshots.Current.Groups.Count, snapshots.Current.Revision, counters.Snapshot());
            return drain.Draining ? Results.Json(view, statusCode: StatusCodes.Status503ServiceUnavailable) : Results.Ok(view);
        })
            .WithTags("Health").WithName("Health").WithSummary("Liveness, the routing revision and the inference-log counters; needs no token. 503 with status 'stopping' while the hub drains before it stops.")
            .Produces<HealthView>().Produces<HealthView>(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/api/metrics", (RoutingSnapshots snapshots, HubCounters counters) =>
            Results.Ok(new MetricsView(snapshots.Current.Revision, snapshots.Current.Groups.Count, counters.Snapshot())))
            .Requires(HubPermission.Read).WithTags("Health").WithName("Metrics").WithSummary("The inference-log and prediction counters.").Produces<MetricsView>();
    }
}

/// <summary>The answer of <c>/health</c>.</summary>
/// <param name="Status"><c>ok</c>, or <c>stopping</c> (with status 503) while the hub drains before it stops.</param>
/// <param name="Version">The hub's version, such as <c>0.14.0</c> (the one <c>modelops --version</c> prints).</param>
/// <param name="Database"><c>sqlite</c> or <c>postgres</c>.</param>
/// <param name="Durability">How commits reach the disk: on SQLite <c>synchronous=normal&amp;checkpoint=background</c> (the hub's default) or what the URL set; <c>server</c> on PostgreSQL.</param>
/// <param name="SchemaVersion">The database schema version.</param>
/// <param name="Groups">How many groups are routed.</param>
/// <param name="RoutingRevision">The groups revision of the routing table.</param>
/// <param name="Log">The counters.</param>
public sealed record HealthView(string Status, string Version, string Database, string Durability, int SchemaVersion, int Groups, long RoutingRevision, LogCounters Log);

/// <summary>The answer of <c>/api/metrics</c>.</summary>
/// <param name="RoutingRevision">The groups revision of the routing table.</param>
/// <param name="Groups">How many groups are routed.</param>
/// <param name="Log">The counters.</param>
public sealed record MetricsView(long RoutingRevision, int Groups, LogCounters Log);
