using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ModelOps.Hub.Auth;
using ModelOps.Hub.Errors;
using ModelOps.Hub.Import;
using ModelOps.Jobs.Import.Metadata;

namespace ModelOps.Hub.Api;

/// <summary>
/// The metadata import: the target JSON Schema, a proposed mapping for an uploaded file (the deterministic mapper's or a
/// connector's LLM's), and saving a mapping (maybe edited) as an external model version.
/// </summary>
internal static class ImportApi
{
    public static void MapImportApi(this IEndpointRouteBuilder app)
    {
        var import = app.MapGroup("/api/import").WithTags("Import").RefuseUnknownQuery();
        import.MapGet("/schema", () => Results.Text(ModelMetadataSchema.Text, "application/schema+json", Encoding.UTF8))
            .Requires(HubPermission.Read).WithName("GetMetadataSchema").WithSummary("The model-metadata document imports map to, as JSON Schema 2020-12.").Produces<string>(200, "application/schema+json");
        import.MapPost("/proposals", ProposeAsync)
            .Requires(HubPermission.Manage).WithName("ProposeMapping")
            .WithSummary("Proposes a mapping of an uploaded metadata file to the schema (the deterministic mapper's, or with a connector its LLM's), applies it and validates the result. Saves nothing.")
            .AcceptsJson<ProposeMappingRequest>().Produces<MappingProposalView>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(502).ProducesProblem(503).ProducesProblem(504);
        import.MapPost("/apply", (Delegate)ApplyAsync)
            .Requires(HubPermission.Manage).WithName("ApplyMapping").WithSummary("Applies a (maybe edited) mapping to the uploaded file and validates the result. Saves nothing.")
            .AcceptsJson<SaveMappingRequest>().Produces<MappingProposalView>().ProducesProblem(400);
        import.MapPost("/models", SaveAsync)
            .Requires(HubPermission.Manage).WithName("SaveImportedModel")
            .WithSummary("Applies the mapping and, when the result is valid, registers it as the next version of the model (kind external: metadata only, or with its XGBoost model file, then it can serve); else 400 listing every problem, saving nothing.")
            .AcceptsJson<SaveMappingRequest>().Produces<ImportedModelView>(201).ProducesProblem(400).ProducesProblem(409);
    }

    private static async Task<IResult> ProposeAsync(HttpContext context, MetadataImports imports)
    {
        AllowImportBody(context);
        using var json = await JsonBody.ReadObjectAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var (body, root) = (json.Body, json.Root);
        var (fileName, source) = Source(body, root);
        var connector = body.String(root, "connector", "$", required: false);
        body.ThrowIfAny();
        var proposal = await imports.ProposeAsync(source, fileName!, connector, context.RequestAborted).ConfigureAwait(false);
        return Results.Ok(MappingProposalView.Of(proposal));
    }

    private static async Task<IResult> ApplyAsync(HttpContext context)
    {
        var request = await SaveBodyAsync(context).ConfigureAwait(false);
        return Results.Ok(MappingProposalView.Of(MetadataImports.Apply(request.Source, request.FileName, request.Spec)));
    }

    private static async Task<IResult> SaveAsync(HttpContext context, MetadataImports imports)
    {
        var request = await SaveBodyAsync(context).ConfigureAwait(false);
        var origin = request.Edited ? MappingOrigin.User : request.Connector is not null ? MappingOrigin.Llm : MappingOrigin.Deterministic;
        var save = new MetadataSave(TokenAuthMiddleware.Caller(context).Name) { ModelName = request.Name, Connector = request.Connector, Model = request.Model };
        var result = await imports.SaveAsync(request.Source, request.FileName, request.Spec, origin, save, context.RequestAborted).ConfigureAwait(false);
        return Results.Created($"/api/models/{Uri.EscapeDataString(result.Version.Model)}/versions/{result.Version.Version}", ImportedModelView.Of(result));
    }

