using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using ModelOps.Store;

namespace ModelOps.Hub.Errors;

/// <summary>Turns every failure of a request into problem details with a status and a one-line detail.</summary>
internal sealed partial class ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> logger, HubOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception error) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var (status, detail, errors) = Describe(error, options);
            if (status >= 500)
            {
                LogFailure(logger, error, context.Request.Method, context.Request.Path);
            }

            if (error is HubException { Status: StatusCodes.Status503ServiceUnavailable })
            {
                context.Response.Headers.RetryAfter = "1";
            }

            await WriteAsync(context, status, detail, errors).ConfigureAwait(false);
        }
    }

    /// <summary>Writes a problem-details answer.</summary>
    public static Task WriteAsync(HttpContext context, int status, string detail, IReadOnlyList<string>? errors = null)
    {
        var extensions = errors is null ? null : new Dictionary<string, object?>(StringComparer.Ordinal) { ["errors"] = errors };
        context.Response.Clear();
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        return Results.Problem(detail: detail, statusCode: status, title: ReasonPhrases.GetReasonPhrase(status), extensions: extensions).ExecuteAsync(context);
    }

    private static (int Status, string Detail, IReadOnlyList<string>? Errors) Describe(Exception error, HubOptions options) => error switch
    {
        HubException hub => (hub.Status, hub.Message, hub.Errors),
        StoreException store => (store.Kind switch
        {
            StoreErrorKind.NotFound => StatusCodes.Status404NotFound,
            StoreErrorKind.Conflict => StatusCodes.Status409Conflict,
            StoreErrorKind.Invalid => StatusCodes.Status400BadRequest,
            _ => StatusCodes.Status503ServiceUnavailable,
        }, store.Message, null),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (
            StatusCodes.Status413PayloadTooLarge,
            string.Create(CultureInfo.InvariantCulture, $"request body is larger than the limit of {options.MaxRequestBodyBytes} bytes"),
            null),
        BadHttpRequestException bad => (bad.StatusCode, bad.Message, null),
        _ => (StatusCodes.Status500InternalServerError, "internal error; the server log has the details", null),
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailure(ILogger logger, Exception error, string method, string path);
}
