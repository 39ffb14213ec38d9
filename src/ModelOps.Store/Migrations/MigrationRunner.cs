using System.Data.Common;
using System.Globalization;
using ModelOps.Store.Sql;

namespace ModelOps.Store.Migrations;

/// <summary>
/// Brings a database to the newest schema: reads the version from <c>schema_version</c>
/// (without writing, so an up-to-date read-only database opens), then applies each missing
/// migration in its own transaction under the dialect's migration lock, re-reading the version
/// inside it, so concurrent processes opening a fresh database apply each migration once.
/// </summary>
internal static class MigrationRunner
{
    private const string CreateVersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at {timestamp} NOT NULL
        )
        """;

    /// <returns>The schema version after the run.</returns>
    /// <exception cref="StoreException">The database has a newer schema than this build knows.</exception>
    public static async Task<int> RunAsync(SqlDialect dialect, IReadOnlyList<Migration> migrations, TimeProvider time, CancellationToken cancellationToken)
    {
        var latest = migrations.Count == 0 ? 0 : migrations[^1].Version;
        int current;
        await using (var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            current = await CurrentVersionAsync(dialect, connection, null, cancellationToken).ConfigureAwait(false);
        }

        CheckNotNewer(dialect, current, latest);
        while (current < latest)
        {
            using var turn = await dialect.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await dialect.LockMigrationsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, dialect.Ddl(CreateVersionTable), cancellationToken).ConfigureAwait(false);
            current = await CurrentVersionAsync(dialect, connection, transaction, cancellationToken).ConfigureAwait(false);
            CheckNotNewer(dialect, current, latest);
            if (current < latest)
            {
                var migration = migrations[current];
                if (migration.Version != current + 1)
                {
                    throw new InvalidOperationException($"Migration {current + 1} is missing: found {migration.Version} at its place.");
                }

                await ExecuteAsync(connection, transaction, dialect.Ddl(migration.Ddl), cancellationToken).ConfigureAwait(false);
                if (migration.Data is { } data)
                {
                    await data(connection, transaction, cancellationToken).ConfigureAwait(false);
                }

                await using var record = connection.CreateCommand();
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_version (version, name, applied_at) VALUES (@version, @name, @at)";
                Add(record, "@version", migration.Version);
                Add(record, "@name", migration.Name);
                Add(record, "@at", dialect.ToDb(time.GetUtcNow()));
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                current = migration.Version;
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return current;
    }

    private static async Task<int> CurrentVersionAsync(SqlDialect dialect, DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var exists = connection.CreateCommand();
        exists.Transaction = transaction;
        exists.CommandText = dialect.TableExistsSql;
        Add(exists, "@name", "schema_version");
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
        {
            return 0;
        }

        await using var max = connection.CreateCommand();
        max.Transaction = transaction;
        max.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        return Convert.ToInt32(await max.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static void CheckNotNewer(SqlDialect dialect, int current, int latest)
    {
        if (current > latest)
        {
            throw new StoreException(
                StoreErrorKind.Unavailable,
                string.Create(CultureInfo.InvariantCulture, $"database '{dialect.Location}' has schema version {current}, newer than this modelops knows ({latest}); upgrade modelops"));
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
