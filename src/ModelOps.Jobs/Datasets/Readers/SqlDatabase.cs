using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using ModelOps.Core.Data;
using ModelOps.Core.Text;
using ModelOps.Store;
using ModelOps.Store.Postgres;
using Npgsql;

namespace ModelOps.Jobs.Datasets.Readers;

/// <summary>The database engines SQL readers and writers talk to.</summary>
internal enum SqlEngine
{
    Sqlite,
    Postgres,
}

/// <summary>A column of a database table: its name, the database's type name and the frame type it maps to.</summary>
/// <param name="Name">The column name.</param>
/// <param name="DatabaseType">The type as the database names it (<c>REAL</c>, <c>timestamp with time zone</c>); empty when SQLite has none.</param>
/// <param name="Type">The frame type, or null when the values decide it (an untyped SQLite column).</param>
/// <param name="Supported">False for types a frame cannot hold (BLOB, bytea, arrays, JSON).</param>
internal sealed record SqlColumn(string Name, string DatabaseType, ColumnType? Type, bool Supported);

/// <summary>
/// The database a <see cref="SqlReader"/> or <see cref="Writers.SqlWriter"/> connection names: a SQLite
/// file (<c>sqlite:path/to.db</c>, <c>sqlite:///absolute/path.db</c>, or a path ending <c>.db</c>,
/// <c>.sqlite</c> or <c>.sqlite3</c>) or a PostgreSQL URL (<c>postgresql://user@host:port/db</c>, parsed
/// like the store's). Table names are validated and quoted; values only ever travel as parameters.
/// </summary>
internal sealed partial class SqlDatabase
{
    /// <summary>The longest table name: PostgreSQL's identifier limit, kept for SQLite too so configs move between them.</summary>
    public const int MaxIdentifierLength = 63;

    private readonly string? _sqlitePath;
    private readonly PostgresUrl? _postgres;

    private SqlDatabase(string display, string? sqlitePath, PostgresUrl? postgres)
    {
        Display = display;
        _sqlitePath = sqlitePath;
        _postgres = postgres;
    }

    /// <summary>The engine.</summary>
    public SqlEngine Engine => _postgres is null ? SqlEngine.Sqlite : SqlEngine.Postgres;

    /// <summary>The connection as messages show it: as written for SQLite, without a password for PostgreSQL.</summary>
    public string Display { get; }

    /// <summary>Parses <paramref name="connection"/>.</summary>
    /// <exception cref="ArgumentException">The connection names neither a SQLite file nor a PostgreSQL database.</exception>
    public static SqlDatabase Parse(string connection) =>
        TryParse(connection, out var database, out var problem) ? database! : throw new ArgumentException(problem, nameof(connection));

    /// <summary>Parses <paramref name="connection"/>, or says what is wrong with it (as <c>connection: ...</c>).</summary>
    public static bool TryParse(string? connection, out SqlDatabase? database, out string? problem)
    {
        database = null;
        problem = null;
        if (string.IsNullOrWhiteSpace(connection))
        {
            problem = "connection: must not be empty (write sqlite:path/to.db or postgresql://user@host:port/database)";
            return false;
        }

        if (PostgresUrl.IsPostgresUrl(connection))
        {
            try
            {
                var url = PostgresUrl.Parse(connection);
                database = new SqlDatabase($"postgresql://{url.User}@{url.Display}", null, url);
                return true;
            }
            catch (StoreException error)
            {
                problem = "connection: " + error.Message;
                return false;
            }
        }

        string path;
        if (connection.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            path = connection["sqlite:".Length..];
            if (path.StartsWith("//", StringComparison.Ordinal))
            {
                path = path[2..];
            }

            if (path.Contains('?', StringComparison.Ordinal))
            {
                problem = $"connection: '{connection}' has options after '?', which dataset connections do not take";
                return false;
            }

            path = Uri.UnescapeDataString(path);
            if (path.Length == 0)
            {
                problem = $"connection: '{connection}' names no file (write sqlite:path/to.db)";
                return false;
            }
        }
        else if (HasSqliteExtension(connection))
        {
            path = connection;
        }
        else
        {
            problem = $"connection: '{connection}' is neither a SQLite file (sqlite:path/to.db, or a path ending .db or .sqlite) nor a postgresql:// URL";
            return false;
        }

        database = new SqlDatabase(connection, Path.GetFullPath(path), null);
        return true;
    }

