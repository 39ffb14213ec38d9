using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using ModelOps.Hub.Auth;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ModelOps.Hub.Diagnostics;

/// <summary>
/// <c>GET /metrics</c>: the meter <see cref="HubCounters.MeterName"/> in Prometheus text format, through OpenTelemetry's
/// Prometheus exporter, for a token with read permission (viewer or above), like the rest of the API: the hub has no
/// second listener to secure, and a scraper's token is revocable, expires and records its last use.
/// </summary>
internal static class PrometheusExport
{
    /// <summary>The scrape path.</summary>
    public const string Path = "/metrics";

    /// <summary>Registers the gauges of the hub's state and an OpenTelemetry meter provider that exports the hub's meter to Prometheus.</summary>
    public static void AddPrometheusExport(this IServiceCollection services)
    {
        services.AddSingleton<HubGauges>();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("modelops-hub"))
            .WithMetrics(metrics => metrics
                .AddMeter(HubCounters.MeterName)
                .AddPrometheusExporter(exporter =>
                {
                    // Every scrape collects afresh (a few dozen series): a scrape right after a prediction counts it.
                    exporter.ScrapeResponseCacheDurationMilliseconds = 0;

                    // Only the labels the hub documents (group, model, version, role, status); the meter is the only scope.
                    exporter.ScopeInfoEnabled = false;
                }));

        // Meters are process-wide: a provider listening to the name ModelOps.Hub would also count the instruments of
        // another hub in the same process (tests host several). Each hub exports the meter of its own host's factory.
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            var own = provider.GetRequiredService<IMeterFactory>();
            metrics.AddView(instrument => ReferenceEquals(instrument.Meter.Scope, own) ? null : MetricStreamConfiguration.Drop);
        });
    }

    /// <summary>
    /// Lists <see cref="Path"/> in the OpenAPI document with the rest of the API (the exporter's endpoint is middleware,
    /// which the document's generator does not see): a GET answered in Prometheus text format, for a token with read permission.
    /// </summary>
    public static void DescribePrometheusExport(this OpenApiOptions options) =>
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Paths ??= [];
            document.Paths[Path] = new OpenApiPathItem
            {
                Operations = new Dictionary<HttpMethod, OpenApiOperation>
                {
                    [HttpMethod.Get] = new()
                    {
                        OperationId = "PrometheusMetrics",
                        Tags = new HashSet<OpenApiTagReference> { new("Health", document) },
                        Summary = "The hub's meters in Prometheus text format (requests, predictions, latencies, inference-log rows, jobs by group, model, version, role and status); needs a token with read permission.",
                        Responses = new OpenApiResponses
                        {
                            ["200"] = new OpenApiResponse
                            {
                                Description = "The series, one per line, as Prometheus scrapes them.",
                                Content = new Dictionary<string, OpenApiMediaType>
                                {
                                    ["text/plain; version=0.0.4"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                                },
                            },
                            ["401"] = new OpenApiResponse { Description = "No token, or one that is unknown, revoked or expired." },
                            ["403"] = new OpenApiResponse { Description = "The token's role may not read (a predictor token)." },
                        },
                    },
                },
            };
            return Task.CompletedTask;
        });

    /// <summary>Maps <see cref="Path"/>: it reads the job queue's figures (<see cref="HubGauges.RefreshAsync"/>), then answers the exporter's text.</summary>
    public static void MapPrometheusExport(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint(
                Path,
                meterProvider: null,
                configureBranchedPipeline: scrape => scrape.Use(async (context, next) =>
                {
                    await context.RequestServices.GetRequiredService<HubGauges>().RefreshAsync(context.RequestAborted).ConfigureAwait(false);
                    await next(context).ConfigureAwait(false);
                }),
                optionsName: null)
            .Requires(HubPermission.Read)
            .WithDisplayName("Prometheus metrics");
    }
}
