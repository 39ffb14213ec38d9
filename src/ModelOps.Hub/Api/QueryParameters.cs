using System.Globalization;
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

    /// <summary>The parameter's text, or <see langword="null"/> when absent or empty.</summary>
    public static string? Text(IQueryCollection query, string name) => query.TryGetValue(name, out var value) && value.ToString().Length > 0 ? value.ToString() : null;

    /// <summary>The parameter parsed by <paramref name="parse"/>; absent: <see langword="null"/>; unparsable: an error in <paramref name="errors"/> saying what was <paramref name="expected"/>.</summary>
    public static T? Parse<T>(IQueryCollection query, string name, JsonBody errors, Func<string, T?> parse, string expected)
        where T : struct
    {
        if (Text(query, name) is not { } text)
        {
            return null;
        }

        if (parse(text) is { } value)
        {
            return value;
        }

        errors.Error(name, $"'{text}' is not {expected}");
        return null;
    }

    /// <summary>An integer, or <see langword="null"/>.</summary>
    public static int? Int(string text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>A long integer, or <see langword="null"/>.</summary>
    public static long? Long(string text) => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary><c>true</c> or <c>false</c>, or <see langword="null"/>.</summary>
    public static bool? Bool(string text) => text switch { "true" => true, "false" => false, _ => null };

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
