using System.Data.Common;
using System.Globalization;
using System.Text;
using ModelOps.Core.Analytics;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;

namespace ModelOps.Store.Sql;

/// <summary>
/// The inference statistics: per group, model version, role and time cell (a minute, an hour, a day) the
/// <see cref="OutcomeStatistics"/> of its rows, changed in the transaction that appends or labels the rows, so a report
/// of any window reads a bounded number of cells whatever the number of rows.
/// </summary>
internal sealed partial class SqlStore
{
    /// <summary>The cell widths kept, in seconds, finest first.</summary>
    private static readonly long[] CellWidths = [InferenceStatistics.MinuteSeconds, InferenceStatistics.HourSeconds, InferenceStatistics.DaySeconds];

    public async Task<IReadOnlyList<StatisticsCell>> ReadStatisticsAsync(string group, DateTimeOffset? from, DateTimeOffset? to, TimeSpan bucket, CancellationToken cancellationToken = default)
    {
        GroupRules.TableName(group);
        var widest = InferenceStatistics.WidestCell(bucket)
            ?? throw new StoreException(StoreErrorKind.Invalid, $"a bucket of {bucket} is not a whole number of minutes");
        var ranges = InferenceStatistics.Cover(from, to, widest);
        if (ranges.Count == 0)
        {
            return [];
        }

        // One index range scan per width range (an OR of ranges could make the database scan every cell of the group).
        var sql = new StringBuilder();
        var parameters = new List<(string, object?)> { ("@group", group) };
        for (var i = 0; i < ranges.Count; i++)
        {
            var (width, start, end) = ranges[i];
            sql.Append(i == 0 ? string.Empty : " UNION ALL ").Append(CultureInfo.InvariantCulture,
                $"SELECT model, version, role, start_us, statistics FROM inference_statistics WHERE group_name = @group AND width_s = @w{i} AND start_us >= @s{i} AND start_us < @e{i}");
            parameters.Add(($"@w{i}", width));
            parameters.Add(($"@s{i}", start));
            parameters.Add(($"@e{i}", end));
        }

        // The rows after the watermark are few (a fold comes every StatisticsFoldRows appended rows): read by id, kept
        // when in the window. A time condition in SQL could make the database walk the window's rows by time instead.
        var (low, high) = InferenceStatistics.Window(from, to);
        var tail = $"SELECT g.statistics_through_id, t.model, t.version, t.role, t.logged_at, t.prediction, t.probability, t.label, t.latency_ms, t.error FROM model_groups g LEFT JOIN {GroupRules.Quote(GroupRules.TableName(group))} t ON t.id > g.statistics_through_id WHERE g.name = @group";
        return await ReadAsync(async connection =>
        {
            await RequireGroupAsync(connection, null, group, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                // The rows not folded yet (with the watermark, in one statement), then the cells; a fold that committed in
                // between moved rows from the one to the other, so then both are read again.
                var through = 0L;
                var rows = await QueryAsync(connection, null, tail, r =>
                {
                    through = r.GetInt64(0);
                    return r.IsDBNull(1) ? null : ReadOutcome(r, 1);
                }, cancellationToken, ("@group", group)).ConfigureAwait(false);
                var cells = await QueryAsync(connection, null, sql.ToString(),
                    r => new StatisticsCell(r.GetString(0), r.GetInt32(1), r.GetString(2), InferenceStatistics.FromMicroseconds(r.GetInt64(3)), (byte[])r.GetValue(4)),
                    cancellationToken, [.. parameters]).ConfigureAwait(false);
                if (await FoldedThroughAsync(connection, null, group, cancellationToken).ConfigureAwait(false) == through)
                {
                    cells.AddRange(TailCells(rows.Where(r => r is not null && InferenceStatistics.ToMicroseconds(r.Timestamp) is var t && t >= low && t < high)));
                    return (IReadOnlyList<StatisticsCell>)cells;
                }
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Rows a fold has not counted yet, as the minute cells they would be counted in.</summary>
    private static IEnumerable<StatisticsCell> TailCells(IEnumerable<InferenceOutcome?> rows)
    {
        var cells = new Dictionary<(string Model, int Version, GroupRole Role, long Start), OutcomeStatistics>();
        foreach (var row in rows)
        {
            if (row is null)
            {
                continue;
            }

            var key = (row.Model, row.Version, row.Role, InferenceStatistics.CellStart(InferenceStatistics.ToMicroseconds(row.Timestamp), InferenceStatistics.MinuteSeconds));
            if (!cells.TryGetValue(key, out var statistics))
            {
                cells.Add(key, statistics = new OutcomeStatistics());
            }

            statistics.Apply(row.ToScoredRow(), row.Task);
        }

        return cells.Select(c => new StatisticsCell(c.Key.Model, c.Key.Version, c.Key.Role.ToName(), InferenceStatistics.FromMicroseconds(c.Key.Start), c.Value.ToBytes()));
    }

    /// <summary>The rows this instance appends to a group before it folds them into the statistics (<see cref="StoreOptions.StatisticsFoldRows"/>).</summary>
    private readonly int _foldRows;

    /// <summary>Rows appended per group by this instance since it last folded them.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _unfolded = new(StringComparer.Ordinal);

    /// <summary>Folds the group's new rows into its statistics once this instance has appended <see cref="_foldRows"/> since its last fold.</summary>
    private async Task FoldIfDueAsync(string group, int appended)
    {
        if (_unfolded.AddOrUpdate(group, appended, (_, count) => count + appended) < _foldRows)
        {
            return;
        }

        try
        {
            await FoldStatisticsAsync(group, CancellationToken.None).ConfigureAwait(false);
            _unfolded[group] = 0;
        }
        catch (Exception error) when (error is StoreException or DbException or FormatException or TimeoutException)
        {
            // The append is committed: its caller must not see it fail. The rows stay counted by reads from the log, and
            // the next append tries the fold again.
        }
    }

    /// <summary>
    /// Counts the rows of <paramref name="group"/> logged after its watermark (<c>model_groups.statistics_through_id</c>)
    /// into the statistics cells, in chunks of rows in id order, each committed with the id it reached: a row is counted
    /// once (the watermark moves in the transaction that counts it) and never skipped (the exclusive group-log lock
    /// waits for the appends in flight, so every id below the last one read is committed).
    /// </summary>
    internal async Task FoldStatisticsAsync(string group, CancellationToken cancellationToken)
    {
        var table = GroupRules.Quote(GroupRules.TableName(group));
        var more = true;
        while (more)
        {
            more = await WriteAsync(async (connection, transaction) =>
            {
                await _dialect.LockGroupLogAsync(connection, transaction, group, exclusive: true, cancellationToken).ConfigureAwait(false);
                var through = await FoldedThroughAsync(connection, transaction, group, cancellationToken).ConfigureAwait(false);
                if (through < 0)
                {
                    return false;
                }

                var rows = await QueryAsync(connection, transaction, $"SELECT id, {OutcomeColumns} FROM {table} WHERE id > @through ORDER BY id LIMIT @chunk",
                    r => (Id: r.GetInt64(0), Row: ReadOutcome(r, 1)), cancellationToken, ("@through", through), ("@chunk", BackfillChunk)).ConfigureAwait(false);
                if (rows.Count == 0)
                {
                    return false;
                }

                await AddStatisticsAsync(connection, transaction, group, rows.Select(r => r.Row), cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, "UPDATE model_groups SET statistics_through_id = @reached WHERE name = @group",
                    cancellationToken, ("@reached", rows[^1].Id), ("@group", group)).ConfigureAwait(false);
                return rows.Count == BackfillChunk;
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The group's watermark: the last row id counted by a fold; -1 when the group is gone.</summary>
    private async Task<long> FoldedThroughAsync(DbConnection connection, DbTransaction? transaction, string group, CancellationToken cancellationToken)
    {
        var through = await QueryAsync(connection, transaction, "SELECT statistics_through_id FROM model_groups WHERE name = @group",
            r => r.GetInt64(0), cancellationToken, ("@group", group)).ConfigureAwait(false);
        return through.Count == 0 ? -1 : through[0];
    }

    /// <summary>The most rows one backfill transaction reads.</summary>
    private const int BackfillChunk = 20_000;

    /// <summary>
    /// Builds the statistics of the rows groups logged before migration 9 (<see cref="Migrations.StatisticsBackfill"/>):
    /// per group, chunks of rows in id order, each chunk's statistics committed with the id it reached, so a process
    /// stopped half-way goes on where it stopped and concurrent processes never count a row twice.
    /// </summary>
    private async Task BackfillStatisticsAsync(Action<string>? progress, CancellationToken cancellationToken)
    {
        var groups = await ReadAsync(connection => QueryAsync(connection, null, "SELECT group_name FROM inference_statistics_backfill ORDER BY group_name",
            r => r.GetString(0), cancellationToken), cancellationToken).ConfigureAwait(false);
        foreach (var group in groups)
        {
            var table = GroupRules.Quote(GroupRules.TableName(group));
            while (true)
            {
                var (done, last) = await WriteAsync(async (connection, transaction) =>
                {
                    var pending = await PendingBackfillAsync(connection, transaction, group, cancellationToken).ConfigureAwait(false);
                    if (pending.DoneThrough >= pending.Last)
                    {
                        await ExecuteAsync(connection, transaction, "DELETE FROM inference_statistics_backfill WHERE group_name = @group", cancellationToken, ("@group", group)).ConfigureAwait(false);
                        return (pending.Last, pending.Last);
                    }

                    var rows = await QueryAsync(connection, transaction, $"SELECT id, {OutcomeColumns} FROM {table} WHERE id > @done AND id <= @last ORDER BY id LIMIT @chunk",
                        r => (Id: r.GetInt64(0), Row: ReadOutcome(r, 1)), cancellationToken, ("@done", pending.DoneThrough), ("@last", pending.Last), ("@chunk", BackfillChunk)).ConfigureAwait(false);
                    await AddStatisticsAsync(connection, transaction, group, rows.Select(r => r.Row), cancellationToken).ConfigureAwait(false);
                    var reached = rows.Count < BackfillChunk ? pending.Last : rows[^1].Id;
                    await ExecuteAsync(connection, transaction, reached >= pending.Last
                        ? "DELETE FROM inference_statistics_backfill WHERE group_name = @group"
                        : "UPDATE inference_statistics_backfill SET done_through_id = @reached WHERE group_name = @group",
                        cancellationToken, ("@reached", reached), ("@group", group)).ConfigureAwait(false);
                    return (reached, pending.Last);
                }, cancellationToken).ConfigureAwait(false);
                progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"inference statistics of group '{group}': rows up to id {done:N0} of {last:N0} counted"));
                if (done >= last)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// The rows of <paramref name="group"/> still waiting for the backfill: ids in (DoneThrough, Last]; (0, 0) when none.
    /// Locked (PostgreSQL) until the transaction ends, so a label and a backfill chunk of one group take turns.
    /// </summary>
    private async Task<(long DoneThrough, long Last)> PendingBackfillAsync(DbConnection connection, DbTransaction transaction, string group, CancellationToken cancellationToken)
    {
        var state = await QueryAsync(connection, transaction, $"SELECT done_through_id, last_id FROM inference_statistics_backfill WHERE group_name = @group{_dialect.ForUpdate}",
            r => (r.GetInt64(0), r.GetInt64(1)), cancellationToken, ("@group", group)).ConfigureAwait(false);
        return state.Count == 0 ? (0, 0) : state[0];
    }

    /// <summary>
    /// Adds (sign 1) or takes away (-1) the rows of <paramref name="changes"/> to the cells of every width that hold
    /// them, in the caller's transaction, one row at a time: a label's change takes the row out of the cell's statistics
    /// and puts it back with the new label (applied to the stored statistics themselves: their moments cannot go below
    /// zero rows).
    /// </summary>
    private async Task ApplyStatisticsAsync(DbConnection connection, DbTransaction transaction, string group, IEnumerable<(InferenceOutcome Row, int Sign)> changes, CancellationToken cancellationToken)
    {
        var cells = new SortedDictionary<(long Width, long Start, string Model, int Version, string Role), List<(Core.Analytics.ScoredRow Row, Core.Learning.ModelTask Task, int Sign)>>();
        foreach (var (row, sign) in changes)
        {
            var scored = row.ToScoredRow();
            var micros = InferenceStatistics.ToMicroseconds(row.Timestamp);
            foreach (var width in CellWidths)
            {
                var key = (width, InferenceStatistics.CellStart(micros, width), row.Model, row.Version, row.Role.ToName());
                if (!cells.TryGetValue(key, out var list))
                {
                    cells.Add(key, list = []);
                }

                list.Add((scored, row.Task, sign));
            }
        }

        await ChangeCellsAsync(connection, transaction, group, cells.Select(c => (c.Key, (Action<OutcomeStatistics>)(statistics =>
        {
            foreach (var (row, task, sign) in c.Value)
            {
                statistics.Apply(row, task, sign);
            }
        }))), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds <paramref name="rows"/> (a fold's or the backfill's) to the cells of every width that hold them: each row is
    /// counted once into the statistics of its minute, which are then merged into the minute, hour and day cells.
    /// </summary>
    private async Task AddStatisticsAsync(DbConnection connection, DbTransaction transaction, string group, IEnumerable<InferenceOutcome> rows, CancellationToken cancellationToken)
    {
        var minutes = new Dictionary<(long Start, string Model, int Version, string Role), OutcomeStatistics>();
        foreach (var row in rows)
        {
            var key = (InferenceStatistics.CellStart(InferenceStatistics.ToMicroseconds(row.Timestamp), InferenceStatistics.MinuteSeconds), row.Model, row.Version, row.Role.ToName());
            if (!minutes.TryGetValue(key, out var statistics))
            {
                minutes.Add(key, statistics = new OutcomeStatistics());
            }

            statistics.Apply(row.ToScoredRow(), row.Task);
        }

        var cells = new SortedDictionary<(long Width, long Start, string Model, int Version, string Role), List<OutcomeStatistics>>();
        foreach (var ((start, model, version, role), statistics) in minutes)
        {
            foreach (var width in CellWidths)
            {
                var key = (width, InferenceStatistics.CellStart(start, width), model, version, role);
                if (!cells.TryGetValue(key, out var list))
                {
                    cells.Add(key, list = []);
                }

                list.Add(statistics);
            }
        }

        await ChangeCellsAsync(connection, transaction, group, cells.Select(c => (c.Key, (Action<OutcomeStatistics>)(statistics =>
        {
            foreach (var minute in c.Value)
            {
                statistics.Merge(minute);
            }
        }))), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Changes the stored statistics of each cell by its action (a cell not stored yet starts empty), in the caller's
    /// transaction. Cells come in key order and are locked in it (PostgreSQL), so concurrent writers never deadlock.
    /// </summary>
    private async Task ChangeCellsAsync(DbConnection connection, DbTransaction transaction, string group,
        IEnumerable<((long Width, long Start, string Model, int Version, string Role) Key, Action<OutcomeStatistics> Change)> cells, CancellationToken cancellationToken)
    {
        foreach (var ((width, start, model, version, role), change) in cells)
        {
            (string, object?)[] key = [("@group", group), ("@width", width), ("@start", start), ("@model", model), ("@version", version), ("@role", role)];
            const string Where = "group_name = @group AND width_s = @width AND start_us = @start AND model = @model AND version = @version AND role = @role";
            OutcomeStatistics Changed(OutcomeStatistics statistics)
            {
                change(statistics);
                return statistics;
            }

            var stored = await QueryAsync(connection, transaction, $"SELECT statistics FROM inference_statistics WHERE {Where}{_dialect.ForUpdate}",
                r => (byte[])r.GetValue(0), cancellationToken, key).ConfigureAwait(false);
            if (stored.Count == 0)
            {
                var inserted = await ExecuteAsync(connection, transaction, """
                    INSERT INTO inference_statistics (group_name, width_s, start_us, model, version, role, statistics)
                    VALUES (@group, @width, @start, @model, @version, @role, @statistics) ON CONFLICT DO NOTHING
                    """, cancellationToken, [.. key, ("@statistics", Changed(new OutcomeStatistics()).ToBytes())]).ConfigureAwait(false);
                if (inserted == 1)
                {
                    continue;
                }

                // Another writer made the cell between the read and the insert: change its statistics.
                stored = await QueryAsync(connection, transaction, $"SELECT statistics FROM inference_statistics WHERE {Where}{_dialect.ForUpdate}",
                    r => (byte[])r.GetValue(0), cancellationToken, key).ConfigureAwait(false);
            }

            await ExecuteAsync(connection, transaction, $"UPDATE inference_statistics SET statistics = @statistics WHERE {Where}",
                cancellationToken, [.. key, ("@statistics", Changed(OutcomeStatistics.FromBytes(stored[0])).ToBytes())]).ConfigureAwait(false);
        }
    }
}
