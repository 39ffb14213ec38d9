namespace ModelOps.Store.Auth;

/// <summary>An API token of the hub, as stored: never the secret, only its SHA-256.</summary>
/// <param name="Id">The token's id.</param>
/// <param name="Name">A name to tell tokens apart.</param>
/// <param name="Role">What the token may do.</param>
/// <param name="CreatedAt">When it was made (UTC).</param>
public sealed record ApiToken(long Id, string Name, TokenRole Role, DateTimeOffset CreatedAt)
{
    /// <summary>When the token stops being accepted, or <see langword="null"/> when it does not expire.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When the token was revoked, or <see langword="null"/>.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>When a hub last accepted the token (recorded at most once a minute per hub process), or <see langword="null"/> when never.</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>Why the token is refused at <paramref name="now"/> (revoked or expired), or <see langword="null"/> when it is accepted.</summary>
    public string? RefusalAt(DateTimeOffset now) =>
        RevokedAt is { } revoked ? $"token '{Name}' was revoked at {revoked.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC"
        : ExpiresAt is { } expires && expires <= now ? $"token '{Name}' expired at {expires.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC"
        : null;
}

/// <summary>A token just made: <see cref="Secret"/> is shown once and never stored.</summary>
/// <param name="Token">The stored token.</param>
/// <param name="Secret">The bearer secret: <c>mo_</c> + 43 base64url characters (32 random bytes).</param>
public sealed record CreatedApiToken(ApiToken Token, string Secret);

/// <summary>What a token may do on the hub.</summary>
public enum TokenRole
{
    /// <summary>Everything, including deleting groups (<c>admin</c>).</summary>
    Admin,

    /// <summary>Read, predict, send feedback, create and change groups, promote (<c>scientist</c>).</summary>
    Scientist,

    /// <summary>Only predict and send feedback (<c>predictor</c>).</summary>
    Predictor,

    /// <summary>Only read (<c>viewer</c>).</summary>
    Viewer,
}

/// <summary>The names of <see cref="TokenRole"/> values.</summary>
public static class TokenRoleNames
{
    /// <summary>The accepted role names, for messages.</summary>
    public const string Accepted = "admin, scientist, predictor, viewer";

    /// <summary><c>admin</c>, <c>scientist</c>, <c>predictor</c> or <c>viewer</c>.</summary>
    public static string ToName(this TokenRole role) => role switch
    {
        TokenRole.Admin => "admin",
        TokenRole.Scientist => "scientist",
        TokenRole.Predictor => "predictor",
        TokenRole.Viewer => "viewer",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown token role."),
    };

    /// <summary>Parses a role name (case-insensitive); <see langword="false"/> when it is none.</summary>
    public static bool TryParse(string? name, out TokenRole role)
    {
        switch (name?.ToLowerInvariant())
        {
            case "admin":
                role = TokenRole.Admin;
                return true;
            case "scientist":
                role = TokenRole.Scientist;
                return true;
            case "predictor":
                role = TokenRole.Predictor;
                return true;
            case "viewer":
                role = TokenRole.Viewer;
                return true;
            default:
                role = default;
                return false;
        }
    }
}
