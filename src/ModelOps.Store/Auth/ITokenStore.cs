namespace ModelOps.Store.Auth;

/// <summary>
/// API tokens of the hub; only the SHA-256 of a secret is stored. Reach it through
/// <see cref="IModelStore.Tokens"/>; it shares that store's connections and is as thread-safe.
/// </summary>
public interface ITokenStore
{
    /// <summary>Makes an API token; its secret is returned once and only its SHA-256 is stored.</summary>
    /// <exception cref="StoreException">The name is empty or too long.</exception>
    Task<CreatedApiToken> CreateTokenAsync(string name, TokenRole role, CancellationToken cancellationToken = default);

    /// <summary>The token whose secret is <paramref name="secret"/>, or <see langword="null"/> when there is none.</summary>
    Task<ApiToken?> FindTokenAsync(string secret, CancellationToken cancellationToken = default);

    /// <summary>Every token (never a secret), by id.</summary>
    Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken cancellationToken = default);
}
