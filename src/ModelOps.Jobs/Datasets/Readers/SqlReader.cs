using System.Data.Common;
using System.Globalization;
using System.Text;
using ModelOps.Core.Data;
using ModelOps.Core.Text;

namespace ModelOps.Jobs.Datasets.Readers;

/// <summary>
/// Reads a table or view of a SQLite file or a PostgreSQL database (<c>KIND: SqlReader</c>). Column types
/// map to frame types: REAL/double precision to float64, INTEGER/bigint to int64, BOOLEAN to bool, TEXT to
/// string, DATETIME (ISO 8601 text in SQLite) and timestamps to datetime; nulls stay null.
/// </summary>
public sealed record SqlReader : DatasetReader
{
    /// <summary>
    /// The database: <c>sqlite:path/to.db</c> (or a path ending <c>.db</c>, <c>.sqlite</c>, <c>.sqlite3</c>),
    /// or <c>postgresql://user:password@host:port/database?search_path=schema</c>.
    /// </summary>
    public required string Connection { get; init; }

    /// <summary>The table (or view): a letter or <c>_</c>, then letters, digits or <c>_</c>, at most 63 characters.</summary>
    public required string Table { get; init; }

    /// <summary>The columns to read, in the order of the frame.</summary>
    /// <value>Default <see langword="null"/>: every column, in table order.</value>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>The columns the rows are sorted by, each optionally followed by <c>asc</c> or <c>desc</c> (<c>dteday desc</c>).</summary>
    /// <value>Default <see langword="null"/>: the order the database returns (insertion order for a plain SQLite table).</value>
    public IReadOnlyList<string>? OrderBy { get; init; }

    /// <inheritdoc/>
    public override async Task<DatasetRead> ReadAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfInvalid();
        var database = SqlDatabase.Parse(Connection);
        await using var connection = await database.OpenAsync(create: false, cancellationToken).ConfigureAwait(false);
        Frame frame;
        try
        {
            if (!await database.TableExistsAsync(connection, null, Table, cancellationToken).ConfigureAwait(false))
            {
                throw await database.TableNotFoundAsync(connection, Table, cancellationToken).ConfigureAwait(false);
            }

            var columns = await database.ColumnsAsync(connection, null, Table, cancellationToken).ConfigureAwait(false);
            frame = await ReadRowsAsync(database, connection, columns, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException error)
        {
            throw database.Error($"table '{Table}': {SqlDatabase.Describe(error)}", error);
        }

        var digest = ContentDigest.Of(frame, cancellationToken);
        return ApplySchema(new DatasetRead(frame, database.SourceUri(Table), digest), $"table '{Table}'");
    }

    /// <inheritdoc/>
    protected override void CollectProblems(List<string> problems)
    {
        CheckSqlTarget(problems, Connection, Table);
        CheckNames(problems, "columns", Columns);
        foreach (var entry in OrderBy ?? [])
        {
            if (ParseOrder(entry) is null)
            {
                problems.Add($"order_by: '{entry}' is not a column name optionally followed by asc or desc");
            }
        }
    }

    private async Task<Frame> ReadRowsAsync(SqlDatabase database, DbConnection connection, IReadOnlyList<SqlColumn> columns, CancellationToken cancellationToken)
    {
        var byName = columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var names = columns.Select(c => c.Name).ToArray();
        var selected = new List<SqlColumn>();
        foreach (var name in Columns ?? names)
        {
            selected.Add(byName.TryGetValue(name, out var column) ? column : throw ColumnNotFound(database, name, names));
            if (!column.Supported)
            {
                throw database.Error($"table '{Table}': column '{name}' has type {column.DatabaseType}, which a frame cannot hold (leave it out with columns, or cast it in a view)");
            }
        }

        var sql = new StringBuilder("SELECT ")
            .AppendJoin(", ", selected.Select(c => SqlDatabase.Quote(c.Name)))
            .Append(" FROM ").Append(SqlDatabase.Quote(Table));
        if (OrderBy is { Count: > 0 })
        {
            sql.Append(" ORDER BY ");
            for (var i = 0; i < OrderBy.Count; i++)
            {
                var (name, descending) = ParseOrder(OrderBy[i])!.Value;
                if (!byName.ContainsKey(name))
                {
                    throw ColumnNotFound(database, name, names);
                }

                sql.Append(i > 0 ? ", " : string.Empty).Append(SqlDatabase.Quote(name)).Append(descending ? " DESC" : " ASC");
            }
        }

        await using var command = SqlDatabase.Command(connection, null, sql.ToString());
        if (Limit is { } limit)
        {
            command.CommandText += " LIMIT @limit";
            SqlDatabase.AddParameter(command, "limit", Math.Min(limit, int.MaxValue));
        }

        var readers = selected.Select(c => new SqlColumnReader(c.Name, c.Type)).ToArray();
        await using var rows = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var row = 0L;
        while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            row++;
            for (var i = 0; i < readers.Length; i++)
            {
                if (readers[i].Append(rows.GetValue(i)) is { } problem)
                {
                    throw database.Error(string.Create(CultureInfo.InvariantCulture, $"table '{Table}' row {row}, column '{selected[i].Name}': {problem}"));
                }
            }
        }

        return new Frame(readers.Select(r => r.Build()));
    }

    private DatasetException ColumnNotFound(SqlDatabase database, string name, IReadOnlyList<string> names) =>
        database.Error($"table '{Table}': column '{name}' not found" + (NameSuggestions.Closest(name, names) is { } close
            ? $", did you mean {close}?"
            : $" (columns: {string.Join(", ", names)})"));

    private static (string Name, bool Descending)? ParseOrder(string? entry)
    {
        var parts = (entry ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts switch
        {
            [var name] => (name, false),
            [var name, var direction] when direction.Equals("asc", StringComparison.OrdinalIgnoreCase) => (name, false),
            [var name, var direction] when direction.Equals("desc", StringComparison.OrdinalIgnoreCase) => (name, true),
            _ => null,
        };
    }
}
