using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using ModelOps.Hub.Errors;
using ModelOps.Store.Auth;
using ModelOps.Store.Groups;

namespace ModelOps.Hub.Auth;

/// <summary>
/// Every request but <c>/health</c> needs <c>Authorization: Bearer &lt;token&gt;</c> of a token that is
/// neither revoked nor expired (401 otherwise), whose role has the endpoint's <see cref="RequiredPermission"/>
/// (403 otherwise). The permission is judged on the endpoint the path and method name, whatever the body's
/// Content-Type. Tokens read from the database are remembered for <see cref="HubOptions.TokenCacheDuration"/>
/// by their hash (so a revocation reaches every hub process within it); when one is read, its last use is
/// recorded if the record is more than <see cref="LastUseResolution"/> old.
/// </summary>
internal sealed partial class TokenAuthMiddleware(RequestDelegate next, ITokenStore store, HubOptions options, ILogger<TokenAuthMiddleware> logger)
{
    private const string Scheme = "Bearer ";

    /// <summary>A token's last use is written at most this often per hub process.</summary>
    private static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (ApiToken Token, long Expires)> _verified = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, DateTimeOffset> _touched = new();

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.Equals("/health", StringComparison.OrdinalIgnoreCase))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            await ProblemMiddleware.WriteAsync(context, StatusCodes.Status401Unauthorized, "missing token: send the header 'Authorization: Bearer <token>' (make one with 'modelops tokens create --role ROLE')").ConfigureAwait(false);
            return;
        }

        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || header.Length == Scheme.Length)
        {
            await ProblemMiddleware.WriteAsync(context, StatusCodes.Status401Unauthorized, "the Authorization header is not 'Bearer <token>'").ConfigureAwait(false);
            return;
        }

        var token = await FindAsync(header[Scheme.Length..].Trim(), context.RequestAborted).ConfigureAwait(false);
        if (token is null)
        {
            await ProblemMiddleware.WriteAsync(context, StatusCodes.Status401Unauthorized, "unknown token").ConfigureAwait(false);
            return;
        }

        if (token.RefusalAt(options.TimeProvider.GetUtcNow()) is { } refusal)
        {
            await ProblemMiddleware.WriteAsync(context, StatusCodes.Status401Unauthorized, refusal).ConfigureAwait(false);
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

    /// <summary>
    /// Whether this process should record a use of <paramref name="token"/> now: its stored last use is older
    /// than <see cref="LastUseResolution"/> and this process has not started a write for it within that time
    /// (while the database is locked, the stored value stays old, and a write a second would pile up).
    /// </summary>
    private bool TouchDue(ApiToken token, DateTimeOffset now)
    {
        if (token.LastUsedAt is { } used && now - used <= LastUseResolution)
        {
            return false;
        }

        var last = _touched.GetOrAdd(token.Id, DateTimeOffset.MinValue);
        return now - last > LastUseResolution && _touched.TryUpdate(token.Id, now, last);
    }

    /// <summary>Records a token's last use; a failure is logged, never seen by a request.</summary>
    private async Task TouchAsync(ApiToken token)
    {
        try
        {
            await store.TouchTokenAsync(token.Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            LogTouchFailed(logger, error, token.Id, token.Name);
        }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Recording the last use of token {Id} '{Name}' failed")]
    private static partial void LogTouchFailed(ILogger logger, Exception error, long id, string name);

    /// <summary>The token of the current request (set by the middleware).</summary>
    public static ApiToken Caller(HttpContext context) =>
        context.Items[typeof(ApiToken)] as ApiToken ?? throw new InvalidOperationException("The request was not authenticated.");

    private async Task<ApiToken?> FindAsync(string secret, CancellationToken cancellationToken)
    {
        var hash = TokenSecrets.Hash(secret);
        var now = options.TimeProvider.GetTimestamp();
        if (_verified.TryGetValue(hash, out var cached) && cached.Expires > now)
        {
            return cached.Token;
        }

        var token = await store.FindTokenAsync(secret, cancellationToken).ConfigureAwait(false);
        var utcNow = options.TimeProvider.GetUtcNow();
        if (token is not null && token.RefusalAt(utcNow) is null && TouchDue(token, utcNow))
        {
            // Off the request path, on a pool thread: a write waits for the database's write lock (SQLite's
            // busy wait blocks the calling thread) and a request must not wait for its token's bookkeeping.
            var accepted = token;
            _ = Task.Run(() => TouchAsync(accepted), CancellationToken.None);
            token = token with { LastUsedAt = utcNow };
        }

        if (token is not null)
        {
            var ticks = (long)(options.TokenCacheDuration.TotalSeconds * options.TimeProvider.TimestampFrequency);
            _verified[hash] = (token, now + ticks);
        }

        return token;
    }
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
