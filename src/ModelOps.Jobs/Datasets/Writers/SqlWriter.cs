using System.Data.Common;
using System.Globalization;
using System.Text;
using ModelOps.Core.Data;
using ModelOps.Core.Text;
using ModelOps.Jobs.Datasets.Readers;
using Npgsql;
using NpgsqlTypes;

namespace ModelOps.Jobs.Datasets.Writers;

/// <summary>
/// Writes a frame to a table of a SQLite file or a PostgreSQL database (<c>KIND: SqlWriter</c>), in one
/// transaction: readers see the old table or the new rows, never part of them. Frame types map to
/// REAL/double precision (float64), INTEGER/bigint (int64), BOOLEAN/boolean (bool), TEXT/text (string)
/// and DATETIME as ISO 8601 text in SQLite / timestamp with time zone in PostgreSQL (datetime).
/// </summary>
/// <remarks>
/// PostgreSQL stores instants: a date-time of unspecified kind is taken as UTC, a local one is converted,
/// and reading it back gives <see cref="DateTimeKind.Utc"/>. SQLite has no NaN: a float64 NaN is stored as NULL.
/// </remarks>
public sealed record SqlWriter : DatasetWriter
{
    private const int PostgresMaxIdentifierBytes = 63;

    /// <summary>
    /// The database: <c>sqlite:path/to.db</c> (or a path ending <c>.db</c>, <c>.sqlite</c>, <c>.sqlite3</c>;
    /// the file and its folder are created when missing), or <c>postgresql://user:password@host:port/database</c>.
    /// </summary>
    public required string Connection { get; init; }

    /// <summary>The table: a letter or <c>_</c>, then letters, digits or <c>_</c>, at most 63 characters.</summary>
    public required string Table { get; init; }

    /// <summary>What to do when the table exists.</summary>
    /// <value>Default <see cref="SqlWriteMode.Replace"/>.</value>
    public SqlWriteMode Mode { get; init; } = SqlWriteMode.Replace;

    /// <summary>Rows sent per round trip (PostgreSQL) and between cancellation checks.</summary>
    internal int BatchRows { get; init; } = 500;

    /// <summary>
    /// Awaited after each batch with the rows written so far (inside the transaction), before the next batch; tests
    /// cancel or read the table from here.
    /// </summary>
    internal Func<long, Task>? RowsWritten { get; init; }

