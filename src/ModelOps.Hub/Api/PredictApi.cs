using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelOps.Core.Data;
using ModelOps.Hub.Auth;
using ModelOps.Hub.Errors;
using ModelOps.Hub.InferenceLog;
using ModelOps.Hub.Routing;
using ModelOps.Hub.Scoring;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;

namespace ModelOps.Hub.Api;

/// <summary>The stable scoring endpoint of a group and its feedback endpoint.</summary>
internal static class PredictApi
{
    public static void MapPredictApi(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup("/api/groups/{group}").WithTags("Predict");
        groups.MapPost("/predict", PredictAsync)
            .Requires(HubPermission.Predict)
            .WithName("Predict")
            .WithSummary("Scores one or many records with the group's routed model (and its shadows), with exact SHAP, and logs every score.")
            .AcceptsJson<PredictRequest>()
            .Produces<PredictResponse>()
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(413).ProducesProblem(415).ProducesProblem(503);
        groups.MapPost("/feedback", FeedbackAsync)
            .Requires(HubPermission.Predict)
            .WithName("Feedback")
            .WithSummary("Joins the actual value of a scored record (or of every record of a request) to its log rows; a labelled record is a 409 unless overwrite is true. Every change is kept in the label history.")
            .AcceptsJson<FeedbackRequest>()
            .Produces<FeedbackResponse>()
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(415);
    }

    /// <summary>The route of <paramref name="group"/>: 400 for an invalid name, 404 when no such group (after one refresh, for groups made by other processes).</summary>
    public static async Task<GroupRoute> RouteAsync(string group, RoutingSnapshots snapshots, CancellationToken cancellationToken)
    {
        GroupNames.Validate(group);
        if (!snapshots.Current.Groups.TryGetValue(group, out var route))
        {
            await snapshots.RefreshAsync(force: false, cancellationToken).ConfigureAwait(false);
            if (!snapshots.Current.Groups.TryGetValue(group, out route))
            {
                var names = snapshots.Current.Groups.Keys.Order(StringComparer.Ordinal).ToArray();
                throw HubException.NotFound(names.Length == 0
                    ? $"group '{group}' not found; there are no groups"
                    : $"group '{group}' not found; groups are: {string.Join(", ", names)}");
            }
        }

        return route;
    }

