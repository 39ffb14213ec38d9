using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using ModelOps.Store.Groups;
using ModelOps.Store.Registry;

namespace ModelOps.Store.Sql;

/// <summary>Model groups and their audit. Every change bumps <c>hub_revision</c> first, so group writers take turns on one row.</summary>
internal sealed partial class SqlStore : IGroupStore
{
    private const string GroupSelect = "SELECT id, name, table_name, deletion_policy, description, created_at, updated_at, revision, guardrails FROM model_groups";

    // Audit details in camelCase, records (a guardrail's rule and figures) as much as the anonymous objects.
    private static readonly JsonSerializerOptions AuditJson = new(JsonSerializerDefaults.Web);

    private static readonly JsonSerializerOptions GuardrailJson = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public async Task<ModelGroup> CreateGroupAsync(NewModelGroup group, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(actor);
        GroupRules.NewName(group.Name);
        var table = GroupRules.TableName(group.Name);
        GroupRules.Members(group.Name, group.Members);
        var members = GroupRules.Ordered(group.Members);
        return await WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            await BumpRevisionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            if (await ScalarAsync(connection, transaction, "SELECT name FROM model_groups WHERE name = @name OR table_name = @table", cancellationToken,
                ("@name", group.Name), ("@table", table)).ConfigureAwait(false) is string taken)
            {
                throw new StoreException(StoreErrorKind.Conflict, taken == group.Name
                    ? $"group '{group.Name}' already exists"
                    : $"group '{group.Name}' cannot be created: its table {table} is the table of group '{taken}' ('-' and '_' map to the same name)");
            }

            await RequireMembersAsync(connection, transaction, members, cancellationToken).ConfigureAwait(false);
            var id = ToLong(await ScalarAsync(connection, transaction, """
                INSERT INTO model_groups (name, table_name, deletion_policy, description, created_at, updated_at, revision)
                VALUES (@name, @table, @policy, @description, @now, @now, 1) RETURNING id
                """, cancellationToken,
                ("@name", group.Name), ("@table", table), ("@policy", group.DeletionPolicy.ToName()), ("@description", group.Description), ("@now", now)).ConfigureAwait(false));
            await InsertMembersAsync(connection, transaction, id, members, cancellationToken).ConfigureAwait(false);
            var quoted = GroupRules.Quote(table);
            var suffix = id.ToString(CultureInfo.InvariantCulture);
            await ExecuteAsync(connection, transaction, _dialect.Ddl($"""
                CREATE TABLE {quoted} (
                    id {"{id}"},
                    request_id TEXT NOT NULL,
                    record_index INTEGER NOT NULL,
                    logged_at {"{timestamp}"} NOT NULL,
                    model TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    role TEXT NOT NULL,
                    routing_key TEXT,
                    inputs TEXT NOT NULL,
                    prediction {"{real}"},
                    probability {"{real}"},
                    shap TEXT,
                    latency_ms {"{real}"} NOT NULL,
                    error TEXT,
                    label {"{real}"},
                    labeled_at {"{timestamp}"}
                );
                CREATE INDEX "ilog_{suffix}_request" ON {quoted} (request_id, record_index);
                CREATE INDEX "ilog_{suffix}_time" ON {quoted} (logged_at);
                """), cancellationToken).ConfigureAwait(false);
            Fault("group:after-table");
            await AuditAsync(connection, transaction, group.Name, "create", actor, new
            {
                table,
                deletionPolicy = group.DeletionPolicy.ToName(),
                members = MembersDetail(members),
            }, now, cancellationToken).ConfigureAwait(false);
            return (await GroupsAsync(connection, transaction, group.Name, cancellationToken).ConfigureAwait(false))[0];
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ModelGroup> GetGroupAsync(string name, CancellationToken cancellationToken = default)
    {
        GroupRules.Name(name);
        return await ReadAsync(async connection => await RequireGroupAsync(connection, null, name, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ModelGroup>> ListGroupsAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(async connection => await GroupsAsync(connection, null, null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    public async Task<ModelGroup> SetMembersAsync(string name, IReadOnlyList<GroupMember> members, string actor, CancellationToken cancellationToken = default)
    {
        GroupRules.Name(name);
        ArgumentNullException.ThrowIfNull(actor);
        GroupRules.Members(name, members);
        var ordered = GroupRules.Ordered(members);
        return await WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            await BumpRevisionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            var current = await RequireGroupAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
            await RequireMembersAsync(connection, transaction, ordered, cancellationToken).ConfigureAwait(false);
            await ReplaceMembersAsync(connection, transaction, name, ordered, now, cancellationToken).ConfigureAwait(false);
            await AuditAsync(connection, transaction, name, "split", actor, new
            {
                before = MembersDetail(current.Members),
                after = MembersDetail(ordered),
            }, now, cancellationToken).ConfigureAwait(false);
            return await RequireGroupAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ModelGroup> SetGuardrailsAsync(string name, IReadOnlyList<GroupGuardrail> guardrails, string actor, CancellationToken cancellationToken = default)
    {
        GroupRules.Name(name);
        ArgumentNullException.ThrowIfNull(actor);
        if (GroupGuardrail.Problems(guardrails) is { Count: > 0 } problems)
        {
            throw new StoreException(StoreErrorKind.Invalid, $"the guardrails of group '{name}' are invalid: {string.Join("; ", problems)}");
        }

        return await WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            await BumpRevisionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            var current = await RequireGroupAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "UPDATE model_groups SET guardrails = @rules, revision = revision + 1, updated_at = @now WHERE name = @name", cancellationToken,
                ("@rules", guardrails.Count == 0 ? null : JsonSerializer.Serialize(guardrails, GuardrailJson)), ("@now", now), ("@name", name)).ConfigureAwait(false);
            await AuditAsync(connection, transaction, name, "guardrails", actor, new { before = current.Guardrails, after = guardrails }, now, cancellationToken).ConfigureAwait(false);
            return await RequireGroupAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<GroupAuditEntry?> TakeTrafficAsync(string name, GuardrailTrip trip, CancellationToken cancellationToken = default)
    {
        GroupRules.Name(name);
        ArgumentNullException.ThrowIfNull(trip);
        return await WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            var current = await RequireGroupAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
            var taken = current.Members.FirstOrDefault(m => m.Model == trip.Model && m.Version == trip.Version && m.Role == GroupRole.Challenger && m.Weight > 0);
            if (taken is null)
            {
                // Another process (or a person) changed the split first: nothing to take.
                return null;
            }

            await BumpRevisionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            var members = GroupRules.Ordered([.. current.Members.Select(m =>
                m == taken ? m with { Role = GroupRole.Shadow, Weight = 0 }
                : m.Role == GroupRole.Champion ? m with { Weight = m.Weight + taken.Weight }
                : m)]);
            await ReplaceMembersAsync(connection, transaction, name, members, now, cancellationToken).ConfigureAwait(false);
            return await AuditAsync(connection, transaction, name, "guardrail", GuardrailActor, new
            {
                challenger = new { model = trip.Model, version = trip.Version },
                rule = trip.Rule,
                reason = trip.Reason,
                figures = trip.Figures is { } f ? new { requests = f.Requests, errors = f.Errors, errorRate = f.ErrorRate, labelled = f.Labelled } : null,
                comparison = trip.Comparison,
                before = MembersDetail(current.Members),
                after = MembersDetail(members),
            }, now, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<GroupPromotion> PromoteAsync(string name, string model, int version, bool takeAllTraffic, string actor, string? reason = null, CancellationToken cancellationToken = default)
    {
        GroupRules.Name(name);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(actor);
        return await WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            await BumpRevisionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            var current = await RequireGroupAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
            var modelId = await LockModelAsync(connection, transaction, model, now, cancellationToken).ConfigureAwait(false);
            RequireServable(await RequireVersionAsync(connection, transaction, model, modelId, version, cancellationToken).ConfigureAwait(false));
            var members = current.MembersAfterPromotion(model, version, takeAllTraffic);
            await ReplaceMembersAsync(connection, transaction, name, members, now, cancellationToken).ConfigureAwait(false);
            var from = await CurrentAliasAsync(connection, transaction, modelId, StoreDefaults.Alias, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, """
                INSERT INTO model_aliases (model_id, alias, version, updated_at) VALUES (@model, @alias, @version, @now)
                ON CONFLICT (model_id, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at
                """, cancellationToken, ("@model", modelId), ("@alias", StoreDefaults.Alias), ("@version", version), ("@now", now)).ConfigureAwait(false);
            var history = reason ?? $"promoted in group '{name}'";
            var alias = await AppendHistoryAsync(connection, transaction, model, modelId, StoreDefaults.Alias, from, version, actor, history, now, cancellationToken).ConfigureAwait(false);
            Fault("promote:after-alias");
            await AuditAsync(connection, transaction, name, "promote", actor, new
            {
                champion = new { model, version },
                takeAllTraffic,
                reason,
                before = MembersDetail(current.Members),
                after = MembersDetail(members),
            }, now, cancellationToken).ConfigureAwait(false);
            var group = await RequireGroupAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
            return new GroupPromotion(group, alias);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<GroupDeletion> DeleteGroupAsync(string name, string actor, CancellationToken cancellationToken = default)
    {
        GroupRules.Name(name);
        ArgumentNullException.ThrowIfNull(actor);
        return await WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            await BumpRevisionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            var group = await RequireGroupAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
            var id = ToLong(await ScalarAsync(connection, transaction, "SELECT id FROM model_groups WHERE name = @name", cancellationToken, ("@name", name)).ConfigureAwait(false));
            string? archived = null;
            if (group.DeletionPolicy == GroupDeletionPolicy.Archive)
            {
                archived = GroupRules.ArchiveName(id);
                await ExecuteAsync(connection, transaction, $"ALTER TABLE {GroupRules.Quote(group.TableName)} RENAME TO {GroupRules.Quote(archived)}", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await ExecuteAsync(connection, transaction, $"DROP TABLE {GroupRules.Quote(group.TableName)}", cancellationToken).ConfigureAwait(false);
            }

            await ExecuteAsync(connection, transaction, "DELETE FROM inference_statistics WHERE group_name = @name", cancellationToken, ("@name", name)).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "DELETE FROM inference_statistics_backfill WHERE group_name = @name", cancellationToken, ("@name", name)).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "DELETE FROM model_group_members WHERE group_id = @id", cancellationToken, ("@id", id)).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "DELETE FROM model_groups WHERE id = @id", cancellationToken, ("@id", id)).ConfigureAwait(false);
            var audit = await AuditAsync(connection, transaction, name, "delete", actor, new
            {
                policy = group.DeletionPolicy.ToName(),
                table = group.TableName,
                archivedTable = archived,
                members = MembersDetail(group.Members),
            }, now, cancellationToken).ConfigureAwait(false);
            return new GroupDeletion(name, group.DeletionPolicy, archived, audit);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<GroupAuditEntry>> GetGroupAuditAsync(string? name = null, CancellationToken cancellationToken = default) =>
        await ReadAsync(async connection => await QueryAsync(
            connection,
            null,
            "SELECT id, group_name, action, actor, detail, at FROM model_group_audit" + (name is null ? string.Empty : " WHERE group_name = @name") + " ORDER BY id",
            r => new GroupAuditEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), _dialect.ReadTimestamp(r, 5)),
            cancellationToken,
            name is null ? [] : [("@name", name)]).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    public async Task<long> GetGroupsRevisionAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(async connection => ToLong(await ScalarAsync(connection, null, "SELECT revision FROM hub_revision WHERE id = 1", cancellationToken).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);

    /// <summary>The actor of the audit records a tripped guardrail writes.</summary>
    private const string GuardrailActor = "guardrail";

    private async Task BumpRevisionAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, transaction, "UPDATE hub_revision SET revision = revision + 1 WHERE id = 1", cancellationToken).ConfigureAwait(false);

    private async Task RequireMembersAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<GroupMember> members, CancellationToken cancellationToken)
    {
        foreach (var member in members)
        {
            var modelId = await RequireModelAsync(connection, transaction, member.Model, cancellationToken).ConfigureAwait(false);
            RequireServable(await RequireVersionAsync(connection, transaction, member.Model, modelId, member.Version, cancellationToken).ConfigureAwait(false));
        }
    }

    // A group's members answer requests: imported metadata without a model file cannot.
    private static void RequireServable(ModelVersion version)
    {
        if (RegisteredModels.IsMetadataOnly(version))
        {
            throw new StoreException(
                StoreErrorKind.Invalid,
                string.Create(CultureInfo.InvariantCulture, $"version {version.Version} of model '{version.Model}' is external metadata without a model file, so it cannot serve in a group; import the metadata with its XGBoost model to serve it"));
        }
    }

    private async Task<long> ReplaceMembersAsync(DbConnection connection, DbTransaction transaction, string name, IReadOnlyList<GroupMember> members, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = ToLong(await ScalarAsync(connection, transaction, "UPDATE model_groups SET revision = revision + 1, updated_at = @now WHERE name = @name RETURNING id", cancellationToken,
            ("@now", now), ("@name", name)).ConfigureAwait(false));
        await ExecuteAsync(connection, transaction, "DELETE FROM model_group_members WHERE group_id = @id", cancellationToken, ("@id", id)).ConfigureAwait(false);
        await InsertMembersAsync(connection, transaction, id, members, cancellationToken).ConfigureAwait(false);
        return id;
    }

    private async Task InsertMembersAsync(DbConnection connection, DbTransaction transaction, long groupId, IReadOnlyList<GroupMember> members, CancellationToken cancellationToken)
    {
        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            await ExecuteAsync(connection, transaction, """
                INSERT INTO model_group_members (group_id, position, model, version, role, weight) VALUES (@group, @position, @model, @version, @role, @weight)
                """, cancellationToken,
                ("@group", groupId), ("@position", i), ("@model", member.Model), ("@version", member.Version), ("@role", member.Role.ToName()), ("@weight", member.Weight)).ConfigureAwait(false);
        }
    }

    private async Task<GroupAuditEntry> AuditAsync(DbConnection connection, DbTransaction transaction, string group, string action, string actor, object detail, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(detail, AuditJson);
        var id = ToLong(await ScalarAsync(connection, transaction, """
            INSERT INTO model_group_audit (group_name, action, actor, detail, at) VALUES (@group, @action, @actor, @detail, @now) RETURNING id
            """, cancellationToken, ("@group", group), ("@action", action), ("@actor", actor), ("@detail", json), ("@now", now)).ConfigureAwait(false));
        return new GroupAuditEntry(id, group, action, actor, json, now);
    }

    private static object[] MembersDetail(IReadOnlyList<GroupMember> members) =>
        [.. members.Select(m => new { model = m.Model, version = m.Version, role = m.Role.ToName(), weight = m.Weight })];

    private async Task<ModelGroup> RequireGroupAsync(DbConnection connection, DbTransaction? transaction, string name, CancellationToken cancellationToken)
    {
        var found = await GroupsAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
        if (found.Count == 1)
        {
            return found[0];
        }

        var names = await StringsAsync(connection, transaction, "SELECT name FROM model_groups ORDER BY name", cancellationToken).ConfigureAwait(false);
        throw NotFound.Error($"group '{name}'", name, names, "groups are", "there are no groups");
    }

    private async Task<List<ModelGroup>> GroupsAsync(DbConnection connection, DbTransaction? transaction, string? name, CancellationToken cancellationToken)
    {
        var where = name is null ? " ORDER BY name" : " WHERE name = @name";
        (string, object?)[] parameters = name is null ? [] : [("@name", name)];
        var rows = await QueryAsync(connection, transaction, GroupSelect + where, r => (
            Id: r.GetInt64(0),
            Name: r.GetString(1),
            Table: r.GetString(2),
            Policy: r.GetString(3) == "archive" ? GroupDeletionPolicy.Archive : GroupDeletionPolicy.Delete,
            Description: NullableString(r, 4),
            Created: _dialect.ReadTimestamp(r, 5),
            Updated: _dialect.ReadTimestamp(r, 6),
            Revision: r.GetInt64(7),
            Guardrails: NullableString(r, 8) is { } json ? JsonSerializer.Deserialize<GroupGuardrail[]>(json, GuardrailJson)! : Array.Empty<GroupGuardrail>()), cancellationToken, parameters).ConfigureAwait(false);
        var memberSql = "SELECT m.group_id, m.model, m.version, m.role, m.weight FROM model_group_members m"
            + (name is null ? string.Empty : " JOIN model_groups g ON g.id = m.group_id WHERE g.name = @name")
            + " ORDER BY m.group_id, m.position";
        var members = await QueryAsync(connection, transaction, memberSql, r => (
            Group: r.GetInt64(0),
            Member: new GroupMember(r.GetString(1), r.GetInt32(2), GroupNames.TryParseRole(r.GetString(3), out var role) ? role : GroupRole.Shadow, r.GetInt32(4))),
            cancellationToken, parameters).ConfigureAwait(false);
        var byGroup = members.ToLookup(m => m.Group, m => m.Member);
        return [.. rows.Select(g => new ModelGroup(g.Name, g.Table, g.Policy, g.Description, [.. byGroup[g.Id]], g.Revision, g.Created, g.Updated) { Guardrails = g.Guardrails })];
    }
}