    /// <inheritdoc/>
    public override async Task<string> WriteAsync(Frame frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ThrowIfInvalid();
        var database = SqlDatabase.Parse(Connection);
        CheckColumnNames(database, frame);
        await using var connection = await database.OpenAsync(create: true, cancellationToken).ConfigureAwait(false);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var exists = await database.TableExistsAsync(connection, transaction, Table, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<SqlColumn>? existing = null;
            if (exists && Mode == SqlWriteMode.Fail)
            {
                throw database.Error($"table '{Table}' already exists (mode Fail; use mode Replace to overwrite it or Append to add rows)");
            }

            if (exists && Mode == SqlWriteMode.Append)
            {
                existing = await database.ColumnsAsync(connection, transaction, Table, cancellationToken).ConfigureAwait(false);
                CheckAppend(database, frame, existing);
            }
            else
            {
                if (exists)
                {
                    await ExecuteAsync(connection, transaction, $"DROP TABLE {SqlDatabase.Quote(Table)}", cancellationToken).ConfigureAwait(false);
                }

                var definitions = frame.Columns.Select(c => $"{SqlDatabase.Quote(c.Name)} {database.CreateType(c.Type)}");
                await ExecuteAsync(connection, transaction, $"CREATE TABLE {SqlDatabase.Quote(Table)} ({string.Join(", ", definitions)})", cancellationToken).ConfigureAwait(false);
            }

            if (database.Engine == SqlEngine.Sqlite)
            {
                await InsertSqliteAsync(database, connection, transaction, frame, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await InsertPostgresAsync(database, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction, frame, existing, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException error)
        {
            throw database.Error($"table '{Table}': {SqlDatabase.Describe(error)}", error);
        }

        return database.SourceUri(Table);
    }

    /// <inheritdoc/>
    protected override void CollectProblems(List<string> problems)
    {
        CheckSqlTarget(problems, Connection, Table);
        if (!Enum.IsDefined(Mode))
        {
            problems.Add($"mode: must be one of {string.Join(", ", Enum.GetNames<SqlWriteMode>())}");
        }

        if (BatchRows < 1)
        {
            problems.Add("batch_rows: must be at least 1");
        }
    }

    private void CheckColumnNames(SqlDatabase database, Frame frame)
    {
        if (frame.ColumnCount == 0)
        {
            throw database.Error($"table '{Table}': the frame has no columns");
        }

        foreach (var name in frame.ColumnNames)
        {
            if (name.Contains('\0', StringComparison.Ordinal))
            {
                throw database.Error($"table '{Table}': column name '{name.Replace("\0", "\\0", StringComparison.Ordinal)}' holds a NUL character");
            }

            if (database.Engine == SqlEngine.Postgres && Encoding.UTF8.GetByteCount(name) > PostgresMaxIdentifierBytes)
            {
                throw database.Error($"table '{Table}': column name '{name}' is longer than {PostgresMaxIdentifierBytes} bytes, which PostgreSQL would cut short");
            }
        }
    }

    private void CheckAppend(SqlDatabase database, Frame frame, IReadOnlyList<SqlColumn> existing)
    {
        // SQLite matches column names without case, PostgreSQL (quoted) exactly.
        var comparer = database.Engine == SqlEngine.Sqlite ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        var byName = existing.ToDictionary(c => c.Name, comparer);
        foreach (var column in frame.Columns)
        {
            if (!byName.TryGetValue(column.Name, out var target))
            {
                var names = existing.Select(c => c.Name).ToArray();
                throw database.Error($"table '{Table}' has no column '{column.Name}'" + (NameSuggestions.Closest(column.Name, names) is { } close
                    ? $", did you mean {close}?"
                    : $" (columns: {string.Join(", ", names)})"));
            }

            var holds = target.Supported && (target.Type is null || target.Type == column.Type || (target.Type == ColumnType.Float64 && column.Type == ColumnType.Int64));
            if (!holds)
            {
                throw database.Error($"table '{Table}': column '{column.Name}' is {column.Type.ToName()} in the frame but {target.DatabaseType} in the table, which cannot hold it");
            }
        }
    }

    private async Task InsertSqliteAsync(SqlDatabase database, DbConnection connection, DbTransaction transaction, Frame frame, CancellationToken cancellationToken)
    {
        await using var command = SqlDatabase.Command(connection, transaction, InsertSql(frame, i => string.Create(CultureInfo.InvariantCulture, $"@p{i}")));
        var parameters = new DbParameter[frame.ColumnCount];
        for (var c = 0; c < parameters.Length; c++)
        {
            parameters[c] = SqlDatabase.AddParameter(command, string.Create(CultureInfo.InvariantCulture, $"p{c}"), null);
        }

        for (var row = 0; row < frame.RowCount; row++)
        {
            if (row % BatchRows == 0)
            {
                if (row > 0)
                {
                    await ReportAsync(row).ConfigureAwait(false);
                }

                cancellationToken.ThrowIfCancellationRequested();
            }

            for (var c = 0; c < parameters.Length; c++)
            {
                parameters[c].Value = SqliteValue(frame[c], row);
            }

            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbException error)
            {
                throw database.Error(string.Create(CultureInfo.InvariantCulture, $"table '{Table}' row {row + 1}: {SqlDatabase.Describe(error)}"), error);
            }
        }

        await ReportAsync(frame.RowCount).ConfigureAwait(false);
    }

    private async Task InsertPostgresAsync(
        SqlDatabase database,
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        Frame frame,
        IReadOnlyList<SqlColumn>? existing,
        CancellationToken cancellationToken)
    {
        var sql = InsertSql(frame, i => string.Create(CultureInfo.InvariantCulture, $"${i + 1}"));
        var types = new NpgsqlDbType[frame.ColumnCount];
        for (var c = 0; c < types.Length; c++)
        {
            var target = existing?.FirstOrDefault(e => e.Name == frame[c].Name);
            types[c] = PostgresType(frame[c].Type, target?.DatabaseType);
        }

        for (var start = 0; start < frame.RowCount; start += BatchRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var end = Math.Min(start + BatchRows, frame.RowCount);
            await using var batch = new NpgsqlBatch(connection, transaction);
            for (var row = start; row < end; row++)
            {
                var command = new NpgsqlBatchCommand(sql);
                for (var c = 0; c < types.Length; c++)
                {
                    command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = types[c], Value = PostgresValue(frame[c], row, types[c]) });
                }

                batch.BatchCommands.Add(command);
            }

            try
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException error)
            {
                // PostgreSQL does not say which statement of a batch failed; name the batch's rows.
                var rows = end - start == 1
                    ? string.Create(CultureInfo.InvariantCulture, $"row {end}")
                    : string.Create(CultureInfo.InvariantCulture, $"rows {start + 1} to {end}");
                throw database.Error($"table '{Table}' {rows}: {SqlDatabase.Describe(error)}", error);
            }

            await ReportAsync(end).ConfigureAwait(false);
        }
    }

    private Task ReportAsync(long rows) => RowsWritten?.Invoke(rows) ?? Task.CompletedTask;

    private string InsertSql(Frame frame, Func<int, string> parameter)
    {
        var columns = string.Join(", ", frame.ColumnNames.Select(SqlDatabase.Quote));
        var values = string.Join(", ", Enumerable.Range(0, frame.ColumnCount).Select(parameter));
        return $"INSERT INTO {SqlDatabase.Quote(Table)} ({columns}) VALUES ({values})";
    }

    private static object SqliteValue(Column column, int row)
    {
        if (column.IsNull(row))
        {
            return DBNull.Value;
        }

        return column switch
        {
            Float64Column doubles => double.IsNaN(doubles[row]) ? DBNull.Value : doubles[row],
            Int64Column longs => longs[row],
            BoolColumn flags => flags[row] ? 1L : 0L,
            DateTimeColumn dates => ValueFormat.Format(dates[row]),
            StringColumn strings => strings[row]!,
            _ => throw new NotSupportedException($"Column type {column.GetType().Name} cannot be written."),
        };
    }

    private static NpgsqlDbType PostgresType(ColumnType type, string? tableType) => type switch
    {
        ColumnType.Float64 => NpgsqlDbType.Double,
        ColumnType.Int64 => NpgsqlDbType.Bigint,
        ColumnType.Bool => NpgsqlDbType.Boolean,
        ColumnType.String => NpgsqlDbType.Text,
        ColumnType.DateTime when tableType is "timestamp without time zone" or "timestamp" => NpgsqlDbType.Timestamp,
        ColumnType.DateTime => NpgsqlDbType.TimestampTz,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column type."),
    };

    private static object PostgresValue(Column column, int row, NpgsqlDbType type)
    {
        if (column.IsNull(row))
        {
            return DBNull.Value;
        }

        return column switch
        {
            Float64Column doubles => doubles[row],
            Int64Column longs => longs[row],
            BoolColumn flags => flags[row],
            DateTimeColumn dates when type == NpgsqlDbType.Timestamp => DateTime.SpecifyKind(dates[row], DateTimeKind.Unspecified),
            DateTimeColumn dates => dates[row].Kind switch
            {
                DateTimeKind.Utc => dates[row],
                DateTimeKind.Local => dates[row].ToUniversalTime(),
                _ => DateTime.SpecifyKind(dates[row], DateTimeKind.Utc),
            },
            StringColumn strings => strings[row]!,
            _ => throw new NotSupportedException($"Column type {column.GetType().Name} cannot be written."),
        };
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = SqlDatabase.Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
