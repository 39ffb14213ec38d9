using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using ModelOps.Core.Analytics;
using ModelOps.Core.Learning;
using ModelOps.Hub.Auth;
using ModelOps.Hub.Errors;
using ModelOps.Hub.Groups;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;

namespace ModelOps.Hub.Api;

/// <summary>
/// <c>GET /api/groups/{group}/analytics</c>: the report of a window from the group's inference statistics
/// or with <c>exact=true</c> from the rows of a window themselves (<see cref="GroupReports"/>).
/// </summary>
internal static class AnalyticsApi
{
    public static void MapAnalyticsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/groups/{group}/analytics", AnalyticsAsync)
            .Requires(HubPermission.Read)
            .RefuseUnknownQuery()
            .Query("from", "to", "bucket", "confidence", "exact")
            .WithTags("Analytics")
            .WithName("GroupAnalytics")
            .WithSummary("Per model version side by side: traffic, mean prediction, latency percentiles, errors, labelled quality with 95% intervals, time buckets (bucket=15m|1h|1d), and each challenger's anytime-valid verdict against the champion; from/to (ISO 8601) limit the window, widened to whole minutes. Served from statistics kept as rows are logged (latency percentiles within 1%, ROC AUC within its errorBound); exact=true computes from the rows of a from/to window instead.")
            .Produces<GroupAnalyticsReport>().ProducesProblem(400).ProducesProblem(404);
    }

    /// <summary>
    /// Documents the report's <c>task</c> as the API has always written it: the schema <c>AnalyticsTask</c>, the enum
    /// <c>regression</c> or <c>classification</c> (the report's words under the hub's camelCase enum policy), which
    /// the generator cannot see through the report's own converter. The report is the only place the API shows a
    /// <see cref="ModelTask"/>, so the schema keeps the report's name.
    /// </summary>
    public static void DescribeAnalyticsTask(this OpenApiOptions options)
    {
        options.CreateSchemaReferenceId = type =>
            type.Type == typeof(ModelTask) ? "AnalyticsTask" : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        options.AddDocumentTransformer((document, _, _) =>
        {
            if (document.Components?.Schemas?.TryGetValue("AnalyticsTask", out var found) == true && found is OpenApiSchema schema)
            {
                schema.Enum = [JsonValue.Create("regression"), JsonValue.Create("classification")];
                schema.Description = "What the models of a group predict, which decides the quality metrics and the loss compared (serialised by name).";
            }

            return Task.CompletedTask;
        });
    }

    private static async Task<IResult> AnalyticsAsync(string group, HttpRequest request, GroupReports reports)
    {
        GroupNames.Validate(group);
        var errors = new JsonBody();
        var q = request.Query;
        var from = Time(q, "from", errors);
        var to = Time(q, "to", errors);
        var bucket = TimeSpan.FromHours(1);
        if (q.TryGetValue("bucket", out var bucketText) && bucketText.ToString().Length > 0)
        {
            if (Duration(bucketText.ToString()) is { } parsed)
            {
                bucket = parsed;
            }
            else
            {
                errors.Error("bucket", $"'{bucketText}' is not a duration such as 15m, 1h or 1d");
            }
        }

        var confidence = AnalyticsDefaults.Confidence;
        if (q.TryGetValue("confidence", out var confidenceText) && confidenceText.ToString().Length > 0)
        {
            if (double.TryParse(confidenceText, NumberStyles.Float, CultureInfo.InvariantCulture, out var c) && c is > 0 and < 1)
            {
                confidence = c;
            }
            else
            {
                errors.Error("confidence", $"'{confidenceText}' is not a number strictly between 0 and 1");
            }
        }

        var exact = false;
        if (q.TryGetValue("exact", out var exactText) && exactText.ToString().Length > 0 && !bool.TryParse(exactText, out exact))
        {
            errors.Error("exact", $"'{exactText}' is not true or false");
        }

        if (exact && (from is null || to is null))
        {
            errors.Error("exact", "an exact report reads rows: give the window as from and to");
        }

        if (!exact && InferenceStatistics.WidestCell(bucket) is null)
        {
            errors.Error("bucket", $"'{bucketText}' is not a whole number of minutes, the finest cell of the statistics (exact=true takes seconds)");
        }

        errors.ThrowIfAny("query string");
        var cancellationToken = request.HttpContext.RequestAborted;
        var report = exact
            ? await reports.ExactAsync(group, from!.Value, to!.Value, bucket, confidence, cancellationToken).ConfigureAwait(false)
            : await reports.ServedAsync(group, from, to, bucket, confidence, cancellationToken).ConfigureAwait(false);
        return Results.Ok(report);
    }

    private static DateTimeOffset? Time(IQueryCollection query, string name, JsonBody errors)
    {
        if (!query.TryGetValue(name, out var value) || value.ToString().Length == 0)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        errors.Error(name, $"'{value}' is not an ISO 8601 time");
        return null;
    }

    /// <summary><c>30s</c>, <c>15m</c>, <c>1h</c>, <c>1d</c>: a positive whole number and a unit.</summary>
    private static TimeSpan? Duration(string text)
    {
        if (text.Length < 2 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0 || amount > 100_000)
        {
            return null;
        }

        return text[^1] switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            'd' => TimeSpan.FromDays(amount),
            _ => null,
        };
    }
}
