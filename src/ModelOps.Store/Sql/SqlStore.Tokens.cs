using ModelOps.Store.Auth;

namespace ModelOps.Store.Sql;

/// <summary>API tokens: only the SHA-256 of a secret is stored.</summary>
internal sealed partial class SqlStore : ITokenStore
{
    private const int MaxTokenName = 100;

    public async Task<CreatedApiToken> CreateTokenAsync(string name, TokenRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Trim().Length == 0 || name.Length > MaxTokenName || name.Any(char.IsControl))
        {
            throw new StoreException(StoreErrorKind.Invalid, $"token name '{name}' is invalid: use 1 to {MaxTokenName} printable characters");
        }

        var secret = TokenSecrets.Generate();
        var hash = TokenSecrets.Hash(secret);
        return await WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            var id = ToLong(await ScalarAsync(connection, transaction, "INSERT INTO api_tokens (name, role, token_hash, created_at) VALUES (@name, @role, @hash, @now) RETURNING id", cancellationToken,
                ("@name", name), ("@role", role.ToName()), ("@hash", hash), ("@now", now)).ConfigureAwait(false));
            return new CreatedApiToken(new ApiToken(id, name, role, now), secret);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ApiToken?> FindTokenAsync(string secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var hash = TokenSecrets.Hash(secret);
        var found = await ReadAsync(async connection => await QueryAsync(connection, null, "SELECT id, name, role, created_at FROM api_tokens WHERE token_hash = @hash",
            ReadToken, cancellationToken, ("@hash", hash)).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(async connection => await QueryAsync(connection, null, "SELECT id, name, role, created_at FROM api_tokens ORDER BY id",
            ReadToken, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    private ApiToken ReadToken(System.Data.Common.DbDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), TokenRoleNames.TryParse(r.GetString(2), out var role) ? role : TokenRole.Viewer, _dialect.ReadTimestamp(r, 3));
}