    private static async Task<IResult> PredictAsync(string group, HttpContext context, RoutingSnapshots snapshots, InferenceLogWriter writer, ShapExplainers explainers, HubOptions options)
    {
        var started = Stopwatch.GetTimestamp();
        var route = await RouteAsync(group, snapshots, context.RequestAborted).ConfigureAwait(false);
        if (route.Unavailable is { } why)
        {
            throw new HubException(StatusCodes.Status503ServiceUnavailable, why);
        }

        using var json = await JsonBody.ReadObjectAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var (body, root) = (json.Body, json.Root);
        var records = Records(root, body, options);
        var routingKey = body.String(root, "routingKey", "$", required: false);
        var explain = body.Bool(root, "explain", "$", required: false) ?? true;
        body.ThrowIfAny();
        var frame = RecordReader.Read(records!.Value.Array, route.Inputs, body, records.Value.Path, records.Value.Path == "$.record");
        body.ThrowIfAny();

        var now = options.TimeProvider.GetUtcNow();
        var requestId = RequestIds.Of(context);
        var served = route.Pick(routingKey);
        if (!served.IsLoaded)
        {
            throw new HubException(StatusCodes.Status503ServiceUnavailable, string.Create(
                CultureInfo.InvariantCulture,
                $"model {served.Member.Model}/{served.Member.Version} of group '{group}', to which this request is routed, cannot be loaded now; the hub retries loading it, retry later"));
        }

        var scores = await ModelScorer.ScoreAsync(served, frame, explain, explainers).ConfigureAwait(false);
        var shadows = new MemberScores[route.Shadows.Count];
        for (var s = 0; s < shadows.Length; s++)
        {
            shadows[s] = await ModelScorer.ScoreAsync(route.Shadows[s], frame, explain, explainers).ConfigureAwait(false);
        }

        // Counted once scored and timed until its answer is decided: every counted request records one duration.
        served.Counters.Request(frame.RowCount);
        try
        {
            var rows = new List<InferenceRecord>(frame.RowCount * (1 + shadows.Length));
            var inputs = records.Value.Inputs;
            for (var i = 0; i < frame.RowCount; i++)
            {
                rows.Add(Row(group, requestId, i, now, served, routingKey, inputs[i], scores));
                for (var s = 0; s < shadows.Length; s++)
                {
                    rows.Add(Row(group, requestId, i, now, route.Shadows[s], routingKey, inputs[i], shadows[s]));
                }
            }

            var committed = writer.TryAppend(rows) ?? throw new HubException(
                StatusCodes.Status503ServiceUnavailable,
                string.Create(CultureInfo.InvariantCulture, $"the inference log is busy: its queue of {options.LogQueueCapacity} requests is full; retry after 1 s"));
            try
            {
                await committed.ConfigureAwait(false);
            }
            catch (Exception error)
            {
                throw new HubException(StatusCodes.Status503ServiceUnavailable, "the inference log could not be written, so nothing was answered; retry later; the server log has the cause", cause: error);
            }

            if (scores.Error is { } failure)
            {
                throw new HubException(
                    StatusCodes.Status500InternalServerError,
                    string.Create(CultureInfo.InvariantCulture, $"model {served.Member.Model}/{served.Member.Version} failed to score the records; the server log has the cause"),
                    cause: new InvalidOperationException(failure));
            }

            var results = new RecordResult[frame.RowCount];
            for (var i = 0; i < results.Length; i++)
            {
                results[i] = new RecordResult(
                    i,
                    served.Member.Model,
                    served.Member.Version,
                    served.Member.Role.ToName(),
                    scores.Predictions[i],
                    scores.Probabilities?[i],
                    scores.Shap is { } shap ? ModelScorer.ShapMap(shap, i) : null,
                    scores.Shap?.BaseValue);
            }

            return Results.Ok(new PredictResponse(requestId, group, results));
        }
        finally
        {
            served.Counters.Answered(Stopwatch.GetElapsedTime(started));
        }
    }

    private static InferenceRecord Row(string group, string requestId, int index, DateTimeOffset now, RouteMember member, string? routingKey, string inputs, MemberScores scores) => new(
        group,
        requestId,
        index,
        now,
        member.Member.Model,
        member.Member.Version,
        member.Member.Role,
        routingKey,
        inputs,
        scores.Error is null ? scores.Predictions[index] : null,
        scores.Error is null ? scores.Probabilities?[index] : null,
        scores.Error is null && scores.Shap is { } shap ? ModelScorer.ShapJson(shap, index) : null,
        scores.LatencyMs,
        scores.Error);

    private static (JsonElement Array, string Path, string[] Inputs)? Records(JsonElement root, JsonBody body, HubOptions options)
    {
        var hasMany = root.TryGetProperty("records", out var many);
        var hasOne = root.TryGetProperty("record", out var one);
        if (hasMany == hasOne)
        {
            body.Error("$", hasMany ? "give either 'records' or 'record', not both" : "missing 'records' (an array of objects) or 'record' (one object)");
            return null;
        }

        if (hasOne)
        {
            if (one.ValueKind != JsonValueKind.Object)
            {
                body.Error("$.record", $"expected an object, got {JsonBody.Kind(one)}");
                return null;
            }

            // One record: read as it is (no array around it); its messages name $.record.
            return (one, "$.record", [one.GetRawText()]);
        }

        if (many.ValueKind != JsonValueKind.Array)
        {
            body.Error("$.records", $"expected an array of objects, got {JsonBody.Kind(many)}");
            return null;
        }

        var count = many.GetArrayLength();
        if (count == 0)
        {
            body.Error("$.records", "empty; send at least one record");
            return null;
        }

        if (count > options.MaxRecordsPerRequest)
        {
            body.Error("$.records", string.Create(CultureInfo.InvariantCulture, $"{count} records are more than the limit of {options.MaxRecordsPerRequest} per request"));
            return null;
        }

        var inputs = new string[count];
        var i = 0;
        foreach (var record in many.EnumerateArray())
        {
            inputs[i++] = record.GetRawText();
        }

        return (many, "$.records", inputs);
    }

