using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelOps.Hub.Auth;
using ModelOps.Hub.Errors;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;

namespace ModelOps.Hub.Api;

/// <summary>Browsing a group's inference log: filtered pages and one request's rows.</summary>
internal static class InferencesApi
{
    public static void MapInferencesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/groups/{group}/inferences").WithTags("Inferences").Requires(HubPermission.Read).RefuseUnknownQuery();
        api.MapGet("/", QueryAsync)
            .Query("model", "version", "role", "from", "to", "minPrediction", "maxPrediction", "labelled", "q", "before", "limit")
            .WithName("QueryInferences")
            .WithSummary("A page of log rows, newest first, filtered by model, version, role, time range (from/to, ISO 8601), prediction range (minPrediction/maxPrediction), labelled=true|false and text in the inputs (q); page with limit and the cursor 'before'.")
            .Produces<InferencePageView>().ProducesProblem(400).ProducesProblem(404);
        api.MapGet("/{requestId}", RequestAsync)
            .WithName("GetInferenceRequest").WithSummary("Every log row of one request (served and shadow).")
            .Produces<IReadOnlyList<InferenceView>>().ProducesProblem(404);
        api.MapGet("/{requestId}/labels", LabelsAsync)
            .WithName("GetLabelHistory").WithSummary("Every label change of a request's records (who, when, old and new label), oldest first.")
            .Produces<IReadOnlyList<LabelChange>>();

        // The logs deleted groups left under the archive policy: read-only, browsed as a group's are.
        var archives = app.MapGroup("/api/archives").WithTags("Inferences").Requires(HubPermission.Read).RefuseUnknownQuery();
        archives.MapGet("/", async (IInferenceLogStore store, CancellationToken ct) => Results.Ok((await store.ListArchivesAsync(ct).ConfigureAwait(false)).Select(InferenceArchiveView.Of).ToList()))
            .WithName("ListArchives").WithSummary("The inference logs of deleted groups kept under the archive policy, most recently deleted first.")
            .Produces<IReadOnlyList<InferenceArchiveView>>();
        archives.MapGet("/{archive}/inferences", async (string archive, HttpRequest request, IInferenceLogStore store) =>
                Page(await store.QueryArchiveAsync(archive, ParseQuery(request), request.HttpContext.RequestAborted).ConfigureAwait(false)))
            .Query("model", "version", "role", "from", "to", "minPrediction", "maxPrediction", "labelled", "q", "before", "limit")
            .WithName("QueryArchivedInferences").WithSummary("A page of an archive's rows, with the filters and paging of QueryInferences.")
            .Produces<InferencePageView>().ProducesProblem(400).ProducesProblem(404);
        archives.MapGet("/{archive}/inferences/{requestId}", async (string archive, string requestId, IInferenceLogStore store, CancellationToken ct) =>
                Rows(await store.GetArchivedRequestAsync(archive, requestId, ct).ConfigureAwait(false), $"the archive '{archive}'", requestId))
            .WithName("GetArchivedInferenceRequest").WithSummary("Every archived row of one request (served and shadow).")
            .Produces<IReadOnlyList<InferenceView>>().ProducesProblem(400).ProducesProblem(404);
    }

    private static async Task<IResult> QueryAsync(string group, HttpRequest request, IInferenceLogStore store)
    {
        GroupNames.Validate(group);
        return Page(await store.QueryInferencesAsync(group, ParseQuery(request), request.HttpContext.RequestAborted).ConfigureAwait(false));
    }

    private static IResult Page(InferencePage page) => Results.Ok(new InferencePageView([.. page.Rows.Select(InferenceView.Of)], page.NextCursor));

    private static IResult Rows(IReadOnlyList<InferenceRow> rows, string log, string requestId) => rows.Count == 0
        ? throw HubException.NotFound($"request '{requestId}' not found in {log}")
        : Results.Ok(rows.Select(InferenceView.Of).ToList());

    /// <summary>The filters and paging of a query string; every bad parameter named at once.</summary>
    private static InferenceQuery ParseQuery(HttpRequest request)
    {
        var q = request.Query;
        var errors = new JsonBody();
        var query = new InferenceQuery
        {
            Model = QueryParameters.Text(q, "model"),
            Version = QueryParameters.Parse(q, "version", errors, QueryParameters.Int, "an integer"),
            Role = QueryParameters.Parse(q, "role", errors, s => GroupNames.TryParseRole(s, out var r) ? r : (GroupRole?)null, "champion, challenger or shadow"),
            From = QueryParameters.Parse(q, "from", errors, Time, "an ISO 8601 time"),
            To = QueryParameters.Parse(q, "to", errors, Time, "an ISO 8601 time"),
            MinPrediction = QueryParameters.Parse(q, "minPrediction", errors, Number, "a number"),
            MaxPrediction = QueryParameters.Parse(q, "maxPrediction", errors, Number, "a number"),
            Labelled = QueryParameters.Parse(q, "labelled", errors, QueryParameters.Bool, "true or false"),
            Text = QueryParameters.Text(q, "q"),
            Before = QueryParameters.Parse(q, "before", errors, QueryParameters.Long, "a row id"),
            Limit = QueryParameters.Parse(q, "limit", errors, QueryParameters.Int, "an integer") ?? 50,
        };
        errors.ThrowIfAny("query string");
        return query;
    }

    private static async Task<IResult> RequestAsync(string group, string requestId, IInferenceLogStore store, CancellationToken ct)
    {
        GroupNames.Validate(group);
        return Rows(await store.GetRequestAsync(group, requestId, ct).ConfigureAwait(false), $"the inference log of group '{group}'", requestId);
    }

    private static async Task<IResult> LabelsAsync(string group, string requestId, IInferenceLogStore store, CancellationToken ct)
    {
        GroupNames.Validate(group);
        return Results.Ok(await store.GetLabelHistoryAsync(group, requestId, ct).ConfigureAwait(false));
    }

    private static DateTimeOffset? Time(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    private static double? Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;
}

