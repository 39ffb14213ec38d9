using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelOps.Hub.Auth;
using ModelOps.Hub.Registry;
using ModelOps.Store;
using ModelOps.Store.Registry;
using ModelOps.Store.Tracking;

namespace ModelOps.Hub.Api;

/// <summary>Read-only registry and tracking: experiments, runs, models, versions, aliases and their history.</summary>
internal static class RegistryApi
{
    public static void MapRegistryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Registry").Requires(HubPermission.Read).RefuseUnknownQuery();
        api.MapGet("/experiments", async (IModelStore store, CancellationToken ct) => Results.Ok(await store.ListExperimentsAsync(ct).ConfigureAwait(false)))
            .WithName("ListExperiments").WithSummary("Every experiment with its run count.").Produces<IReadOnlyList<Experiment>>();
        api.MapGet("/experiments/{name}", async (string name, IModelStore store, CancellationToken ct) => Results.Ok(await store.GetExperimentAsync(name, ct).ConfigureAwait(false)))
            .WithName("GetExperiment").WithSummary("One experiment.").Produces<Experiment>().ProducesProblem(404);
        api.MapGet("/runs", async (string? experiment, IModelStore store, CancellationToken ct) => Results.Ok(await store.ListRunsAsync(experiment, ct).ConfigureAwait(false)))
            .Query("experiment").WithName("ListRuns").WithSummary("Runs, newest first; of one experiment with ?experiment=NAME.").Produces<IReadOnlyList<RunInfo>>().ProducesProblem(404);
        api.MapGet("/runs/search", async (string? experiment, string? filter, string? order, int? offset, int? limit, IModelStore store, CancellationToken ct) =>
                Results.Ok(await store.SearchRunsAsync(new RunSearch { Experiment = experiment, Filter = filter, OrderBy = order, Offset = offset ?? 0, Limit = limit ?? 50 }, ct).ConfigureAwait(false)))
            .Query("experiment", "filter", "order", "offset", "limit").WithName("SearchRuns")
            .WithSummary("Runs matching ?filter= (e.g. metrics.rmse < 70 and params.model = 'GradientBoostingRegressor'), in ?order= (e.g. metrics.rmse asc; default started desc), one page (?offset=, ?limit= up to 1000, default 50), each with tags, parameters and latest metrics, and the total.")
            .Produces<RunSearchPage>().ProducesProblem(400).ProducesProblem(404);
        api.MapGet("/runs/{id}/metrics/{key}/history", async (string id, string key, IModelStore store, CancellationToken ct) => Results.Ok(await store.GetMetricHistoryAsync(id, key, ct).ConfigureAwait(false)))
            .WithName("MetricHistory").WithSummary("Every logged value of one metric of a run, by step.").Produces<IReadOnlyList<MetricPoint>>().ProducesProblem(404);
        api.MapGet("/runs/{id}/artifacts/{**path}", (string id, string path, ArtifactDownloads downloads, CancellationToken ct) => downloads.RunArtifactAsync(id, path, ct))
            .WithName("DownloadRunArtifact").WithSummary("The bytes of one artifact of a run; ETag and Repr-Digest carry its sha256.").Produces(200, contentType: "application/octet-stream").ProducesProblem(404);
        api.MapGet("/runs/{id}", async (string id, IModelStore store, CancellationToken ct) => Results.Ok(await store.GetRunAsync(id, ct).ConfigureAwait(false)))
            .WithName("GetRun").WithSummary("One run: tags, parameters, metrics, lineage, artifacts; a failed run's error (kind and message) in info.error.").Produces<Run>().ProducesProblem(404);
        api.MapGet("/models", async (IModelStore store, CancellationToken ct) => Results.Ok(await store.ListModelsAsync(ct).ConfigureAwait(false)))
            .WithName("ListModels").WithSummary("Every registered model.").Produces<IReadOnlyList<RegisteredModel>>();
        api.MapGet("/model-summaries", async (string? search, ModelCatalog catalog, CancellationToken ct) => Results.Ok(await catalog.ListAsync(search, ct).ConfigureAwait(false)))
            .Query("search").WithName("ListModelSummaries")
            .WithSummary("Every model (whose name or description contains ?search=TEXT) with its version count, aliases, last change and the key metric of its Champion, as the UI's models page shows them.")
            .Produces<IReadOnlyList<ModelSummary>>();
        api.MapGet("/models/{name}", async (string name, IModelStore store, CancellationToken ct) => Results.Ok(await store.GetModelAsync(name, ct).ConfigureAwait(false)))
            .WithName("GetModel").WithSummary("One registered model.").Produces<RegisteredModel>().ProducesProblem(404);
        api.MapGet("/models/{name}/analytics", async (string name, int? version, ModelAnalytics analytics, CancellationToken ct) => Results.Ok(await analytics.GetAsync(name, version, ct).ConfigureAwait(false)))
            .Query("version").WithName("ModelAnalytics")
            .WithSummary("A version's figures (default: the Champion, else the latest; ?version=N): registered metrics with the change against the previous version, every version's metrics, its tuning run's trials, its evaluation runs, its feature importances, every metric of those runs.")
            .Produces<ModelAnalyticsView>().ProducesProblem(404);
        api.MapGet("/models/{name}/versions", async (string name, IModelStore store, CancellationToken ct) => Results.Ok((await store.ListVersionsAsync(name, ct).ConfigureAwait(false)).Select(ModelVersionView.Of).ToList()))
            .WithName("ListVersions").WithSummary("Every version of a model.").Produces<IReadOnlyList<ModelVersionView>>().ProducesProblem(404);
        api.MapGet("/models/{name}/versions/{version:int}", async (string name, int version, IModelStore store, CancellationToken ct) => Results.Ok(ModelVersionView.Of(await store.GetVersionAsync(name, version, ct).ConfigureAwait(false))))
            .WithName("GetVersion").WithSummary("One version of a model, with its signature.").Produces<ModelVersionView>().ProducesProblem(404);
        api.MapGet("/models/{name}/versions/{version:int}/artifact", (string name, int version, ArtifactDownloads downloads, CancellationToken ct) => downloads.VersionArtifactAsync(name, version, ct))
            .WithName("DownloadVersionArtifact").WithSummary("The model file of a version; ETag and Repr-Digest carry its sha256.").Produces(200, contentType: "application/json").ProducesProblem(404);
        api.MapGet("/models/{name}/aliases", async (string name, IModelStore store, CancellationToken ct) => Results.Ok(await store.ListAliasesAsync(name, ct).ConfigureAwait(false)))
            .WithName("ListAliases").WithSummary("The aliases of a model.").Produces<IReadOnlyList<ModelAlias>>().ProducesProblem(404);
        api.MapGet("/models/{name}/aliases/history", async (string name, string? alias, IModelStore store, CancellationToken ct) => Results.Ok(await store.GetAliasHistoryAsync(name, alias, ct).ConfigureAwait(false)))
            .Query("alias").WithName("AliasHistory").WithSummary("The alias moves of a model (of one alias with ?alias=NAME), oldest first.").Produces<IReadOnlyList<AliasChange>>().ProducesProblem(404);
    }
}

