using System.Data.Common;
using System.Globalization;
using ModelOps.Store.Groups;

namespace ModelOps.Store.Migrations;

/// <summary>
/// The data step of migration 9: every group that already has rows gets an entry in
/// <c>inference_statistics_backfill</c> naming its last row id then. The store then builds the statistics of those rows
/// (ids up to that one, in chunks, each committed with its progress), while rows logged after the migration get theirs
/// as they are written: no row counted twice, none missed.
/// </summary>
internal static class StatisticsBackfill
{
    public static async Task PlanAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var group in await GroupsAsync(connection, transaction, cancellationToken).ConfigureAwait(false))
        {
            await using var last = connection.CreateCommand();
            last.Transaction = transaction;
            last.CommandText = $"SELECT COALESCE(MAX(id), 0) FROM {GroupRules.Quote(GroupRules.TableName(group))}";
            var id = Convert.ToInt64(await last.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (id == 0)
            {
                continue;
            }

            await using var plan = connection.CreateCommand();
            plan.Transaction = transaction;
            plan.CommandText = "INSERT INTO inference_statistics_backfill (group_name, done_through_id, last_id) VALUES (@group, 0, @last)";
            foreach (var (name, value) in new (string, object)[] { ("@group", group), ("@last", id) })
            {
                var parameter = plan.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                plan.Parameters.Add(parameter);
            }

            await plan.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every group's name, for the data steps of the statistics migrations.</summary>
    internal static async Task<List<string>> GroupsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var groups = new List<string>();
        await using var list = connection.CreateCommand();
        list.Transaction = transaction;
        list.CommandText = "SELECT name FROM model_groups ORDER BY name";
        await using var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            groups.Add(reader.GetString(0));
        }

        return groups;
    }
}
