using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelOps.Store.Auth;

namespace ModelOps.Hub.Auth;

/// <summary>
/// The UI's session: signing in with an API token sets an encrypted, HTTP-only cookie that carries the token;
/// every request and every open page re-checks it with the <see cref="TokenVerifier"/>, so a revoked or expired
/// token ends the session like it ends API access. Pages and actions need the same <see cref="HubPermission"/>s
/// as the API endpoints (an authorization policy per permission, judged by <see cref="RequiredPermission.Allows"/>).
/// </summary>
internal static class HubSession
{
    /// <summary>The cookie authentication scheme of the UI.</summary>
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;

    private const string SecretClaim = "modelops:token";
    private const string TokenIdClaim = "modelops:token_id";

    /// <summary>The session principal of <paramref name="token"/>.</summary>
    public static ClaimsPrincipal Principal(ApiToken token, string secret) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, token.Name),
            new Claim(ClaimTypes.Role, token.Role.ToName()),
            new Claim(TokenIdClaim, token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(SecretClaim, secret),
        ],
        Scheme));

    /// <summary>Cookie sign-in, the permission policies and the circuit's revalidation.</summary>
    public static void AddHubSession(this IServiceCollection services)
    {
        // One key ring for every hub on the database (see StoreSessionKeys); its keys are encrypted by the store.
        services.AddDataProtection().SetApplicationName("ModelOps hub");
        services.AddOptions<KeyManagementOptions>().Configure<ITokenStore>((keys, tokens) =>
        {
            if (tokens.SharesSessionKeys)
            {
                keys.XmlRepository = new StoreSessionKeys(tokens);
            }
        });
        services.AddAuthentication(Scheme).AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = "modelops_session";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.LoginPath = "/signin";
            cookie.AccessDeniedPath = "/signin";
            cookie.SlidingExpiration = true;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
            cookie.Events.OnValidatePrincipal = async context =>
            {
                var verifier = context.HttpContext.RequestServices.GetRequiredService<TokenVerifier>();
                if (await RefusalAsync(verifier, context.Principal, context.HttpContext.RequestAborted).ConfigureAwait(false) is not null)
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(Scheme).ConfigureAwait(false);
                }
            };

            // The API answers 401/403 itself; these only concern pages.
            cookie.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        services.AddAuthorization(authorization =>
        {
            foreach (var permission in Enum.GetValues<HubPermission>())
            {
                authorization.AddPolicy(permission.ToString(), policy => policy
                    .AddAuthenticationSchemes(Scheme)
                    .RequireAuthenticatedUser()
                    .RequireAssertion(context => Role(context.User) is { } role && RequiredPermission.Allows(role, permission)));
            }
        });
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, PageAuthorizationResultHandler>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingSession>();
    }

    /// <summary><c>POST /account/signout</c> (a form with the antiforgery token): ends the session.</summary>
    public static void MapHubSession(this IEndpointRouteBuilder app) =>
        app.MapPost("/account/signout", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            await antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
            await context.SignOutAsync(Scheme).ConfigureAwait(false);
            return Results.Redirect("/signin");
        }).ExcludeFromDescription().DisableAntiforgery();

    /// <summary>The token secret a session principal carries, or <see langword="null"/> when it is not a session.</summary>
    public static string? SecretOf(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true ? user.FindFirst(SecretClaim)?.Value : null;

    /// <summary>The role of a session principal, or <see langword="null"/> when it has none.</summary>
    public static TokenRole? Role(ClaimsPrincipal user) =>
        user.FindFirst(ClaimTypes.Role)?.Value is { } name && TokenRoleNames.TryParse(name, out var role) ? role : null;

    /// <summary>The role's name, for the app bar.</summary>
    public static string RoleName(ClaimsPrincipal user) => Role(user)?.ToName() ?? "no role";

    /// <summary>Whether the signed-in user has <paramref name="permission"/>.</summary>
    public static bool Allows(ClaimsPrincipal user, HubPermission permission) => Role(user) is { } role && RequiredPermission.Allows(role, permission);

    private static async Task<string?> RefusalAsync(TokenVerifier verifier, ClaimsPrincipal? user, CancellationToken cancellationToken)
    {
        if (user?.FindFirst(SecretClaim)?.Value is not { } secret)
        {
            return "no token";
        }

        var (token, refusal) = await verifier.VerifyAsync(secret, cancellationToken).ConfigureAwait(false);
        return token is null ? refusal : token.Role.ToName() == user.FindFirst(ClaimTypes.Role)?.Value ? null : "the token's role changed";
    }

    /// <summary>Re-checks an open page's token every few seconds: a revoked token closes the session within that time.</summary>
    private sealed class RevalidatingSession(ILoggerFactory loggers, TokenVerifier verifier) : RevalidatingServerAuthenticationStateProvider(loggers)
    {
        protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(10);

        protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
            await RefusalAsync(verifier, authenticationState.User, cancellationToken).ConfigureAwait(false) is null;
    }
}
