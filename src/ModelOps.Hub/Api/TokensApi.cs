using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelOps.Hub.Auth;
using ModelOps.Hub.Errors;
using ModelOps.Store.Auth;

namespace ModelOps.Hub.Api;

/// <summary>API tokens (admin only): list, create (the secret is answered once), revoke.</summary>
internal static class TokensApi
{
    public static void MapTokensApi(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/api/tokens").WithTags("Tokens").RefuseUnknownQuery();
        tokens.MapGet("/", async (ITokenStore store, CancellationToken ct) => Results.Ok((await store.ListTokensAsync(ct).ConfigureAwait(false)).Select(TokenView.Of)))
            .Requires(HubPermission.Administer).WithName("ListTokens").WithSummary("Every API token (never a secret), with its expiry, revocation and last use.").Produces<IReadOnlyList<TokenView>>();
        tokens.MapPost("/", CreateAsync)
            .Requires(HubPermission.Administer).WithName("CreateToken").WithSummary("Makes an API token; its secret is answered once and only its SHA-256 is stored.")
            .Accepts<CreateTokenRequest>("application/json").Produces<CreatedTokenView>(201).ProducesProblem(400);
        tokens.MapDelete("/{id:long}", async (long id, ITokenStore store, CancellationToken ct) => Results.Ok(TokenView.Of(await store.RevokeTokenAsync(id, ct).ConfigureAwait(false))))
            .Requires(HubPermission.Administer).WithName("RevokeToken").WithSummary("Revokes a token: every hub refuses it within 2 seconds. Revoking a revoked token changes nothing.")
            .Produces<TokenView>().ProducesProblem(404);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ITokenStore store)
    {
        using var json = await JsonBody.ReadObjectAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var (body, root) = (json.Body, json.Root);
        var name = body.String(root, "name", "$", required: true);
        var roleName = body.String(root, "role", "$", required: true);
        var expiresText = body.String(root, "expiresAt", "$", required: false);
        TokenRole role = default;
        if (roleName is not null && !TokenRoleNames.TryParse(roleName, out role))
        {
            body.Error("$.role", $"'{roleName}' is not a role ({TokenRoleNames.Accepted})");
        }

        DateTimeOffset? expiresAt = null;
        if (expiresText is not null)
        {
            if (DateTimeOffset.TryParse(expiresText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                expiresAt = parsed;
            }
            else
            {
                body.Error("$.expiresAt", $"'{expiresText}' is not an ISO 8601 date-time");
            }
        }

        body.ThrowIfAny();
        var made = await store.CreateTokenAsync(name!, role, expiresAt, context.RequestAborted).ConfigureAwait(false);
        return Results.Created(string.Create(CultureInfo.InvariantCulture, $"/api/tokens/{made.Token.Id}"), new CreatedTokenView(TokenView.Of(made.Token), made.Secret));
    }
}

/// <summary>The body of <c>POST /api/tokens</c>.</summary>
/// <param name="Name">A name to tell tokens apart (recorded as the actor of the changes made with it).</param>
/// <param name="Role"><c>admin</c>, <c>scientist</c>, <c>predictor</c> or <c>viewer</c>.</param>
/// <param name="ExpiresAt">When the token stops being accepted (ISO 8601, in the future); never when absent.</param>
public sealed record CreateTokenRequest(string Name, string Role, DateTimeOffset? ExpiresAt);

/// <summary>An API token as the API shows it (never its secret).</summary>
/// <param name="Id">Its id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Role">Its role.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="ExpiresAt">When it stops being accepted, or absent for never.</param>
/// <param name="RevokedAt">When it was revoked, or absent.</param>
/// <param name="LastUsedAt">When a hub last accepted it (to the minute), or absent for never.</param>
public sealed record TokenView(long Id, string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt)
{
    internal static TokenView Of(ApiToken token) => new(token.Id, token.Name, token.Role.ToName(), token.CreatedAt, token.ExpiresAt, token.RevokedAt, token.LastUsedAt);
}

/// <summary>The answer of <c>POST /api/tokens</c>.</summary>
/// <param name="Token">The token.</param>
/// <param name="Secret">Its secret, shown this once: send it as <c>Authorization: Bearer &lt;secret&gt;</c>.</param>
public sealed record CreatedTokenView(TokenView Token, string Secret);