/// <summary>An archived inference log: what a deleted group left under the archive policy.</summary>
/// <param name="Archive">Its name, for <c>/api/archives/{archive}/inferences</c>.</param>
/// <param name="Group">The deleted group's name.</param>
/// <param name="DeletedAt">When the group was deleted.</param>
/// <param name="DeletedBy">Who deleted it.</param>
/// <param name="Members">The group's members when it was deleted.</param>
public sealed record InferenceArchiveView(string Archive, string Group, DateTimeOffset DeletedAt, string DeletedBy, IReadOnlyList<GroupMember> Members)
{
    /// <summary>The view of an archive.</summary>
    public static InferenceArchiveView Of(InferenceArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        return new InferenceArchiveView(archive.Name, archive.Group, archive.DeletedAt, archive.DeletedBy, archive.Members);
    }
}

/// <summary>A page of log rows, newest first.</summary>
/// <param name="Rows">The rows.</param>
/// <param name="NextCursor">Pass as <c>before</c> for the next page; absent on the last page.</param>
public sealed record InferencePageView(IReadOnlyList<InferenceView> Rows, long? NextCursor);

/// <summary>One log row, with its inputs and SHAP as JSON objects.</summary>
/// <param name="Id">The row id.</param>
/// <param name="RequestId">The request.</param>
/// <param name="RecordIndex">The record's position in the request.</param>
/// <param name="Timestamp">When it was scored.</param>
/// <param name="Model">The model.</param>
/// <param name="Version">Its version.</param>
/// <param name="Role">champion, challenger or shadow.</param>
/// <param name="RoutingKey">The routing key, if any.</param>
/// <param name="Inputs">The record as sent.</param>
/// <param name="Prediction">The prediction.</param>
/// <param name="Probability">The probability (classifiers).</param>
/// <param name="Shap">SHAP per input column.</param>
/// <param name="LatencyMs">Scoring time.</param>
/// <param name="Error">Why scoring failed.</param>
/// <param name="Label">The actual value, once fed back.</param>
/// <param name="LabeledAt">When the label arrived.</param>
public sealed record InferenceView(
    long Id,
    string RequestId,
    int RecordIndex,
    DateTimeOffset Timestamp,
    string Model,
    int Version,
    string Role,
    string? RoutingKey,
    JsonElement Inputs,
    double? Prediction,
    double? Probability,
    JsonElement? Shap,
    double LatencyMs,
    string? Error,
    double? Label,
    DateTimeOffset? LabeledAt)
{
    /// <summary>The view of a stored row.</summary>
    public static InferenceView Of(InferenceRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var r = row.Record;
        return new InferenceView(row.Id, r.RequestId, r.RecordIndex, r.Timestamp, r.Model, r.Version, r.Role.ToName(), r.RoutingKey,
            StoredJson.Parse(r.Inputs), r.Prediction, r.Probability, StoredJson.ParseOrNull(r.Shap), r.LatencyMs, r.Error, row.Label, row.LabeledAt);
    }
}