    // An import carries a whole metadata file, maybe with its model file: a larger body than other requests.
    private static void AllowImportBody(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = context.RequestServices.GetRequiredService<HubOptions>().MaxImportBodyBytes;
        }
    }

    private static async Task<SaveBody> SaveBodyAsync(HttpContext context)
    {
        AllowImportBody(context);
        using var json = await JsonBody.ReadObjectAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var (body, root) = (json.Body, json.Root);
        var (fileName, source) = Source(body, root);
        var name = body.String(root, "name", "$", required: false);
        var connector = body.String(root, "connector", "$", required: false);
        var edited = body.Bool(root, "edited", "$", required: false) ?? false;
        MappingSpec? spec = null;
        if (!root.TryGetProperty("spec", out var specElement) || specElement.ValueKind == JsonValueKind.Null)
        {
            body.Error("$.spec", "missing");
        }
        else
        {
            try
            {
                spec = MappingSpec.Parse(specElement.GetRawText());
            }
            catch (MetadataImportException error)
            {
                body.Error("$.spec", error.Message);
            }
        }

        var model = Model(body, root);
        body.ThrowIfAny();
        return new SaveBody(fileName!, source, spec!, name, connector, edited, model);
    }

    // The model file attached to the metadata: {"fileName": "model.json", "content": "<base64>", "allTrees": false}.
    private static AttachedModel? Model(JsonBody body, JsonElement root)
    {
        if (!root.TryGetProperty("model", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (body.Object(element, "$.model") is not { } model)
        {
            return null;
        }

        var fileName = body.String(model, "fileName", "$.model", required: true);
        var content = body.String(model, "content", "$.model", required: true);
        var allTrees = body.Bool(model, "allTrees", "$.model", required: false) ?? false;
        if (fileName is null || content is null)
        {
            return null;
        }

        try
        {
            return new AttachedModel(fileName, Convert.FromBase64String(content)) { AllTrees = allTrees };
        }
        catch (FormatException)
        {
            body.Error("$.model.content", "not base64: send the model file's bytes base64-encoded");
            return null;
        }
    }

    private sealed record SaveBody(string FileName, byte[] Source, MappingSpec Spec, string? Name, string? Connector, bool Edited, AttachedModel? Model);

    // The uploaded file: its name, and its text as a string (its UTF-8 bytes are what the digest is taken of).
    private static (string? FileName, byte[] Source) Source(JsonBody body, JsonElement root)
    {
        var fileName = body.String(root, "fileName", "$", required: true);
        var text = body.String(root, "source", "$", required: true);
        return (fileName, text is null ? [] : Encoding.UTF8.GetBytes(text));
    }
}

/// <summary>The body of <c>POST /api/import/proposals</c>.</summary>
/// <param name="FileName">The uploaded file's name (for messages and the record).</param>
/// <param name="Source">The file's content, as text (JSON).</param>
/// <param name="Connector">The connector whose LLM proposes the mapping; absent: the deterministic mapper's.</param>
public sealed record ProposeMappingRequest(string FileName, string Source, string? Connector);

/// <summary>The body of <c>POST /api/import/apply</c> and <c>POST /api/import/models</c>.</summary>
/// <param name="FileName">The uploaded file's name.</param>
/// <param name="Source">The file's content, as text (JSON).</param>
/// <param name="Spec">The mapping: <c>{"rules": [{"source": "$.model_performance.accuracy", "target": "metrics.accuracy", "transform": "none"}]}</c>.</param>
/// <param name="Name">The registered model's name (saving only); absent: made from the metadata's name.</param>
/// <param name="Connector">The connector whose LLM proposed the mapping, for the record.</param>
/// <param name="Edited">Whether the user changed the proposed mapping, for the record.</param>
/// <param name="Model">The model's XGBoost file (saving only): the version then holds it and can serve; absent: metadata only.</param>
public sealed record SaveMappingRequest(string FileName, string Source, JsonElement Spec, string? Name, string? Connector, bool? Edited, AttachedModelRequest? Model);

/// <summary>An XGBoost model file sent with the metadata.</summary>
/// <param name="FileName">The file's name (JSON or UBJSON, by its content).</param>
/// <param name="Content">Its bytes, base64-encoded.</param>
/// <param name="AllTrees">Whether to keep every tree of a model that records a best iteration; default false.</param>
public sealed record AttachedModelRequest(string FileName, string Content, bool? AllTrees);

/// <summary>A proposed (or applied) mapping as the API shows it.</summary>
/// <param name="FileName">The file's name.</param>
/// <param name="SourceDigest">The sha256 of its bytes.</param>
/// <param name="Origin"><c>deterministic</c>, <c>llm</c> or <c>user</c>.</param>
/// <param name="Spec">The mapping spec (send it back, maybe edited, to apply or save).</param>
/// <param name="Rules">Each rule with a sample of the value it reads.</param>
/// <param name="Mapped">The mapped document.</param>
/// <param name="Problems">Rules that did not apply, or not wholly: <c>rules[2]: ...</c>.</param>
/// <param name="Errors">Schema violations of the mapped document, by instance path.</param>
/// <param name="Attempts">The LLM's attempts (none without a connector).</param>
/// <param name="Valid">Whether it can be saved.</param>
public sealed record MappingProposalView(
    string FileName,
    string SourceDigest,
    string Origin,
    JsonElement Spec,
    IReadOnlyList<MappingRuleView> Rules,
    JsonElement Mapped,
    IReadOnlyList<string> Problems,
    IReadOnlyList<MetadataErrorView> Errors,
    IReadOnlyList<MappingAttemptView> Attempts,
    bool Valid)
{
    internal static MappingProposalView Of(MetadataProposal proposal) => new(
        proposal.FileName,
        proposal.SourceDigest,
        proposal.Origin.ToString().ToLowerInvariant(),
        JsonSerializer.SerializeToElement(proposal.Spec.ToJsonObject()),
        [.. proposal.Rules.Select(r => new MappingRuleView(r.Rule.Source, r.Rule.Target, MappingTransforms.Name(r.Rule.Transform), r.Sample, r.Count))],
        proposal.Mapped,
        [.. proposal.Problems.Select(p => p.ToString())],
        [.. proposal.Errors.Select(e => new MetadataErrorView(e.InstancePath, e.Message))],
        [.. proposal.Attempts.Select(a => new MappingAttemptView(a.Number, a.IsValid, a.NotASpec, [.. a.Problems.Select(p => p.ToString()), .. a.Errors.Select(e => e.ToString())]))],
        proposal.IsValid);
}

/// <summary>A rule of a mapping, with what it reads in the source.</summary>
/// <param name="Source">The source path.</param>
/// <param name="Target">The target field.</param>
/// <param name="Transform">The transform.</param>
/// <param name="Sample">The first value at the source path (compact JSON, cut at 80 characters), or absent.</param>
/// <param name="Count">How many values the path finds.</param>
public sealed record MappingRuleView(string Source, string Target, string Transform, string? Sample, int Count);

/// <summary>A schema violation of the mapped document.</summary>
/// <param name="Path">The instance path (<c>/metrics/accuracy</c>).</param>
/// <param name="Message">What is wrong.</param>
public sealed record MetadataErrorView(string Path, string Message);

/// <summary>One request to the LLM and what came of it.</summary>
/// <param name="Number">From 1.</param>
/// <param name="Valid">Whether its answer was a spec that gave valid metadata.</param>
/// <param name="NotASpec">Why the answer was not a spec, or absent.</param>
/// <param name="Problems">What was wrong with the spec it gave, sent back to the LLM.</param>
public sealed record MappingAttemptView(int Number, bool Valid, string? NotASpec, IReadOnlyList<string> Problems);

/// <summary>The answer of <c>POST /api/import/models</c>.</summary>
/// <param name="Model">The registered model.</param>
/// <param name="Version">The new version (kind <c>external</c>).</param>
/// <param name="RunId">The import's run (the source file, the spec, who and when).</param>
/// <param name="Metrics">The metrics saved.</param>
/// <param name="Features">How many features were saved (the model's inputs when a model file was attached).</param>
/// <param name="ModelFile">The attached model file's format (<c>xgboost</c>): the version can serve; absent: metadata only.</param>
public sealed record ImportedModelView(string Model, int Version, string? RunId, IReadOnlyDictionary<string, double> Metrics, int Features, string? ModelFile)
{
    internal static ImportedModelView Of(MetadataImportResult result) => new(
        result.Version.Model,
        result.Version.Version,
        result.Version.RunId,
        result.Metadata.Metrics,
        result.Model?.FeatureNames.Count ?? result.Metadata.Features.Count,
        result.Model is null ? null : AttachedModel.XGBoostFormat);
}
