using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using ModelOps.Store.Sql;

namespace ModelOps.Store.Sqlite;

/// <summary>
/// A SQLite file in WAL mode (readers never wait for the writer), with a busy timeout for
/// writers and foreign keys on. Timestamps are stored as fixed-width ISO 8601 UTC text
/// (<c>2025-01-31T08:15:00.123456Z</c>), which sorts like the instants it names.
/// </summary>
internal sealed class SqliteDialect : SqlDialect
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    // SQLite result codes (https://www.sqlite.org/rescode.html).
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteReadOnly = 8;
    private const int SqliteIoError = 10;
    private const int SqliteCorrupt = 11;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqliteConstraint = 19;
    private const int SqliteNotADatabase = 26;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    // One writer at a time per file within this process: threads take turns here, in order and
    // without sleeping, instead of polling SQLite's busy handler (which sleeps up to 100 ms a try).
    // Writers in other processes still meet at SQLite's lock, with the busy timeout.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WriteTurns = new(StringComparer.Ordinal);

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeTurn;
    private readonly TimeSpan _busyTimeout;
    private readonly string _busyPragma;

    public SqliteDialect(string path, bool readOnly, TimeSpan busyTimeout)
    {
        FilePath = Path.GetFullPath(path);
        _writeTurn = WriteTurns.GetOrAdd(FilePath, _ => new SemaphoreSlim(1, 1));
        ReadOnly = readOnly;
        _busyTimeout = busyTimeout;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            ForeignKeys = true,
            // Microsoft.Data.Sqlite retries a busy statement until the command timeout on top of
            // SQLite's own busy handler; keep its part to the minimum (1 s; 0 would mean forever).
            DefaultTimeout = 1,
        }.ToString();
        _busyPragma = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds};");
    }

    public string FilePath { get; }

    public bool ReadOnly { get; }

    public override StoreBackend Backend => StoreBackend.Sqlite;

    public override string Location => FilePath;

    public override string TableExistsSql => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @name";

    protected override string IdColumnType => "INTEGER PRIMARY KEY AUTOINCREMENT";

    protected override string TimestampType => "TEXT";

    protected override string RealType => "REAL";

    protected override string BigIntType => "INTEGER";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var pragma = connection.CreateCommand();
            pragma.CommandText = _busyPragma;
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Switches the file to WAL mode (a no-op when it already is; persistent in the file).</summary>
    public async Task EnableWalAsync(CancellationToken cancellationToken)
    {
        if (ReadOnly)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        command.ExecuteScalar();
    }

    public override async ValueTask<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken)
    {
        if (!await _writeTurn.WaitAsync(_busyTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new StoreException(StoreErrorKind.Unavailable, LockedMessage);
        }

        return new WriteTurn(_writeTurn);
    }

    public override ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    // BEGIN IMMEDIATE already holds the only write lock of the file.
    public override Task LockMigrationsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public override object ToDb(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public override DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal) =>
        DateTimeOffset.ParseExact(reader.GetString(ordinal), TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public override StoreException? Translate(Exception error)
    {
        if (error is not SqliteException sqlite)
        {
            return null;
        }

        var where = $"SQLite database '{FilePath}'";
        var message = sqlite.SqliteErrorCode switch
        {
            SqliteBusy or SqliteLocked => LockedMessage,
            SqliteReadOnly => $"{where} is read-only: it cannot be written (opened read-only, or the file or its folder is not writable)",
            SqliteCorrupt or SqliteNotADatabase => $"{where} is corrupt or is not a SQLite database; restore it from a backup or point --database elsewhere",
            SqliteCantOpen => $"{where} cannot be opened: check that the file or its folder exists and is accessible",
            SqliteFull => $"{where} cannot be written: the disk is full",
            SqliteIoError => $"{where} cannot be read or written: disk I/O error",
            _ => null,
        };
        return message is null ? null : new StoreException(StoreErrorKind.Unavailable, message, error);
    }

    private string LockedMessage => string.Create(
        CultureInfo.InvariantCulture,
        $"SQLite database '{FilePath}' is locked: another writer kept it busy for more than {_busyTimeout.TotalSeconds:0.###} s; try again when it is done");

    public override bool IsUniqueViolation(Exception error) =>
        error is SqliteException { SqliteErrorCode: SqliteConstraint, SqliteExtendedErrorCode: SqliteConstraintUnique or SqliteConstraintPrimaryKey };

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; release them so the file can be moved or deleted.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    private sealed class WriteTurn(SemaphoreSlim turn) : IDisposable
    {
        private SemaphoreSlim? _turn = turn;

        public void Dispose() => Interlocked.Exchange(ref _turn, null)?.Release();
    }
}
