using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelOps.Hub.Errors;

namespace ModelOps.Hub.Api;

/// <summary>Endpoint metadata: the query parameters an endpoint reads.</summary>
/// <param name="Names">The names, as the endpoint reads them (matched case-insensitively, as binding does).</param>
internal sealed record KnownQueryParameters(IReadOnlyList<string> Names);

/// <summary>
/// GET endpoints refuse query parameters they do not read, so a misspelt or unsupported filter
/// (<c>/api/runs?metric=roc_auc</c>) is a 400 that names it and the known ones, never a silently unfiltered answer.
/// An endpoint declares what it reads with <see cref="Query"/>; one that declares nothing takes none.
/// </summary>
internal static class QueryParameters
{
    /// <summary>Declares the query parameters the endpoint reads.</summary>
    public static RouteHandlerBuilder Query(this RouteHandlerBuilder builder, params string[] names) =>
        builder.WithMetadata(new KnownQueryParameters(names));

    /// <summary>Makes every GET endpoint of the group refuse the query parameters it does not declare.</summary>
    public static RouteGroupBuilder RefuseUnknownQuery(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(CheckAsync);
        return group;
    }

    /// <summary>Makes the GET endpoint refuse the query parameters it does not declare.</summary>
    public static RouteHandlerBuilder RefuseUnknownQuery(this RouteHandlerBuilder builder) => builder.AddEndpointFilter(CheckAsync);

    private static ValueTask<object?> CheckAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            Check(context);
        }

        return next(invocation);
    }

    /// <summary>400 naming every query parameter the endpoint does not read, and the ones it does.</summary>
    private static void Check(HttpContext context)
    {
        var known = context.GetEndpoint()?.Metadata.GetMetadata<KnownQueryParameters>()?.Names ?? [];
        List<string>? unknown = null;
        foreach (var name in context.Request.Query.Keys)
        {
            if (!known.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                (unknown ??= []).Add(name);
            }
        }

        if (unknown is null)
        {
            return;
        }

        var request = context.Request;
        var names = string.Join(", ", unknown.Select(n => $"'{n}'"));
        var takes = known.Count == 0 ? "it takes no query parameters" : $"it takes {string.Join(", ", known)}";
        throw new HubException(
            StatusCodes.Status400BadRequest,
            $"unknown query parameter{(unknown.Count == 1 ? string.Empty : "s")} {names} for {request.Method} {request.Path}; {takes}",
            [.. unknown.Select(n => $"{n}: unknown query parameter")]);
    }
}
