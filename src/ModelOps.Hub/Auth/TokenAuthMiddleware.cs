using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelOps.Hub.Errors;
using ModelOps.Store.Auth;

namespace ModelOps.Hub.Auth;

/// <summary>
/// Every request but <c>/health</c> needs <c>Authorization: Bearer &lt;token&gt;</c> (or, for GET and HEAD, the web UI's
/// session cookie, which carries a token) of a token that is
/// neither revoked nor expired (401 otherwise), whose role has the endpoint's <see cref="RequiredPermission"/>
/// (403 otherwise). The permission is judged on the endpoint the path and method name, whatever the body's
/// Content-Type. Secrets are checked by the <see cref="TokenVerifier"/>.
/// </summary>
internal sealed class TokenAuthMiddleware(RequestDelegate next, TokenVerifier verifier)
{
    private const string Scheme = "Bearer ";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.Equals("/health", StringComparison.OrdinalIgnoreCase))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        string secret;
        if (header.Length == 0)
        {
            // A reading request from the web UI's session (a download link) carries the session's token; the
            // cookie is SameSite=Strict, and changes always need the header.
            if (!(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)) || HubSession.SecretOf(context.User) is not { } session)
            {
                await ProblemMiddleware.WriteAsync(context, StatusCodes.Status401Unauthorized, "missing token: send the header 'Authorization: Bearer <token>' (make one with 'modelops tokens create --role ROLE')").ConfigureAwait(false);
                return;
            }

            secret = session;
        }
        else if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || header.Length == Scheme.Length)
        {
            await ProblemMiddleware.WriteAsync(context, StatusCodes.Status401Unauthorized, "the Authorization header is not 'Bearer <token>'").ConfigureAwait(false);
            return;
        }
        else
        {
            secret = header[Scheme.Length..].Trim();
        }

        var (token, refusal) = await verifier.VerifyAsync(secret, context.RequestAborted).ConfigureAwait(false);
        if (token is null)
        {
            await ProblemMiddleware.WriteAsync(context, StatusCodes.Status401Unauthorized, refusal!).ConfigureAwait(false);
            return;
        }

        context.Items[typeof(ApiToken)] = token;

        // Only an endpoint of ours has a permission to judge. No endpoint (404) and the framework's
        // rejections (405 wrong method) answer their own status to any valid token, with a detail.
        if (context.GetEndpoint() is not RouteEndpoint endpoint)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var permission = endpoint.Metadata.GetMetadata<RequiredPermission>()?.Permission ?? HubPermission.Read;
        if (!RequiredPermission.Allows(token.Role, permission))
        {
            await ProblemMiddleware.WriteAsync(
                context,
                StatusCodes.Status403Forbidden,
                $"token '{token.Name}' has role {token.Role.ToName()}, which may not {RequiredPermission.Describe(permission)}; that needs role {RequiredPermission.Roles(permission)}").ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    /// <summary>The token of the current request (set by the middleware).</summary>
    public static ApiToken Caller(HttpContext context) =>
        context.Items[typeof(ApiToken)] as ApiToken ?? throw new InvalidOperationException("The request was not authenticated.");
}

/// <summary>Declares the permission endpoints need.</summary>
internal static class PermissionExtensions
{
    public static TBuilder Requires<TBuilder>(this TBuilder builder, HubPermission permission)
        where TBuilder : Microsoft.AspNetCore.Builder.IEndpointConventionBuilder
    {
        builder.Add(endpoint => endpoint.Metadata.Add(new RequiredPermission(permission)));
        return builder;
    }
}
