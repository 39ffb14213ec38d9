using System.Data.Common;
using System.Globalization;
using ModelOps.Store.Auth;
using ModelOps.Store.Connectors;

namespace ModelOps.Store.Sql;

/// <summary>API tokens: only the SHA-256 of a secret is stored; expiry, revocation and last use beside it.</summary>
internal sealed partial class SqlStore : ITokenStore
{
    private const int MaxTokenName = 100;
    private const string TokenColumns = "id, name, role, created_at, expires_at, revoked_at, last_used_at";

    public async Task<CreatedApiToken> CreateTokenAsync(string name, TokenRole role, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
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
            if (expiresAt is { } expires && expires <= now)
            {
                throw new StoreException(StoreErrorKind.Invalid, string.Create(
                    CultureInfo.InvariantCulture, $"token expiry {expires.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC is not in the future"));
            }

            var expiry = expiresAt is { } e ? SqlDialect.Microseconds(e) : (DateTimeOffset?)null;
            var id = ToLong(await ScalarAsync(connection, transaction, "INSERT INTO api_tokens (name, role, token_hash, created_at, expires_at) VALUES (@name, @role, @hash, @now, @expires) RETURNING id", cancellationToken,
                ("@name", name), ("@role", role.ToName()), ("@hash", hash), ("@now", now), ("@expires", expiry)).ConfigureAwait(false));
            return new CreatedApiToken(new ApiToken(id, name, role, now) { ExpiresAt = expiry }, secret);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ApiToken> RevokeTokenAsync(long id, CancellationToken cancellationToken = default) =>
        await WriteAsync(async (connection, transaction) =>
        {
            await ExecuteAsync(connection, transaction, "UPDATE api_tokens SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL", cancellationToken,
                ("@now", Now()), ("@id", id)).ConfigureAwait(false);
            var found = await QueryAsync(connection, transaction, $"SELECT {TokenColumns} FROM api_tokens WHERE id = @id", ReadToken, cancellationToken, ("@id", id)).ConfigureAwait(false);
            return found.Count == 1
                ? found[0]
                : throw new StoreException(StoreErrorKind.NotFound, string.Create(CultureInfo.InvariantCulture, $"token {id} not found; list them with 'modelops tokens list'"));
        }, cancellationToken).ConfigureAwait(false);

    public async Task TouchTokenAsync(long id, CancellationToken cancellationToken = default) =>
        await WriteAsync(async (connection, transaction) =>
            await ExecuteAsync(connection, transaction, "UPDATE api_tokens SET last_used_at = @now WHERE id = @id", cancellationToken, ("@now", Now()), ("@id", id)).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<string>> GetSessionKeysAsync(CancellationToken cancellationToken = default)
    {
        var keys = SecretKeys;
        var rows = await ReadAsync(async connection => await QueryAsync(connection, null, "SELECT name, key_id, xml_sealed FROM hub_session_keys ORDER BY id",
            r => (Name: r.GetString(0), KeyId: r.GetString(1), Sealed: r.GetString(2)), cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return [.. rows.Where(r => keys.Ids.Contains(r.KeyId)).Select(r => keys.Decrypt(r.KeyId, r.Sealed, SessionKeyContext(r.Name), $"hub session key '{r.Name}'"))];
    }

    public async Task AddSessionKeyAsync(string name, string xml, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(xml);
        var (keyId, sealedXml) = SecretKeys.Encrypt(xml, SessionKeyContext(name));
        await WriteAsync(async (connection, transaction) =>
        {
            var exists = ToLong(await ScalarAsync(connection, transaction, "SELECT COUNT(*) FROM hub_session_keys WHERE name = @name", cancellationToken, ("@name", name)).ConfigureAwait(false)) > 0;
            if (!exists)
            {
                await ExecuteAsync(connection, transaction, "INSERT INTO hub_session_keys (name, key_id, xml_sealed, created_at) VALUES (@name, @key_id, @xml, @now)", cancellationToken,
                    ("@name", name), ("@key_id", keyId), ("@xml", sealedXml), ("@now", Now())).ConfigureAwait(false);
            }

            return exists;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Re-encrypts the session keys not under the current master key, in the caller's transaction (a master-key rotation).</summary>
    private async Task ReencryptSessionKeysAsync(DbConnection connection, DbTransaction transaction, SecretKeyRing keys, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(connection, transaction, "SELECT name, key_id, xml_sealed FROM hub_session_keys WHERE key_id <> @current ORDER BY id",
            r => (Name: r.GetString(0), KeyId: r.GetString(1), Sealed: r.GetString(2)), cancellationToken, ("@current", keys.CurrentId)).ConfigureAwait(false);
        foreach (var (name, keyId, sealedXml) in rows)
        {
            var (newId, resealed) = keys.Encrypt(keys.Decrypt(keyId, sealedXml, SessionKeyContext(name), $"hub session key '{name}'"), SessionKeyContext(name));
            await ExecuteAsync(connection, transaction, "UPDATE hub_session_keys SET key_id = @key_id, xml_sealed = @xml WHERE name = @name", cancellationToken,
                ("@key_id", newId), ("@xml", resealed), ("@name", name)).ConfigureAwait(false);
        }
    }

    private static string SessionKeyContext(string name) => "modelops hub session key " + name;

    public async Task<ApiToken?> FindTokenAsync(string secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var hash = TokenSecrets.Hash(secret);
        var found = await ReadAsync(async connection => await QueryAsync(connection, null, $"SELECT {TokenColumns} FROM api_tokens WHERE token_hash = @hash",
            ReadToken, cancellationToken, ("@hash", hash)).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(async connection => await QueryAsync(connection, null, $"SELECT {TokenColumns} FROM api_tokens ORDER BY id",
            ReadToken, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    private ApiToken ReadToken(System.Data.Common.DbDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), TokenRoleNames.TryParse(r.GetString(2), out var role) ? role : TokenRole.Viewer, _dialect.ReadTimestamp(r, 3))
        {
            ExpiresAt = r.IsDBNull(4) ? null : _dialect.ReadTimestamp(r, 4),
            RevokedAt = r.IsDBNull(5) ? null : _dialect.ReadTimestamp(r, 5),
            LastUsedAt = r.IsDBNull(6) ? null : _dialect.ReadTimestamp(r, 6),
        };
}
