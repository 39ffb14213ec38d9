using System.Data.Common;
using ModelOps.Store.Groups;

namespace ModelOps.Store.Migrations;

/// <summary>
/// The data step of migration 10: each group's <c>statistics_through_id</c> starts at its last row id, because every
/// row up to it is counted already (by the transaction that logged it) or waits for migration 9's backfill; the rows
/// logged from now on are folded into the statistics from that watermark.
/// </summary>
internal static class StatisticsWatermark
{
    public static async Task PlanAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var group in await StatisticsBackfill.GroupsAsync(connection, transaction, cancellationToken).ConfigureAwait(false))
        {
            await using var set = connection.CreateCommand();
            set.Transaction = transaction;
            set.CommandText = $"UPDATE model_groups SET statistics_through_id = (SELECT COALESCE(MAX(id), 0) FROM {GroupRules.Quote(GroupRules.TableName(group))}) WHERE name = @group";
            var parameter = set.CreateParameter();
            parameter.ParameterName = "@group";
            parameter.Value = group;
            set.Parameters.Add(parameter);
            await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
