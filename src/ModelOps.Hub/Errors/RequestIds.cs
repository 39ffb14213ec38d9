using Microsoft.AspNetCore.Http;

namespace ModelOps.Hub.Errors;

/// <summary>
/// Every request's id: a version-7 GUID (time-ordered, 32 hex digits), sent back in <c>X-Request-Id</c>,
/// named in the detail of every 5xx answer and in the server log line that holds the full cause.
/// Predict uses it as the request id of its inference-log rows, so one id finds both.
/// </summary>
internal static class RequestIds
{
    /// <summary>The response header that carries the id.</summary>
    public const string Header = "X-Request-Id";

    /// <summary>Gives <paramref name="context"/> a new id (called first thing by <see cref="ProblemMiddleware"/>).</summary>
    public static string Assign(HttpContext context, TimeProvider time)
    {
        var id = Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
        context.Items[typeof(RequestIds)] = id;
        context.Response.Headers[Header] = id;
        return id;
    }

    /// <summary>The id of the request, or <see langword="null"/> before <see cref="Assign"/>.</summary>
    public static string? Find(HttpContext context) => context.Items[typeof(RequestIds)] as string;

    /// <summary>The id of the request.</summary>
    /// <exception cref="InvalidOperationException">The request went around <see cref="ProblemMiddleware"/>.</exception>
    public static string Of(HttpContext context) =>
        Find(context) ?? throw new InvalidOperationException("The request has no id: ProblemMiddleware did not run.");
}
