using System.Data.Common;
using System.Globalization;
using ModelOps.Store.Registry;

namespace ModelOps.Store.Sql;

internal sealed partial class SqlStore
{
    private const string VersionSelect = """
        SELECT m.name, v.version, v.run_id, v.artifact_uri, v.signature, v.status, v.description, v.created_at, v.id
        FROM model_versions v JOIN registered_models m ON m.id = v.model_id
        """;

    public async Task<RegisteredModel> CreateModelAsync(string name, string? description = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default)
    {
        Names.Model(name);
        ValidateKeys(tags, "tag");
        return await WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            var id = await ScalarAsync(connection, transaction, """
                INSERT INTO registered_models (name, description, created_at, updated_at) VALUES (@name, @description, @now, @now)
                ON CONFLICT (name) DO NOTHING RETURNING id
                """, cancellationToken, ("@name", name), ("@description", description), ("@now", now)).ConfigureAwait(false)
                ?? throw new StoreException(StoreErrorKind.Conflict, $"model '{name}' already exists");
            foreach (var (key, value) in tags ?? new Dictionary<string, string>())
            {
                await ExecuteAsync(connection, transaction, "INSERT INTO model_tags (model_id, key, value) VALUES (@model, @key, @value)", cancellationToken,
                    ("@model", ToLong(id)), ("@key", key), ("@value", value)).ConfigureAwait(false);
            }

            return (await FindModelsAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false))[0];
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<RegisteredModel> GetModelAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return await ReadAsync(async connection =>
        {
            var found = await FindModelsAsync(connection, null, name, cancellationToken).ConfigureAwait(false);
            return found.Count > 0 ? found[0] : throw await ModelNotFoundAsync(connection, null, name, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RegisteredModel>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(async connection => await FindModelsAsync(connection, null, null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    public async Task<ModelVersion> RegisterVersionAsync(NewModelVersion version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        Names.Model(version.Model);
        ArgumentException.ThrowIfNullOrEmpty(version.ArtifactUri);
        ValidateKeys(version.Tags, "tag");
        return await WriteAsync(async (connection, transaction) =>
        {
            if (version.RunId is not null)
            {
                await RequireRunAsync(connection, transaction, version.RunId, cancellationToken).ConfigureAwait(false);
            }

            var now = Now();
            await ExecuteAsync(connection, transaction, """
                INSERT INTO registered_models (name, created_at, updated_at) VALUES (@name, @now, @now) ON CONFLICT (name) DO NOTHING
                """, cancellationToken, ("@name", version.Model), ("@now", now)).ConfigureAwait(false);

            // Updating the model row locks it (PostgreSQL: a row lock held to commit; SQLite: the
            // file's write lock is already held), so concurrent registrations of one model take
            // turns here and each reads the max its predecessor committed: no gap, no duplicate.
            var modelId = ToLong(await ScalarAsync(connection, transaction, "UPDATE registered_models SET updated_at = @now WHERE name = @name RETURNING id", cancellationToken,
                ("@now", now), ("@name", version.Model)).ConfigureAwait(false));
            var number = (int)ToLong(await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions WHERE model_id = @model", cancellationToken,
                ("@model", modelId)).ConfigureAwait(false));
            Fault("register:before-version");
            var versionId = ToLong(await ScalarAsync(connection, transaction, """
                INSERT INTO model_versions (model_id, version, run_id, artifact_uri, signature, status, description, created_at)
                VALUES (@model, @version, @run, @uri, @signature, @status, @description, @now) RETURNING id
                """, cancellationToken,
                ("@model", modelId), ("@version", number), ("@run", version.RunId), ("@uri", version.ArtifactUri), ("@signature", version.Signature),
                ("@status", ModelVersionStatus.Ready.ToName()), ("@description", version.Description), ("@now", now)).ConfigureAwait(false));
            Fault("register:after-version");
            foreach (var (key, value) in version.Tags ?? new Dictionary<string, string>())
            {
                await ExecuteAsync(connection, transaction, "INSERT INTO model_version_tags (version_id, key, value) VALUES (@version, @key, @value)", cancellationToken,
                    ("@version", versionId), ("@key", key), ("@value", value)).ConfigureAwait(false);
                Fault("register:after-tag");
            }

            return new ModelVersion(
                version.Model, number, version.RunId, version.ArtifactUri, version.Signature, ModelVersionStatus.Ready, version.Description, now,
                new Dictionary<string, string>(version.Tags ?? new Dictionary<string, string>(), StringComparer.Ordinal), []);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ModelVersion> GetVersionAsync(string model, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return await ReadAsync(async connection =>
        {
            var modelId = await RequireModelAsync(connection, null, model, cancellationToken).ConfigureAwait(false);
            return await RequireVersionAsync(connection, null, model, modelId, version, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ModelVersion> GetLatestVersionAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return await ReadAsync(async connection => await LatestVersionAsync(connection, model, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return await ReadAsync(async connection =>
        {
            var modelId = await RequireModelAsync(connection, null, model, cancellationToken).ConfigureAwait(false);
            return await VersionsAsync(connection, null, modelId, null, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ModelVersion> ResolveAsync(string reference, CancellationToken cancellationToken = default)
    {
        var parsed = ModelReference.Parse(reference);
        return await ReadAsync(async connection =>
        {
            if (parsed.IsLatest)
            {
                return await LatestVersionAsync(connection, parsed.Model, cancellationToken).ConfigureAwait(false);
            }

            var modelId = await RequireModelAsync(connection, null, parsed.Model, cancellationToken).ConfigureAwait(false);
            var number = parsed.Version
                ?? await AliasVersionAsync(connection, null, parsed.Model, modelId, parsed.Alias!, cancellationToken).ConfigureAwait(false);
            return await RequireVersionAsync(connection, null, parsed.Model, modelId, number, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ModelVersion> SetVersionStatusAsync(string model, int version, ModelVersionStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return await WriteAsync(async (connection, transaction) =>
        {
            var modelId = await RequireModelAsync(connection, transaction, model, cancellationToken).ConfigureAwait(false);
            await RequireVersionAsync(connection, transaction, model, modelId, version, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "UPDATE model_versions SET status = @status WHERE model_id = @model AND version = @version", cancellationToken,
                ("@status", status.ToName()), ("@model", modelId), ("@version", version)).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "UPDATE registered_models SET updated_at = @now WHERE id = @model", cancellationToken,
                ("@now", Now()), ("@model", modelId)).ConfigureAwait(false);
            return await RequireVersionAsync(connection, transaction, model, modelId, version, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AliasChange> SetAliasAsync(string model, string alias, int version, string? reason = null, string? actor = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        Names.Alias(alias);
        return await WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            var modelId = await LockModelAsync(connection, transaction, model, now, cancellationToken).ConfigureAwait(false);
            await RequireVersionAsync(connection, transaction, model, modelId, version, cancellationToken).ConfigureAwait(false);
            var from = await CurrentAliasAsync(connection, transaction, modelId, alias, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, """
                INSERT INTO model_aliases (model_id, alias, version, updated_at) VALUES (@model, @alias, @version, @now)
                ON CONFLICT (model_id, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at
                """, cancellationToken, ("@model", modelId), ("@alias", alias), ("@version", version), ("@now", now)).ConfigureAwait(false);
            Fault("alias:after-move");
            return await AppendHistoryAsync(connection, transaction, model, modelId, alias, from, version, actor ?? _actor, reason, now, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AliasChange> DeleteAliasAsync(string model, string alias, string? reason = null, string? actor = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(alias);
        return await WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            var modelId = await LockModelAsync(connection, transaction, model, now, cancellationToken).ConfigureAwait(false);
            var from = await AliasVersionAsync(connection, transaction, model, modelId, alias, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "DELETE FROM model_aliases WHERE model_id = @model AND alias = @alias", cancellationToken,
                ("@model", modelId), ("@alias", alias)).ConfigureAwait(false);
            return await AppendHistoryAsync(connection, transaction, model, modelId, alias, from, null, actor ?? _actor, reason, now, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ModelAlias>> ListAliasesAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return await ReadAsync(async connection =>
        {
            var modelId = await RequireModelAsync(connection, null, model, cancellationToken).ConfigureAwait(false);
            return await QueryAsync(connection, null, "SELECT alias, version, updated_at FROM model_aliases WHERE model_id = @model ORDER BY alias",
                r => new ModelAlias(model, r.GetString(0), r.GetInt32(1), _dialect.ReadTimestamp(r, 2)), cancellationToken, ("@model", modelId)).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AliasChange>> GetAliasHistoryAsync(string model, string? alias = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return await ReadAsync(async connection =>
        {
            var modelId = await RequireModelAsync(connection, null, model, cancellationToken).ConfigureAwait(false);
            const string Select = "SELECT id, alias, from_version, to_version, actor, reason, changed_at FROM model_alias_history WHERE model_id = @model";
            var history = alias is null
                ? await QueryAsync(connection, null, Select + " ORDER BY id", r => ReadAliasChange(r, model), cancellationToken, ("@model", modelId)).ConfigureAwait(false)
                : await QueryAsync(connection, null, Select + " AND alias = @alias ORDER BY id", r => ReadAliasChange(r, model), cancellationToken,
                    ("@model", modelId), ("@alias", alias)).ConfigureAwait(false);
            if (alias is not null && history.Count == 0)
            {
                throw await AliasNotFoundAsync(connection, null, model, modelId, alias, cancellationToken).ConfigureAwait(false);
            }

            return history;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AliasChange> AppendHistoryAsync(
        DbConnection connection, DbTransaction transaction, string model, long modelId, string alias, int? from, int? to, string actor, string? reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = ToLong(await ScalarAsync(connection, transaction, """
            INSERT INTO model_alias_history (model_id, alias, from_version, to_version, actor, reason, changed_at)
            VALUES (@model, @alias, @from, @to, @actor, @reason, @now) RETURNING id
            """, cancellationToken,
            ("@model", modelId), ("@alias", alias), ("@from", from), ("@to", to), ("@actor", actor), ("@reason", reason), ("@now", now)).ConfigureAwait(false));
        return new AliasChange(id, model, alias, from, to, actor, reason, now);
    }

    /// <summary>Locks the model row to the end of the transaction (alias moves of one model take turns) and returns its id.</summary>
    private async Task<long> LockModelAsync(DbConnection connection, DbTransaction transaction, string model, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = await ScalarAsync(connection, transaction, "UPDATE registered_models SET updated_at = @now WHERE name = @name RETURNING id", cancellationToken,
            ("@now", now), ("@name", model)).ConfigureAwait(false);
        return id is null ? throw await ModelNotFoundAsync(connection, transaction, model, cancellationToken).ConfigureAwait(false) : ToLong(id);
    }

    private async Task<long> RequireModelAsync(DbConnection connection, DbTransaction? transaction, string model, CancellationToken cancellationToken)
    {
        var id = await ScalarAsync(connection, transaction, "SELECT id FROM registered_models WHERE name = @name", cancellationToken, ("@name", model)).ConfigureAwait(false);
        return id is null ? throw await ModelNotFoundAsync(connection, transaction, model, cancellationToken).ConfigureAwait(false) : ToLong(id);
    }

    private async Task<StoreException> ModelNotFoundAsync(DbConnection connection, DbTransaction? transaction, string model, CancellationToken cancellationToken)
    {
        var names = await StringsAsync(connection, transaction, "SELECT name FROM registered_models ORDER BY name", cancellationToken).ConfigureAwait(false);
        return NotFound.Error($"model '{model}'", model, names, "models are", "there are no models");
    }

    private async Task<ModelVersion> RequireVersionAsync(DbConnection connection, DbTransaction? transaction, string model, long modelId, int version, CancellationToken cancellationToken)
    {
        var found = await VersionsAsync(connection, transaction, modelId, version, cancellationToken).ConfigureAwait(false);
        if (found.Count > 0)
        {
            return found[0];
        }

        var latest = (int)ToLong(await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM model_versions WHERE model_id = @model", cancellationToken,
            ("@model", modelId)).ConfigureAwait(false));
        var which = latest switch
        {
            0 => "it has no versions",
            1 => "its only version is 1",
            _ => string.Create(CultureInfo.InvariantCulture, $"its versions are 1 to {latest}"),
        };
        throw new StoreException(StoreErrorKind.NotFound, string.Create(CultureInfo.InvariantCulture, $"version {version} of model '{model}' not found; {which}"));
    }

    private async Task<ModelVersion> LatestVersionAsync(DbConnection connection, string model, CancellationToken cancellationToken)
    {
        var modelId = await RequireModelAsync(connection, null, model, cancellationToken).ConfigureAwait(false);
        var latest = (int)ToLong(await ScalarAsync(connection, null, "SELECT COALESCE(MAX(version), 0) FROM model_versions WHERE model_id = @model", cancellationToken,
            ("@model", modelId)).ConfigureAwait(false));
        return latest == 0
            ? throw new StoreException(StoreErrorKind.NotFound, $"model '{model}' has no versions yet; register one first")
            : await RequireVersionAsync(connection, null, model, modelId, latest, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int?> CurrentAliasAsync(DbConnection connection, DbTransaction? transaction, long modelId, string alias, CancellationToken cancellationToken)
    {
        var version = await ScalarAsync(connection, transaction, "SELECT version FROM model_aliases WHERE model_id = @model AND alias = @alias", cancellationToken,
            ("@model", modelId), ("@alias", alias)).ConfigureAwait(false);
        return version is null ? null : (int)ToLong(version);
    }

    private async Task<int> AliasVersionAsync(DbConnection connection, DbTransaction? transaction, string model, long modelId, string alias, CancellationToken cancellationToken) =>
        await CurrentAliasAsync(connection, transaction, modelId, alias, cancellationToken).ConfigureAwait(false)
        ?? throw await AliasNotFoundAsync(connection, transaction, model, modelId, alias, cancellationToken).ConfigureAwait(false);

    private async Task<StoreException> AliasNotFoundAsync(DbConnection connection, DbTransaction? transaction, string model, long modelId, string alias, CancellationToken cancellationToken)
    {
        var aliases = await StringsAsync(connection, transaction, "SELECT alias FROM model_aliases WHERE model_id = @model ORDER BY alias", cancellationToken, ("@model", modelId)).ConfigureAwait(false);
        return NotFound.Error($"alias '{alias}' of model '{model}'", alias, aliases, "its aliases are", "the model has no aliases");
    }

    /// <summary>Versions of a model (one when <paramref name="version"/> is given) with their tags and aliases.</summary>
    private async Task<List<ModelVersion>> VersionsAsync(DbConnection connection, DbTransaction? transaction, long modelId, int? version, CancellationToken cancellationToken)
    {
        var rows = version is null
            ? await QueryAsync(connection, transaction, VersionSelect + " WHERE v.model_id = @model ORDER BY v.version",
                r => (Version: ReadVersion(r), Id: r.GetInt64(8)), cancellationToken, ("@model", modelId)).ConfigureAwait(false)
            : await QueryAsync(connection, transaction, VersionSelect + " WHERE v.model_id = @model AND v.version = @version",
                r => (Version: ReadVersion(r), Id: r.GetInt64(8)), cancellationToken, ("@model", modelId), ("@version", version.Value)).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            return [];
        }

        var tags = await QueryAsync(connection, transaction, """
            SELECT t.version_id, t.key, t.value FROM model_version_tags t JOIN model_versions v ON v.id = t.version_id
            WHERE v.model_id = @model ORDER BY t.key
            """, r => (Id: r.GetInt64(0), Key: r.GetString(1), Value: r.GetString(2)), cancellationToken, ("@model", modelId)).ConfigureAwait(false);
        var aliases = await QueryAsync(connection, transaction, "SELECT version, alias FROM model_aliases WHERE model_id = @model ORDER BY alias",
            r => (Version: r.GetInt32(0), Alias: r.GetString(1)), cancellationToken, ("@model", modelId)).ConfigureAwait(false);
        var result = new List<ModelVersion>(rows.Count);
        foreach (var (row, id) in rows)
        {
            var rowTags = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                if (tag.Id == id)
                {
                    rowTags[tag.Key] = tag.Value;
                }
            }

            var rowAliases = new List<string>();
            foreach (var alias in aliases)
            {
                if (alias.Version == row.Version)
                {
                    rowAliases.Add(alias.Alias);
                }
            }

            result.Add(row with { Tags = rowTags, Aliases = rowAliases });
        }

        return result;
    }

    /// <summary>Registered models (one when <paramref name="name"/> is given) with tags, latest version and aliases.</summary>
    private async Task<List<RegisteredModel>> FindModelsAsync(DbConnection connection, DbTransaction? transaction, string? name, CancellationToken cancellationToken)
    {
        var filter = name is null ? string.Empty : " WHERE m.name = @name";
        var models = await QueryAsync(connection, transaction, """
            SELECT m.id, m.name, m.description, m.created_at, m.updated_at, (SELECT MAX(v.version) FROM model_versions v WHERE v.model_id = m.id)
            FROM registered_models m
            """ + filter + " ORDER BY m.name",
            r => (Id: r.GetInt64(0), Model: new RegisteredModel(
                r.GetString(1), NullableString(r, 2), new Dictionary<string, string>(), _dialect.ReadTimestamp(r, 3), _dialect.ReadTimestamp(r, 4),
                r.IsDBNull(5) ? null : (int)ToLong(r.GetValue(5)), new Dictionary<string, int>())),
            cancellationToken, NameParameter(name)).ConfigureAwait(false);
        if (models.Count == 0)
        {
            return [];
        }

        var join = name is null ? string.Empty : " JOIN registered_models m ON m.id = x.model_id WHERE m.name = @name";
        var tags = await QueryAsync(connection, transaction, "SELECT x.model_id, x.key, x.value FROM model_tags x" + join + " ORDER BY x.key",
            r => (Id: r.GetInt64(0), Key: r.GetString(1), Value: r.GetString(2)), cancellationToken, NameParameter(name)).ConfigureAwait(false);
        var aliases = await QueryAsync(connection, transaction, "SELECT x.model_id, x.alias, x.version FROM model_aliases x" + join + " ORDER BY x.alias",
            r => (Id: r.GetInt64(0), Alias: r.GetString(1), Version: r.GetInt32(2)), cancellationToken, NameParameter(name)).ConfigureAwait(false);
        var result = new List<RegisteredModel>(models.Count);
        foreach (var (id, model) in models)
        {
            var modelTags = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                if (tag.Id == id)
                {
                    modelTags[tag.Key] = tag.Value;
                }
            }

            var modelAliases = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var alias in aliases)
            {
                if (alias.Id == id)
                {
                    modelAliases[alias.Alias] = alias.Version;
                }
            }

            result.Add(model with { Tags = modelTags, Aliases = modelAliases });
        }

        return result;
    }

    private static (string Name, object? Value)[] NameParameter(string? name) => name is null ? [] : [("@name", name)];

    private ModelVersion ReadVersion(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt32(1),
        NullableString(reader, 2),
        reader.GetString(3),
        NullableString(reader, 4),
        ModelVersionStatusNames.Parse(reader.GetString(5)),
        NullableString(reader, 6),
        _dialect.ReadTimestamp(reader, 7),
        new Dictionary<string, string>(),
        []);

    private AliasChange ReadAliasChange(DbDataReader reader, string model) => new(
        reader.GetInt64(0),
        model,
        reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetInt32(2),
        reader.IsDBNull(3) ? null : reader.GetInt32(3),
        reader.GetString(4),
        NullableString(reader, 5),
        _dialect.ReadTimestamp(reader, 6));
}