    /// <summary>The problem with a table name (as <c>table: ...</c>), or null when it is a valid identifier.</summary>
    public static string? TableProblem(string? table) =>
        string.IsNullOrEmpty(table) ? "table: must not be empty"
        : table.Length > MaxIdentifierLength || !Identifier().IsMatch(table)
            ? $"table: '{table}' is not a valid table name: use a letter or '_', then letters, digits or '_' (at most {MaxIdentifierLength} characters)"
        : null;

    /// <summary><paramref name="name"/> as a quoted SQL identifier (<c>"name"</c>, inner quotes doubled).</summary>
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The lineage URI of <paramref name="table"/>: <c>sqlite:/absolute/path.db#table</c> or <c>postgresql://user@host:port/db#table</c>.</summary>
    public string SourceUri(string table) => (_sqlitePath is null ? Display : "sqlite:" + _sqlitePath) + "#" + table;

    /// <summary>A <see cref="DatasetException"/> whose message starts with <see cref="Display"/>.</summary>
    public DatasetException Error(string message, Exception? inner = null) => new($"{Display}: {message}", inner);

    /// <summary>Opens a connection; readers do not create a missing SQLite file, writers create it and its folder.</summary>
    /// <exception cref="DatasetException">The file is missing (reading) or the database cannot be reached.</exception>
    public async Task<DbConnection> OpenAsync(bool create, CancellationToken cancellationToken)
    {
        DbConnection connection;
        if (_sqlitePath is not null)
        {
            if (!create && !File.Exists(_sqlitePath))
            {
                throw Error("database file not found");
            }

            if (create && Path.GetDirectoryName(_sqlitePath) is { } folder)
            {
                Directory.CreateDirectory(folder);
            }

            connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = _sqlitePath,
                Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString());
        }
        else
        {
            try
            {
                connection = new NpgsqlConnection(_postgres!.ToConnectionStringBuilder().ToString());
            }
            catch (StoreException error)
            {
                throw Error(error.Message, error);
            }
        }

        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception error) when (error is DbException or TimeoutException or IOException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Error($"cannot open the database: {Describe(error)}", error);
        }
    }

    /// <summary>Whether <paramref name="table"/> (a table or view) exists; SQLite compares names without case, PostgreSQL exactly.</summary>
    public async Task<bool> TableExistsAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken)
    {
        var sql = Engine == SqlEngine.Sqlite
            ? "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') AND name = @name COLLATE NOCASE"
            : "SELECT count(*) FROM pg_catalog.pg_class WHERE oid = to_regclass(quote_ident(@name))";
        await using var command = Command(connection, transaction, sql);
        AddParameter(command, "name", table);
        var count = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        return count > 0;
    }

    /// <summary>The error for a missing table, with the closest existing name or the list of tables.</summary>
    public async Task<DatasetException> TableNotFoundAsync(DbConnection connection, string table, CancellationToken cancellationToken)
    {
        var sql = Engine == SqlEngine.Sqlite
            ? "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY name"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = ANY (current_schemas(false)) ORDER BY table_name";
        var names = new List<string>();
        await using (var command = Command(connection, null, sql))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(reader.GetString(0));
            }
        }

        var hint = NameSuggestions.Closest(table, names) is { } close ? $", did you mean {close}?"
            : names.Count == 0 ? " (the database has no tables)"
            : $" (tables: {string.Join(", ", names)})";
        return Error($"table '{table}' not found{hint}");
    }

    /// <summary>The columns of <paramref name="table"/>, in table order.</summary>
    public async Task<IReadOnlyList<SqlColumn>> ColumnsAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken)
    {
        var columns = new List<SqlColumn>();
        if (Engine == SqlEngine.Sqlite)
        {
            await using var command = Command(connection, transaction, "SELECT name, type FROM pragma_table_info(@name)");
            AddParameter(command, "name", table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var declared = reader.IsDBNull(1) ? string.Empty : reader.GetString(1);
                var (type, supported) = FromSqliteType(declared);
                columns.Add(new SqlColumn(reader.GetString(0), declared, type, supported));
            }

            return columns;
        }

        await using (var command = Command(connection, transaction, $"SELECT * FROM {Quote(table)} LIMIT 0"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var type = FromClrType(reader.GetFieldType(i));
                columns.Add(new SqlColumn(reader.GetName(i), reader.GetDataTypeName(i), type, type is not null));
            }
        }

        return columns;
    }

    /// <summary>A command on <paramref name="connection"/> in <paramref name="transaction"/>.</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    /// <summary>Adds the parameter <c>@name</c> with <paramref name="value"/>.</summary>
    public static DbParameter AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>A database error's message without the driver's prefixes, for the end of a dataset message.</summary>
    public static string Describe(Exception error) => error switch
    {
        // Not the detail: Npgsql redacts it (it may hold row values) unless the connection asks for it.
        PostgresException postgres => postgres.MessageText,
        SqliteException sqlite => sqlite.Message.StartsWith("SQLite Error ", StringComparison.Ordinal) && sqlite.Message.IndexOf(": '", StringComparison.Ordinal) is var start and > 0
            ? sqlite.Message[(start + 3)..].TrimEnd('.').TrimEnd('\'')
            : sqlite.Message,
        NpgsqlException { InnerException: { } inner } => inner.Message,
        _ => error.Message,
    };

    /// <summary>The frame type of a SQLite declared type, by SQLite's affinity rules plus BOOLEAN and DATE/TIME names.</summary>
    internal static (ColumnType? Type, bool Supported) FromSqliteType(string declared)
    {
        var upper = declared.ToUpperInvariant();
        return upper.Length == 0 ? (null, true)
            : upper.Contains("BOOL", StringComparison.Ordinal) ? (ColumnType.Bool, true)
            : upper.Contains("DATE", StringComparison.Ordinal) || upper.Contains("TIME", StringComparison.Ordinal) ? (ColumnType.DateTime, true)
            : upper.Contains("INT", StringComparison.Ordinal) ? (ColumnType.Int64, true)
            : upper.Contains("CHAR", StringComparison.Ordinal) || upper.Contains("CLOB", StringComparison.Ordinal) || upper.Contains("TEXT", StringComparison.Ordinal) ? (ColumnType.String, true)
            : upper.Contains("BLOB", StringComparison.Ordinal) ? (null, false)
            : upper.Contains("REAL", StringComparison.Ordinal) || upper.Contains("FLOA", StringComparison.Ordinal) || upper.Contains("DOUB", StringComparison.Ordinal)
                || upper.Contains("NUM", StringComparison.Ordinal) || upper.Contains("DEC", StringComparison.Ordinal) ? (ColumnType.Float64, true)
            : (null, true);
    }

    /// <summary>The SQL type a frame column is created with.</summary>
    public string CreateType(ColumnType type) => (Engine, type) switch
    {
        (SqlEngine.Sqlite, ColumnType.Float64) => "REAL",
        (SqlEngine.Sqlite, ColumnType.Int64) => "INTEGER",
        (SqlEngine.Sqlite, ColumnType.Bool) => "BOOLEAN",
        (SqlEngine.Sqlite, ColumnType.String) => "TEXT",
        (SqlEngine.Sqlite, ColumnType.DateTime) => "DATETIME",
        (_, ColumnType.Float64) => "double precision",
        (_, ColumnType.Int64) => "bigint",
        (_, ColumnType.Bool) => "boolean",
        (_, ColumnType.String) => "text",
        (_, ColumnType.DateTime) => "timestamp with time zone",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column type."),
    };

    private static ColumnType? FromClrType(Type type) =>
        type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? ColumnType.Float64
        : type == typeof(long) || type == typeof(int) || type == typeof(short) ? ColumnType.Int64
        : type == typeof(bool) ? ColumnType.Bool
        : type == typeof(string) || type == typeof(Guid) || type == typeof(char) ? ColumnType.String
        : type == typeof(DateTime) || type == typeof(DateOnly) ? ColumnType.DateTime
        : null;

    private static bool HasSqliteExtension(string path)
    {
        var extension = Path.GetExtension(path);
        return extension.Equals(".db", StringComparison.OrdinalIgnoreCase) || extension.Equals(".sqlite", StringComparison.OrdinalIgnoreCase)
            || extension.Equals(".sqlite3", StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
