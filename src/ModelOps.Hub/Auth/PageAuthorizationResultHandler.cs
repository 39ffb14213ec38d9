using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;

namespace ModelOps.Hub.Auth;

/// <summary>
/// A signed-in user who opens a page their role may not see gets the page's answer with status 403: the router's
/// not-authorized content, which names the role the page needs (<c>Routes.razor</c>). The authorization middleware's
/// default would answer an empty 403, which the browser shows as its own error page. Everything else (a request that
/// is not for a page, a user who is not signed in) is handled as the default handler does.
/// </summary>
internal sealed class PageAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(context);
        if (authorizeResult is { Forbidden: true }
            && context.User.Identity?.IsAuthenticated == true
            && context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
        {
            // The page renders nothing it guards: AuthorizeRouteView judges the same policy and shows NotAuthorized.
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return next(context);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
