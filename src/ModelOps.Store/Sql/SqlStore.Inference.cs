using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;

namespace ModelOps.Store.Sql;

/// <summary>The inference-log tables of groups: batch appends, labels, filtered pages, analytics reads.</summary>
internal sealed partial class SqlStore : IInferenceLogStore
{
    private const string RowColumns = "id, " + SqlDialect.InferenceColumns + ", label, labeled_at";
    private const int MaxPage = 1000;

    public async Task AppendInferencesAsync(IReadOnlyList<InferenceRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        // One table at a time, in first-seen order; the records of one group keep their order.
        var byTable = new Dictionary<string, List<InferenceRecord>>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var table = GroupRules.TableName(record.Group);
            if (!byTable.TryGetValue(table, out var list))
            {
                byTable[table] = list = [];
            }

            list.Add(record);
        }

        // The rows only: their statistics are folded in from the group's watermark (FoldStatisticsAsync) every
        // StatisticsFoldRows rows, and reads count the rows not folded yet themselves.
        await WriteAsync(async (connection, transaction) =>
        {
            foreach (var (table, list) in byTable)
            {
                await _dialect.LockGroupLogAsync(connection, transaction, list[0].Group, exclusive: false, cancellationToken).ConfigureAwait(false);
                await _dialect.InsertInferencesAsync(connection, transaction, table, list, cancellationToken).ConfigureAwait(false);
            }

            return 0;
        }, cancellationToken).ConfigureAwait(false);
        foreach (var list in byTable.Values)
        {
            await FoldIfDueAsync(list[0].Group, list.Count).ConfigureAwait(false);
        }
    }

    public async Task<int> SetLabelAsync(string group, string requestId, int? recordIndex, double label, string? actor = null, bool overwrite = false, CancellationToken cancellationToken = default)
    {
        var table = GroupRules.TableName(group);
        ArgumentNullException.ThrowIfNull(requestId);
        if (!double.IsFinite(label))
        {
            throw new StoreException(StoreErrorKind.Invalid, "the label must be a finite number");
        }

        var by = actor ?? _actor;
        var which = recordIndex is null ? string.Empty : " AND record_index = @index";
        (string, object?)[] keys = recordIndex is null ? [("@request", requestId)] : [("@request", requestId), ("@index", recordIndex)];
        return await WriteAsync(async (connection, transaction) =>
        {
            await RequireGroupAsync(connection, transaction, group, cancellationToken).ConfigureAwait(false);
            await _dialect.LockGroupLogAsync(connection, transaction, group, exclusive: false, cancellationToken).ConfigureAwait(false);

            // The labels before: one per record (its served and shadow rows share it), for the conflict check and the history.
            var before = new SortedDictionary<int, double?>();
            var rows = await QueryAsync(connection, transaction, $"SELECT record_index, id, {OutcomeColumns} FROM {GroupRules.Quote(table)} WHERE request_id = @request{which}{_dialect.ForUpdate}",
                r => (Index: r.GetInt32(0), Id: r.GetInt64(1), Outcome: ReadOutcome(r, 2)), cancellationToken, keys).ConfigureAwait(false);
            foreach (var (index, _, row) in rows)
            {
                if (!before.TryGetValue(index, out var seen) || seen is null)
                {
                    before[index] = row.Label;
                }
            }

            if (before.Count == 0)
            {
                var what = recordIndex is { } index
                    ? string.Create(CultureInfo.InvariantCulture, $"record {index} of request '{requestId}'")
                    : $"request '{requestId}'";
                throw new StoreException(StoreErrorKind.NotFound, $"{what} not found in the inference log of group '{group}'");
            }

            if (!overwrite)
            {
                ThrowIfLabelled(group, requestId, recordIndex, before);
            }

            var now = Now();
            var updated = await ExecuteAsync(connection, transaction, $"UPDATE {GroupRules.Quote(table)} SET label = @label, labeled_at = @now WHERE request_id = @request{which}"
                + (overwrite ? string.Empty : " AND label IS NULL"), cancellationToken, [("@label", label), ("@now", now), .. keys]).ConfigureAwait(false);
            if (!overwrite && updated != await CountAsync(connection, transaction, table, which, keys, cancellationToken).ConfigureAwait(false))
            {
                // Another writer labelled a record between the read and the update (PostgreSQL; SQLite has one writer).
                throw new StoreException(StoreErrorKind.Conflict, $"request '{requestId}' of group '{group}' was labelled by another request at the same time; send \"overwrite\": true to replace its label");
            }

            // Each row's statistics: the row with its old label out, with the new one in (rows read under lock, so exactly those
            // updated), unless the row is not counted yet: it waits for the backfill or the fold, which will read its new label.
            var pending = await PendingBackfillAsync(connection, transaction, group, cancellationToken).ConfigureAwait(false);
            var through = await FoldedThroughAsync(connection, transaction, group, cancellationToken).ConfigureAwait(false);
            var changed = rows.Where(r => (overwrite || r.Outcome.Label is null) && !(r.Id > pending.DoneThrough && r.Id <= pending.Last) && r.Id <= through).ToList();
            await ApplyStatisticsAsync(connection, transaction, group, changed.SelectMany(r => new[] { (r.Outcome, -1), (r.Outcome with { Label = label }, 1) }), cancellationToken).ConfigureAwait(false);

            foreach (var (index, old) in before)
            {
                await ExecuteAsync(connection, transaction, """
                    INSERT INTO inference_label_history (group_name, request_id, record_index, old_label, new_label, actor, changed_at)
                    VALUES (@group, @request, @index, @old, @new, @actor, @now)
                    """, cancellationToken, ("@group", group), ("@request", requestId), ("@index", index), ("@old", old), ("@new", label), ("@actor", by), ("@now", now)).ConfigureAwait(false);
            }

            return updated;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<LabelChange>> GetLabelHistoryAsync(string group, string requestId, CancellationToken cancellationToken = default)
    {
        GroupRules.TableName(group);
        ArgumentNullException.ThrowIfNull(requestId);
        return await ReadAsync(async connection => (IReadOnlyList<LabelChange>)await QueryAsync(connection, null, """
            SELECT id, record_index, old_label, new_label, actor, changed_at FROM inference_label_history
            WHERE group_name = @group AND request_id = @request ORDER BY id
            """, r => new LabelChange(r.GetInt64(0), group, requestId, r.GetInt32(1), NullableDouble(r, 2), r.GetDouble(3), r.GetString(4), _dialect.ReadTimestamp(r, 5)),
            cancellationToken, ("@group", group), ("@request", requestId)).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A conflict naming the records of <paramref name="labels"/> that already have a label, when any has.</summary>
    private static void ThrowIfLabelled(string group, string requestId, int? recordIndex, SortedDictionary<int, double?> labels)
    {
        var labelled = labels.Where(l => l.Value is not null).ToList();
        if (labelled.Count == 0)
        {
            return;
        }

        if (recordIndex is { } index)
        {
            throw new StoreException(StoreErrorKind.Conflict, string.Create(
                CultureInfo.InvariantCulture, $"record {index} of request '{requestId}' in group '{group}' already has label {labelled[0].Value}; send \"overwrite\": true to replace it"));
        }

        var list = string.Join(", ", labelled.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Key} (label {l.Value})")));
        throw new StoreException(
            StoreErrorKind.Conflict,
            $"request '{requestId}' in group '{group}' already has labels on record{(labelled.Count == 1 ? string.Empty : "s")} {list}; send \"overwrite\": true to replace them");
    }

    private async Task<long> CountAsync(DbConnection connection, DbTransaction transaction, string table, string which, (string, object?)[] keys, CancellationToken cancellationToken) =>
        ToLong(await ScalarAsync(connection, transaction, $"SELECT COUNT(*) FROM {GroupRules.Quote(table)} WHERE request_id = @request{which}", cancellationToken, keys).ConfigureAwait(false));

    public Task<InferencePage> QueryInferencesAsync(string group, InferenceQuery query, CancellationToken cancellationToken = default) =>
        QueryTableAsync(GroupRules.TableName(group), query, async connection => (await RequireGroupAsync(connection, null, group, cancellationToken).ConfigureAwait(false)).Name, cancellationToken);

    public Task<InferencePage> QueryArchiveAsync(string archive, InferenceQuery query, CancellationToken cancellationToken = default) =>
        QueryTableAsync(GroupRules.Archive(archive), query, async connection => (await RequireArchiveAsync(connection, archive, cancellationToken).ConfigureAwait(false)).Group, cancellationToken);

    public Task<IReadOnlyList<InferenceRow>> GetRequestAsync(string group, string requestId, CancellationToken cancellationToken = default) =>
        GetRequestAsync(GroupRules.TableName(group), requestId, async connection => (await RequireGroupAsync(connection, null, group, cancellationToken).ConfigureAwait(false)).Name, cancellationToken);

    public Task<IReadOnlyList<InferenceRow>> GetArchivedRequestAsync(string archive, string requestId, CancellationToken cancellationToken = default) =>
        GetRequestAsync(GroupRules.Archive(archive), requestId, async connection => (await RequireArchiveAsync(connection, archive, cancellationToken).ConfigureAwait(false)).Group, cancellationToken);

    public async Task<IReadOnlyList<InferenceArchive>> ListArchivesAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(async connection => (IReadOnlyList<InferenceArchive>)await ArchivesAsync(connection, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    public async Task<InferenceArchive> GetArchiveAsync(string archive, CancellationToken cancellationToken = default)
    {
        GroupRules.Archive(archive);
        return await ReadAsync(connection => RequireArchiveAsync(connection, archive, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The archives the audit's deletions name whose tables are still there, most recently deleted first.</summary>
    private async Task<List<InferenceArchive>> ArchivesAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var deletions = await QueryAsync(connection, null, "SELECT group_name, actor, detail, at FROM model_group_audit WHERE action = 'delete' ORDER BY id DESC",
            r => (Group: r.GetString(0), Actor: r.GetString(1), Detail: r.GetString(2), At: _dialect.ReadTimestamp(r, 3)), cancellationToken).ConfigureAwait(false);
        var archives = new List<InferenceArchive>();
        foreach (var deletion in deletions)
        {
            using var detail = JsonDocument.Parse(deletion.Detail);
            if (detail.RootElement.TryGetProperty("archivedTable", out var table) && table.ValueKind == JsonValueKind.String
                && ToLong(await ScalarAsync(connection, null, _dialect.TableExistsSql, cancellationToken, ("@name", table.GetString())).ConfigureAwait(false)) > 0)
            {
                GroupMember[] members = detail.RootElement.TryGetProperty("members", out var list) && list.ValueKind == JsonValueKind.Array
                    ? [.. list.EnumerateArray().Select(m => new GroupMember(
                        m.GetProperty("model").GetString()!, m.GetProperty("version").GetInt32(), ParseRole(m.GetProperty("role").GetString()!), m.GetProperty("weight").GetInt32()))]
                    : [];
                archives.Add(new InferenceArchive(table.GetString()!, deletion.Group, deletion.At, deletion.Actor, members));
            }
        }

        return archives;
    }

    private async Task<InferenceArchive> RequireArchiveAsync(DbConnection connection, string archive, CancellationToken cancellationToken)
    {
        var archives = await ArchivesAsync(connection, cancellationToken).ConfigureAwait(false);
        return archives.Find(a => a.Name == archive)
            ?? throw NotFound.Error($"archive '{archive}'", archive, [.. archives.Select(a => a.Name)], "archives are", "there are no archives");
    }

    private async Task<InferencePage> QueryTableAsync(string table, InferenceQuery query, Func<DbConnection, Task<string>> requireGroup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > MaxPage)
        {
            throw new StoreException(StoreErrorKind.Invalid, string.Create(CultureInfo.InvariantCulture, $"limit {query.Limit} is outside 1 to {MaxPage}"));
        }

        var where = new StringBuilder();
        var parameters = new List<(string, object?)>();
        void Filter(string condition, string name, object? value)
        {
            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(condition);
            parameters.Add((name, value));
        }

        if (query.Model is { } model)
        {
            Filter("model = @model", "@model", model);
        }

        if (query.Version is { } version)
        {
            Filter("version = @version", "@version", version);
        }

        if (query.Role is { } role)
        {
            Filter("role = @role", "@role", role.ToName());
        }

        if (query.Roles is { Count: > 0 } roles)
        {
            var names = roles.Distinct().Select((r, i) => (Name: string.Create(CultureInfo.InvariantCulture, $"@role{i}"), Value: r.ToName())).ToList();
            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append("role IN (").AppendJoin(", ", names.Select(n => n.Name)).Append(')');
            parameters.AddRange(names.Select(n => (n.Name, (object?)n.Value)));
        }

        if (query.Labelled is { } labelled)
        {
            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(labelled ? "label IS NOT NULL" : "label IS NULL");
        }

        if (query.From is { } from)
        {
            Filter("logged_at >= @from", "@from", SqlDialect.Microseconds(from));
        }

        if (query.To is { } to)
        {
            Filter("logged_at < @to", "@to", SqlDialect.Microseconds(to));
        }

        if (query.MinPrediction is { } min)
        {
            Filter("prediction >= @min", "@min", min);
        }

        if (query.MaxPrediction is { } max)
        {
            Filter("prediction <= @max", "@max", max);
        }

        if (query.Text is { Length: > 0 } text)
        {
            Filter(_dialect.LikeIgnoringCase("inputs", "@text"), "@text", SqlDialect.ContainsPattern(text));
        }

        if (query.Before is { } before)
        {
            Filter("id < @before", "@before", before);
        }

        parameters.Add(("@limit", query.Limit + 1));
        return await ReadAsync(async connection =>
        {
            var group = await requireGroup(connection).ConfigureAwait(false);
            var rows = await QueryAsync(connection, null, $"SELECT {RowColumns} FROM {GroupRules.Quote(table)}{where} ORDER BY id DESC LIMIT @limit",
                r => ReadRow(r, group), cancellationToken, [.. parameters]).ConfigureAwait(false);
            long? next = null;
            if (rows.Count > query.Limit)
            {
                rows.RemoveAt(rows.Count - 1);
                next = rows[^1].Id;
            }

            return new InferencePage(rows, next);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<InferenceRow>> GetRequestAsync(string table, string requestId, Func<DbConnection, Task<string>> requireGroup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        return await ReadAsync(async connection =>
        {
            var group = await requireGroup(connection).ConfigureAwait(false);
            var rows = await QueryAsync(connection, null, $"SELECT {RowColumns} FROM {GroupRules.Quote(table)} WHERE request_id = @request ORDER BY record_index, id",
                r => ReadRow(r, group), cancellationToken, ("@request", requestId)).ConfigureAwait(false);
            return (IReadOnlyList<InferenceRow>)[.. rows.OrderBy(r => r.Record.RecordIndex).ThenBy(r => r.Record.Role == GroupRole.Shadow).ThenBy(r => r.Id)];
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<InferenceOutcome>> ReadOutcomesAsync(string group, DateTimeOffset? from = null, DateTimeOffset? to = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var table = GroupRules.TableName(group);
        var sql = $"SELECT {OutcomeColumns} FROM {GroupRules.Quote(table)} WHERE 1 = 1"
            + (from is null ? string.Empty : " AND logged_at >= @from")
            + (to is null ? string.Empty : " AND logged_at < @to")
            + " ORDER BY id"
            + (limit is null ? string.Empty : " LIMIT @limit");
        var parameters = new List<(string, object?)>();
        if (from is { } start)
        {
            parameters.Add(("@from", SqlDialect.Microseconds(start)));
        }

        if (to is { } end)
        {
            parameters.Add(("@to", SqlDialect.Microseconds(end)));
        }

        if (limit is { } most)
        {
            parameters.Add(("@limit", most));
        }

        return await ReadAsync(async connection =>
        {
            await RequireGroupAsync(connection, null, group, cancellationToken).ConfigureAwait(false);
            return (IReadOnlyList<InferenceOutcome>)await QueryAsync(connection, null, sql, r => ReadOutcome(r, 0), cancellationToken, [.. parameters]).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The columns <see cref="ReadOutcome"/> reads, in its order.</summary>
    private const string OutcomeColumns = "model, version, role, logged_at, prediction, probability, label, latency_ms, error";

    private InferenceOutcome ReadOutcome(DbDataReader r, int first) => new(
        r.GetString(first),
        r.GetInt32(first + 1),
        ParseRole(r.GetString(first + 2)),
        _dialect.ReadTimestamp(r, first + 3),
        NullableDouble(r, first + 4),
        NullableDouble(r, first + 5),
        NullableDouble(r, first + 6),
        r.GetDouble(first + 7),
        !r.IsDBNull(first + 8));

    private static double? NullableDouble(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    private static GroupRole ParseRole(string name) => GroupNames.TryParseRole(name, out var role) ? role : GroupRole.Shadow;

    private InferenceRow ReadRow(DbDataReader r, string group) => new(
        r.GetInt64(0),
        new InferenceRecord(
            group,
            r.GetString(1),
            r.GetInt32(2),
            _dialect.ReadTimestamp(r, 3),
            r.GetString(4),
            r.GetInt32(5),
            ParseRole(r.GetString(6)),
            NullableString(r, 7),
            r.GetString(8),
            NullableDouble(r, 9),
            NullableDouble(r, 10),
            NullableString(r, 11),
            r.GetDouble(12),
            NullableString(r, 13)),
        NullableDouble(r, 14),
        NullableTimestamp(r, 15));
}