    private static async Task<IResult> FeedbackAsync(string group, HttpContext context, IInferenceLogStore store)
    {
        GroupNames.Validate(group);
        using var json = await JsonBody.ReadObjectAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var (body, root) = (json.Body, json.Root);
        var requestId = body.String(root, "requestId", "$", required: true);
        var recordIndex = body.Int(root, "recordIndex", "$", required: false);
        var actual = body.Number(root, "actual", "$", required: true);
        var overwrite = body.Bool(root, "overwrite", "$", required: false) ?? false;
        if (recordIndex is < 0)
        {
            body.Error("$.recordIndex", "must be 0 or more");
        }

        body.ThrowIfAny();
        var labelled = await store.SetLabelAsync(group, requestId!, recordIndex, actual!.Value, TokenAuthMiddleware.Caller(context).Name, overwrite, context.RequestAborted).ConfigureAwait(false);
        return Results.Ok(new FeedbackResponse(requestId!, recordIndex, actual.Value, labelled));
    }
}

/// <summary>The body of <c>POST /api/groups/{group}/predict</c>: <c>records</c> or <c>record</c>.</summary>
/// <param name="Records">The records to score: objects with the model's input fields.</param>
/// <param name="Record">One record to score, instead of <paramref name="Records"/>.</param>
/// <param name="RoutingKey">Routes sticky: the same key reaches the same model while the weights stay.</param>
/// <param name="Explain">Whether to compute SHAP values (default true).</param>
public sealed record PredictRequest(IReadOnlyList<Dictionary<string, JsonElement>>? Records, Dictionary<string, JsonElement>? Record, string? RoutingKey, bool? Explain);

/// <summary>The answer of predict.</summary>
/// <param name="RequestId">The id of the request in the inference log (for feedback).</param>
/// <param name="Group">The group.</param>
/// <param name="Results">One result per record, in order.</param>
public sealed record PredictResponse(string RequestId, string Group, IReadOnlyList<RecordResult> Results);

/// <summary>The score of one record.</summary>
/// <param name="Index">The record's 0-based position in the request.</param>
/// <param name="Model">The model that answered.</param>
/// <param name="Version">Its version.</param>
/// <param name="Role"><c>champion</c> or <c>challenger</c>.</param>
/// <param name="Prediction">The value (regression) or class 0/1 (classification).</param>
/// <param name="Probability">The positive-class probability (classifiers only).</param>
/// <param name="Shap">Exact SHAP per input column in the raw output space (log-odds for boosted classifiers); absent with <c>explain: false</c>.</param>
/// <param name="BaseValue">The SHAP base value: base value + sum of SHAP = raw output.</param>
public sealed record RecordResult(int Index, string Model, int Version, string Role, double Prediction, double? Probability, IReadOnlyDictionary<string, double>? Shap, double? BaseValue);

/// <summary>The body of <c>POST /api/groups/{group}/feedback</c>.</summary>
/// <param name="RequestId">The request id predict answered.</param>
/// <param name="RecordIndex">The record; every record of the request when absent.</param>
/// <param name="Actual">The actual value (the class 0/1 for classifiers).</param>
/// <param name="Overwrite">Replace a label already set (default false: a labelled record answers 409).</param>
public sealed record FeedbackRequest(string RequestId, int? RecordIndex, double Actual, bool? Overwrite);

/// <summary>The answer of feedback.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="RecordIndex">The record, or <see langword="null"/> for all.</param>
/// <param name="Actual">The label stored.</param>
/// <param name="LabelledRows">How many log rows (served and shadow) got the label.</param>
public sealed record FeedbackResponse(string RequestId, int? RecordIndex, double Actual, int LabelledRows);
