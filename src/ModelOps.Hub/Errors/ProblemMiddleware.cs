using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using ModelOps.Hub.Connectors;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Import.Metadata;
using ModelOps.Store;

namespace ModelOps.Hub.Errors;

/// <summary>
/// Gives every request its id (<see cref="RequestIds"/>) and turns every failure of a request into problem
/// details with a status, a one-line detail and the <c>requestId</c>. A 5xx detail says what failed in product
/// terms and ends with the request id; the full cause (file paths, database errors) goes only to the server log,
/// under the same id.
/// </summary>
internal sealed partial class ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> logger, HubOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var requestId = RequestIds.Assign(context, options.TimeProvider);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception error) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var (status, detail, errors) = Describe(error, context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? options.MaxRequestBodyBytes);
            if (status >= 500)
            {
                LogFailure(logger, error is HubException { InnerException: { } cause } ? cause : error, context.Request.Method, context.Request.Path, status, requestId);
            }

            await WriteAsync(context, status, detail, errors, allow: null, error).ConfigureAwait(false);
        }
    }

    /// <summary>Writes a problem-details answer: a 5xx detail gets <c>(request ID)</c> appended.</summary>
    public static Task WriteAsync(HttpContext context, int status, string detail, IReadOnlyList<string>? errors = null) =>
        WriteAsync(context, status, detail, errors, allow: null, error: null);

    private static Task WriteAsync(HttpContext context, int status, string detail, IReadOnlyList<string>? errors, string? allow, Exception? error)
    {
        var requestId = RequestIds.Find(context);
        var extensions = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (errors is not null)
        {
            extensions["errors"] = errors;
        }

        if (requestId is not null)
        {
            extensions["requestId"] = requestId;
            if (status >= 500)
            {
                detail = $"{detail} (request {requestId})";
            }
        }

        context.Response.Clear();
        if (requestId is not null)
        {
            context.Response.Headers[RequestIds.Header] = requestId;
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        if (error is ConnectorException { Error.RetryAfter: { } retryAfter })
        {
            // The provider's own wait, rounded up to whole seconds.
            context.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (!string.IsNullOrEmpty(allow))
        {
            context.Response.Headers.Allow = allow;
        }

        return Results.Problem(detail: detail, statusCode: status, title: ReasonPhrases.GetReasonPhrase(status), extensions: extensions).ExecuteAsync(context);
    }

    /// <summary>
    /// Answers the statuses the framework sets without a body, with a detail: no endpoint for the path (404),
    /// a method the path does not answer (405, naming the ones it does).
    /// </summary>
    public static Task WriteStatusAsync(StatusCodeContext statusContext)
    {
        var context = statusContext.HttpContext;
        var request = context.Request;
        var status = context.Response.StatusCode;
        var allow = context.Response.Headers.Allow.ToString();
        var detail = status switch
        {
            StatusCodes.Status404NotFound => $"no endpoint answers {request.Method} {request.Path}; the endpoints are listed at /openapi/v1.json",
            StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on {request.Path}; it answers {allow}",
            StatusCodes.Status415UnsupportedMediaType => $"{request.Method} {request.Path} does not accept Content-Type '{request.ContentType}'",
            _ => $"{ReasonPhrases.GetReasonPhrase(status)}: {request.Method} {request.Path}",
        };
        return WriteAsync(context, status, detail, errors: null, allow, error: null);
    }

    private static (int Status, string Detail, IReadOnlyList<string>? Errors) Describe(Exception error, long bodyLimit) => error switch
    {
        HubException hub => (hub.Status, hub.Message, hub.Errors),
        StoreException { Kind: StoreErrorKind.NotFound } store => (StatusCodes.Status404NotFound, store.Message, null),
        StoreException { Kind: StoreErrorKind.Conflict } store => (StatusCodes.Status409Conflict, store.Message, null),
        StoreException { Kind: StoreErrorKind.Invalid } store => (StatusCodes.Status400BadRequest, store.Message, null),

        // Its message names the database file or server and the driver's words: for the log only.
        StoreException => (StatusCodes.Status503ServiceUnavailable, "the database is unavailable (locked, unreachable or read-only); retry later; the server log has the cause", null),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (
            StatusCodes.Status413PayloadTooLarge,
            string.Create(CultureInfo.InvariantCulture, $"request body is larger than the limit of {bodyLimit} bytes"),
            null),
        BadHttpRequestException bad => (bad.StatusCode, bad.Message, null),

        // An LLM provider's failure, in plain words (never the key): the hub is the client that failed upstream.
        ConnectorException { Error.Kind: ConnectorErrorKind.Timeout } connector => (StatusCodes.Status504GatewayTimeout, connector.Message, null),
        ConnectorException { Error.Kind: ConnectorErrorKind.RateLimited } connector => (StatusCodes.Status503ServiceUnavailable, connector.Message, null),
        ConnectorException connector => (StatusCodes.Status502BadGateway, connector.Message, null),
        MetadataImportException { Kind: MetadataImportErrorKind.LlmAnswerNotSpec } import => (StatusCodes.Status502BadGateway, import.Message, null),
        MetadataImportException import => (StatusCodes.Status400BadRequest, import.Message, null),
        ConfigException config => (StatusCodes.Status400BadRequest, $"the job config is invalid: {string.Join("; ", config.Problems.Select(p => p.ToString()))}", [.. config.Problems.Select(p => p.ToString())]),
        _ => (StatusCodes.Status500InternalServerError, "internal error; the server log has the cause", null),
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "{Method} {Path} answered {Status}, request {RequestId}")]
    private static partial void LogFailure(ILogger logger, Exception error, string method, string path, int status, string requestId);
}