/// <summary>A model version as the API shows it: the stored version with its signature as a JSON object.</summary>
/// <param name="Model">The model name.</param>
/// <param name="Version">The number: 1, 2, 3... per model.</param>
/// <param name="RunId">The run that produced it, or <see langword="null"/> for an imported model.</param>
/// <param name="ArtifactUri">Where the model file is.</param>
/// <param name="Signature">The model signature (<c>inputs</c> and outputs), or <see langword="null"/>.</param>
/// <param name="Status">Ready or archived.</param>
/// <param name="Description">What changed in this version, or <see langword="null"/>.</param>
/// <param name="CreatedAt">When it was registered (UTC).</param>
/// <param name="Tags">Its tags, by key.</param>
/// <param name="Aliases">The aliases that point at it.</param>
public sealed record ModelVersionView(
    string Model,
    int Version,
    string? RunId,
    string ArtifactUri,
    JsonElement? Signature,
    ModelVersionStatus Status,
    string? Description,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string> Aliases)
{
    /// <summary>The view of a stored version.</summary>
    public static ModelVersionView Of(ModelVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return new ModelVersionView(version.Model, version.Version, version.RunId, version.ArtifactUri, StoredJson.ParseOrNull(version.Signature),
            version.Status, version.Description, version.CreatedAt, version.Tags, version.Aliases);
    }
}
