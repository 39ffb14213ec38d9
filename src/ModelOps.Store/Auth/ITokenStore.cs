namespace ModelOps.Store.Auth;

/// <summary>
/// API tokens of the hub; only the SHA-256 of a secret is stored. Reach it through
/// <see cref="IModelStore.Tokens"/>; it shares that store's connections and is as thread-safe.
/// </summary>
public interface ITokenStore
{
    /// <summary>Makes an API token; its secret is returned once and only its SHA-256 is stored.</summary>
    /// <param name="name">A name to tell tokens apart (the actor of the changes made with it).</param>
    /// <param name="role">What the token may do.</param>
    /// <param name="expiresAt">When the token stops being accepted; <see langword="null"/> (the default) for never.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="StoreException">The name is empty or too long, or the expiry is not in the future.</exception>
    Task<CreatedApiToken> CreateTokenAsync(string name, TokenRole role, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default);

    /// <summary>Revokes token <paramref name="id"/>: every hub refuses it from its next check (within <c>HubOptions.TokenCacheDuration</c>). Revoking a revoked token changes nothing.</summary>
    /// <returns>The token, with the time it was revoked.</returns>
    /// <exception cref="StoreException">No such token (<see cref="StoreErrorKind.NotFound"/>).</exception>
    Task<ApiToken> RevokeTokenAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Records that a hub accepted token <paramref name="id"/> now (its <see cref="ApiToken.LastUsedAt"/>).</summary>
    Task TouchTokenAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>The token whose secret is <paramref name="secret"/> (also when revoked or expired: see <see cref="ApiToken.RefusalAt"/>), or <see langword="null"/> when there is none.</summary>
    Task<ApiToken?> FindTokenAsync(string secret, CancellationToken cancellationToken = default);

    /// <summary>Every token (never a secret), by id.</summary>
    Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether the hub's session keys are kept here: with a master key that every hub can be given (SQLite's key file
    /// beside the database, <c>MODELOPS_SECRET_KEY</c>, <c>MODELOPS_SECRET_KEY_FILE</c> or an existing
    /// <c>.modelops/secret.key</c>). Otherwise (PostgreSQL with none of these) a hub keeps its own keys, as the
    /// framework does, and no key file is made in its working folder.
    /// </summary>
    bool SharesSessionKeys { get; }

    /// <summary>
    /// The hub's session keys (the XML of ASP.NET Core's data-protection keys that sign the UI's session cookies
    /// and antiforgery tokens), decrypted, oldest first. Every hub on the database reads the same keys, so a
    /// session started on one hub is valid on the others behind a balancer. A key sealed under a master key this
    /// process lacks (a hub given another key) is left out: this hub then makes and uses a key of its own.
    /// </summary>
    Task<IReadOnlyList<string>> GetSessionKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a new session key's XML, encrypted under the current master key; a name already stored is left as it is.</summary>
    Task AddSessionKeyAsync(string name, string xml, CancellationToken cancellationToken = default);
}
