using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelOps.Hub.Api;
using ModelOps.Hub.Auth;
using ModelOps.Hub.Connectors;
using ModelOps.Hub.Diagnostics;
using ModelOps.Hub.Errors;
using ModelOps.Hub.Groups;
using ModelOps.Hub.Import;
using ModelOps.Hub.InferenceLog;
using ModelOps.Hub.Lifecycle;
using ModelOps.Hub.Registry;
using ModelOps.Hub.Routing;
using ModelOps.Hub.Scoring;
using ModelOps.Store;
using MudBlazor.Services;
using Scalar.AspNetCore;

namespace ModelOps.Hub;

/// <summary>
/// Builds the hub server: opens the store, wires the API areas (health, registry, groups, predict,
/// inferences), token auth, problem details, OpenAPI at <c>/openapi/v1.json</c>, Prometheus metrics at
/// <c>/metrics</c>, the routing snapshots and the group-commit inference-log writer. Used by <c>modelops serve</c> and by tests.
/// </summary>
public static class HubApp
{
    /// <summary>Opens the store and builds the server (not started; call <c>StartAsync</c> or <c>RunAsync</c>).</summary>
    /// <param name="options">Database, addresses, limits.</param>
    /// <param name="cancellationToken">Cancels opening the store.</param>
    /// <exception cref="StoreException">The database cannot be opened.</exception>
    /// <exception cref="ArgumentException">An option is out of range (every problem listed).</exception>
    public static async Task<WebApplication> CreateAsync(HubOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var store = await StoreFactory.OpenAsync(options.Database, options.Store, cancellationToken).ConfigureAwait(false);
        try
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);

            // The UI's files are the ones the build listed (served with fingerprints and compression); no
            // development fallback that looks for files added later, whose catch-all route would answer API
            // paths with 405 instead of 404.
            builder.Configuration["ReloadStaticAssetsAtRuntime"] = "false";
            var assets = HubPaths.StaticAssetsManifests();
            if (assets.Runtime is { } runtime)
            {
                // A build output (not a publish): the files stay where the build found them (packages, the hub's wwwroot).
                builder.Configuration[WebHostDefaults.StaticWebAssetsKey] = runtime;
                builder.WebHost.UseStaticWebAssets();
            }

            builder.WebHost.UseUrls(options.Urls);
            var gate = new ListenerGate();
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
                kestrel.ConfigureEndpointDefaults(listen => listen.Use(gate.Track));
            });
            builder.WebHost.UseSockets(sockets => sockets.CreateBoundListenSocket = gate.CreateListenSocket);
            var services = builder.Services;
            services.AddSingleton(options);
            services.AddSingleton<IModelStore>(_ => store);
            services.AddSingleton(store.Groups);
            services.AddSingleton(store.InferenceLog);
            services.AddSingleton(store.Tokens);
            services.AddSingleton(store.Connectors);
            services.AddSingleton(new ConnectorClientFactory(options.TimeProvider));
            services.AddSingleton<ConnectorService>();
            services.AddSingleton<MetadataImports>();
            services.AddSingleton<HubCounters>();
            services.AddSingleton<TokenVerifier>();
            services.AddSingleton<ModelCatalog>();
            services.AddSingleton<ArtifactDownloads>();
            services.AddSingleton<ModelAnalytics>();
            services.AddSingleton<ModelVersions>();
            services.AddSingleton<Tracking.RunDetails>();
            services.AddSingleton<ModelCache>();
            services.AddSingleton<ShapExplainers>();
            services.AddSingleton<GuardrailMonitor>();
            services.AddSingleton<RoutingSnapshots>();
            services.AddSingleton<GroupCommands>();
            services.AddSingleton<GroupReports>();
            services.AddHostedService(provider => provider.GetRequiredService<RoutingSnapshots>());
            services.AddSingleton(gate);
            services.AddSingleton<ShutdownDrain>();
            services.AddHostedService(provider => provider.GetRequiredService<ShutdownDrain>());
            services.AddSingleton<Workers.JobQueueService>();
            services.AddSingleton<Workers.HubWorkers>();
            if (options.Workers > 0)
            {
                services.AddHostedService(provider => provider.GetRequiredService<Workers.HubWorkers>());
            }

            services.AddPrometheusExport();

            services.AddSingleton<InferenceLogWriter>();
            services.AddHostedService(provider => provider.GetRequiredService<InferenceLogWriter>());
            services.AddHubSession();
            services.AddRazorComponents().AddInteractiveServerComponents();
            services.AddMudServices();
            services.AddProblemDetails();
            services.AddOpenApi(options =>
            {
                options.DescribeAnalyticsTask();
                options.DescribeBearerTokens();
                options.DescribePrometheusExport();
            });
            services.ConfigureHttpJsonOptions(json =>
            {
                json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
                json.SerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
                json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            });

            var app = builder.Build();
            var drain = app.Services.GetRequiredService<ShutdownDrain>();
            app.Use(drain.InvokeAsync);
            app.Use(Components.Layout.ColorSchemeHint.RequestAsync);
            app.UseMiddleware<ProblemMiddleware>();

            // The API (and /health) answers problem details and takes bearer tokens; the UI has pages and a session cookie.
            app.UseWhen(context => HubPaths.IsApi(context.Request.Path), api => api.UseStatusCodePages(ProblemMiddleware.WriteStatusAsync));
            app.UseRouting();
            app.UseAuthentication();
            app.UseWhen(context => HubPaths.IsApi(context.Request.Path), api => api.UseMiddleware<TokenAuthMiddleware>());
            app.UseAuthorization();
            app.UseAntiforgery();
            app.MapStaticAssets(assets.Endpoints);
            app.MapRazorComponents<Components.App>().AddInteractiveServerRenderMode();
            app.MapHubSession();
            app.MapOpenApi().Requires(HubPermission.Read);

            // The API reference page reads /openapi/v1.json with the signed-in session; its scripts come from the package.
            // No fonts, telemetry or agent from the internet: the page works offline.
            app.MapScalarApiReference("/scalar", scalar => scalar
                    .WithTitle("ModelOps hub API")
                    .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                    .DisableDefaultFonts()
                    .DisableTelemetry()
                    .DisableAgent()
                    .DisableMcp()
                    .HideDeveloperTools()
                    .AddPreferredSecuritySchemes(OpenApiSecurity.Scheme))
                .RequireAuthorization(nameof(HubPermission.Read));
            app.MapHealthApi();
            app.MapPrometheusExport();
            app.MapRegistryApi();
            app.MapGroupsApi();
            app.MapJobsApi();
            app.MapPredictApi();
            app.MapInferencesApi();
            app.MapAnalyticsApi();
            app.MapTokensApi();
            app.MapConnectorsApi();
            app.MapImportApi();

            // The first requests already see every group; the state's gauges exist before the first collection.
            await app.Services.GetRequiredService<RoutingSnapshots>().RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);
            app.Services.GetRequiredService<HubGauges>();
            return app;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The addresses the started server listens on (with the real port when port 0 was asked).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];
    }
}
