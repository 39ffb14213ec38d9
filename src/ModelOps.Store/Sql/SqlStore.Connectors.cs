using System.Data.Common;
using System.Globalization;
using ModelOps.Store.Connectors;

namespace ModelOps.Store.Sql;

/// <summary>
/// Connectors to LLM providers: each API key is sealed with AES-256-GCM under the current master key (bound to the
/// connector's name) before it is written; only its last 4 characters and when it was set are readable.
/// </summary>
internal sealed partial class SqlStore : IConnectorStore
{
    private const int MaxConnectorName = 100;
    private const int MaxConnectorModel = 200;
    private const int MaxApiKey = 4096;
    private const string ConnectorColumns = "name, kind, model, base_url, timeout_ms, key_hint, key_set_at, created_at, created_by, updated_at";
    private static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    public async Task<Connector> AddConnectorAsync(NewConnector connector, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(actor);
        var problems = new List<string>();
        CheckConnectorName(connector.Name, problems);
        CheckConnectorFields(connector.Kind, connector.Model, connector.BaseUrl, connector.ApiKey, keyRequired: true, connector.Timeout, problems);
        ThrowIfInvalid($"connector '{connector.Name}'", problems);
        var key = connector.ApiKey is { } apiKey ? Seal(connector.Name, apiKey) : default;
        return await WriteAsync(async (connection, transaction) =>
        {
            var taken = await QueryAsync(connection, transaction, "SELECT name FROM connectors WHERE name = @name", r => r.GetString(0), cancellationToken, ("@name", connector.Name)).ConfigureAwait(false);
            if (taken.Count > 0)
            {
                throw new StoreException(StoreErrorKind.Conflict, $"connector '{connector.Name}' already exists; change it with 'modelops connectors update' or remove it first");
            }

            var now = Now();
            await ExecuteAsync(
                connection,
                transaction,
                "INSERT INTO connectors (name, kind, model, base_url, timeout_ms, key_id, key_sealed, key_hint, key_set_at, created_at, created_by, updated_at) "
                + "VALUES (@name, @kind, @model, @base_url, @timeout, @key_id, @key_sealed, @key_hint, @key_set_at, @now, @actor, @now)",
                cancellationToken,
                ("@name", connector.Name),
                ("@kind", connector.Kind.ToName()),
                ("@model", connector.Model),
                ("@base_url", NullIfEmpty(connector.BaseUrl)),
                ("@timeout", connector.Timeout is { } timeout ? (long)timeout.TotalMilliseconds : null),
                ("@key_id", key.KeyId),
                ("@key_sealed", key.Sealed),
                ("@key_hint", key.Hint),
                ("@key_set_at", connector.ApiKey is null ? null : now),
                ("@now", now),
                ("@actor", actor)).ConfigureAwait(false);
            return await GetConnectorAsync(connection, transaction, connector.Name, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Connector> UpdateConnectorAsync(string name, ConnectorChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(change);
        var current = await GetConnectorAsync(name, cancellationToken).ConfigureAwait(false);
        var baseUrl = change.BaseUrl is null ? current.BaseUrl : NullIfEmpty(change.BaseUrl);
        var problems = new List<string>();
        CheckConnectorFields(current.Kind, change.Model ?? current.Model, baseUrl, change.ApiKey, keyRequired: false, change.Timeout ?? current.Timeout, problems);
        ThrowIfInvalid($"connector '{name}'", problems);
        var key = change.ApiKey is { } apiKey ? Seal(name, apiKey) : default;
        return await WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            var changed = await ExecuteAsync(
                connection,
                transaction,
                "UPDATE connectors SET model = @model, base_url = @base_url, timeout_ms = @timeout, updated_at = @now"
                + (change.ApiKey is null ? string.Empty : ", key_id = @key_id, key_sealed = @key_sealed, key_hint = @key_hint, key_set_at = @now")
                + " WHERE name = @name",
                cancellationToken,
                ("@model", change.Model ?? current.Model),
                ("@base_url", baseUrl),
                ("@timeout", (change.Timeout ?? current.Timeout) is { } timeout ? (long)timeout.TotalMilliseconds : null),
                ("@now", now),
                ("@key_id", key.KeyId),
                ("@key_sealed", key.Sealed),
                ("@key_hint", key.Hint),
                ("@name", name)).ConfigureAwait(false);
            return changed == 1
                ? await GetConnectorAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false)
                : throw await ConnectorNotFoundAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task RemoveConnectorAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await WriteAsync(async (connection, transaction) =>
        {
            var removed = await ExecuteAsync(connection, transaction, "DELETE FROM connectors WHERE name = @name", cancellationToken, ("@name", name)).ConfigureAwait(false);
            return removed == 1 ? removed : throw await ConnectorNotFoundAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Connector> GetConnectorAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return await ReadAsync(async connection => await GetConnectorAsync(connection, null, name, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Connector>> ListConnectorsAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(async connection => await QueryAsync(connection, null, $"SELECT {ConnectorColumns} FROM connectors ORDER BY name", ReadConnector, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    public async Task<ConnectorCredentials> OpenConnectorAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var (connector, keyId, sealedKey) = await ReadAsync(
            async connection =>
            {
                var found = await QueryAsync(connection, null, $"SELECT {ConnectorColumns}, key_id, key_sealed FROM connectors WHERE name = @name", r => (ReadConnector(r), r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11)), cancellationToken, ("@name", name)).ConfigureAwait(false);
                return found.Count == 1 ? found[0] : throw await ConnectorNotFoundAsync(connection, null, name, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        var apiKey = keyId is null || sealedKey is null ? null : SecretKeys.Decrypt(keyId, sealedKey, KeyContext(name), $"the API key of connector '{name}'");
        return new ConnectorCredentials(connector, apiKey);
    }

    public async Task<int> ReencryptConnectorKeysAsync(CancellationToken cancellationToken = default)
    {
        var keys = SecretKeys;
        return await WriteAsync(async (connection, transaction) =>
        {
            var sealedKeys = await QueryAsync(connection, transaction, "SELECT name, key_id, key_sealed FROM connectors WHERE key_sealed IS NOT NULL ORDER BY name", r => (Name: r.GetString(0), KeyId: r.GetString(1), Sealed: r.GetString(2)), cancellationToken).ConfigureAwait(false);
            var changed = 0;
            foreach (var (name, keyId, sealedKey) in sealedKeys)
            {
                if (keyId == keys.CurrentId)
                {
                    continue;
                }

                var (newId, resealed) = keys.Encrypt(keys.Decrypt(keyId, sealedKey, KeyContext(name), $"the API key of connector '{name}'"), KeyContext(name));
                await ExecuteAsync(connection, transaction, "UPDATE connectors SET key_id = @key_id, key_sealed = @key_sealed WHERE name = @name", cancellationToken, ("@key_id", newId), ("@key_sealed", resealed), ("@name", name)).ConfigureAwait(false);
                changed++;
            }

            await ReencryptSessionKeysAsync(connection, transaction, keys, cancellationToken).ConfigureAwait(false);
            return changed;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<MasterKeyRotation> RotateMasterKeyAsync(CancellationToken cancellationToken = default)
    {
        var ring = SecretKeys;
        if (ring.KeyFile is not { } file)
        {
            if (ring.Ids.Count < 2)
            {
                throw new StoreException(StoreErrorKind.Invalid, $"{ring.Source} holds one master key ({ring.CurrentId}); to rotate it, put a new key in front of it (NEW,OLD; make one with 'openssl rand -base64 32') on this process and every hub, rotate, then drop the old key");
            }

            var reencrypted = await ReencryptConnectorKeysAsync(cancellationToken).ConfigureAwait(false);
            return new MasterKeyRotation(ring.CurrentId, [.. ring.Ids.Skip(1)], reencrypted, null);
        }

        // The new key goes in front of the old ones first, so that a crash at any step leaves every stored key readable.
        var newKey = SecretKeyRing.NewKey();
        SecretKeyRing.WriteKeyFile(file, [newKey, .. ring.Texts]);
        var rotated = SecretKeyRing.FromKeyFile(file);
        lock (_secretKeysLock)
        {
            _secretKeys = rotated;
        }

        var count = await ReencryptConnectorKeysAsync(cancellationToken).ConfigureAwait(false);
        SecretKeyRing.WriteKeyFile(file, [newKey]);
        lock (_secretKeysLock)
        {
            _secretKeys = SecretKeyRing.FromKeyFile(file);
        }

        return new MasterKeyRotation(rotated.CurrentId, [.. ring.Ids], count, file);
    }

    private SecretKeyRing SecretKeys
    {
        get
        {
            lock (_secretKeysLock)
            {
                return _secretKeys ??= _loadSecretKeys();
            }
        }
    }

    private static string KeyContext(string name) => "modelops connector " + name;

    private (string? KeyId, string? Sealed, string? Hint) Seal(string name, string apiKey)
    {
        var (keyId, sealedKey) = SecretKeys.Encrypt(apiKey, KeyContext(name));
        return (keyId, sealedKey, apiKey.Length <= 8 ? null : apiKey[^4..]);
    }

    private async Task<Connector> GetConnectorAsync(DbConnection connection, DbTransaction? transaction, string name, CancellationToken cancellationToken)
    {
        var found = await QueryAsync(connection, transaction, $"SELECT {ConnectorColumns} FROM connectors WHERE name = @name", ReadConnector, cancellationToken, ("@name", name)).ConfigureAwait(false);
        return found.Count == 1 ? found[0] : throw await ConnectorNotFoundAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
    }

    private async Task<StoreException> ConnectorNotFoundAsync(DbConnection connection, DbTransaction? transaction, string name, CancellationToken cancellationToken)
    {
        var names = await QueryAsync(connection, transaction, "SELECT name FROM connectors ORDER BY name", r => r.GetString(0), cancellationToken).ConfigureAwait(false);
        return NotFound.Error($"connector '{name}'", name, names, "connectors are", "there are no connectors; an admin adds one with 'modelops connectors add'");
    }

    private Connector ReadConnector(DbDataReader r) =>
        new(r.GetString(0), ConnectorKindNames.TryParse(r.GetString(1), out var kind) ? kind : ConnectorKind.OpenAICompatible, r.GetString(2), _dialect.ReadTimestamp(r, 7), r.GetString(8))
        {
            BaseUrl = r.IsDBNull(3) ? null : r.GetString(3),
            Timeout = r.IsDBNull(4) ? null : TimeSpan.FromMilliseconds(r.GetInt64(4)),
            KeyHint = r.IsDBNull(5) ? null : r.GetString(5),
            KeySetAt = r.IsDBNull(6) ? null : _dialect.ReadTimestamp(r, 6),
            UpdatedAt = _dialect.ReadTimestamp(r, 9),
        };

    private static void CheckConnectorName(string name, List<string> problems)
    {
        if (name is null || name.Length == 0 || name.Length > MaxConnectorName || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            problems.Add($"name: use 1 to {MaxConnectorName} letters, digits, '-', '_' or '.'");
        }
    }

    private static void CheckConnectorFields(ConnectorKind kind, string model, string? baseUrl, string? apiKey, bool keyRequired, TimeSpan? timeout, List<string> problems)
    {
        if (!Enum.IsDefined(kind))
        {
            problems.Add($"kind: must be one of {ConnectorKindNames.Accepted}");
        }

        if (string.IsNullOrWhiteSpace(model) || model.Length > MaxConnectorModel || model.Any(char.IsControl))
        {
            problems.Add($"model: name the model its calls use, 1 to {MaxConnectorModel} printable characters (e.g. gpt-4o-mini)");
        }

        if (!string.IsNullOrEmpty(baseUrl))
        {
            if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                problems.Add($"base_url: '{baseUrl}' is not an http or https URL");
            }
            else if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query))
            {
                problems.Add("base_url: must not hold a user, a password or a query (give the API key as the key)");
            }
        }
        else if (kind == ConnectorKind.OpenAICompatible)
        {
            problems.Add("base_url: an openai-compatible connector needs the endpoint's base URL (e.g. http://localhost:11434/v1 for Ollama)");
        }

        if (apiKey is not null)
        {
            if (apiKey.Length == 0 || apiKey.Length > MaxApiKey || apiKey.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                problems.Add($"api_key: must be 1 to {MaxApiKey} characters without spaces or control characters");
            }
        }
        else if (keyRequired && kind != ConnectorKind.OpenAICompatible)
        {
            problems.Add($"api_key: kind {kind.ToName()} needs the provider's API key (only openai-compatible endpoints may have none)");
        }

        if (timeout is { } t && (t < MinTimeout || t > MaxTimeout))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"timeout: must be 1 to 600 seconds, not {t.TotalSeconds:0.###}"));
        }
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
