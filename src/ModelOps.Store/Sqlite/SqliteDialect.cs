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
    /// <summary>
    /// The log size, in frames (pages, 16 MB), past which a background round runs once more with this
    /// process's writers held back, so that the log restarts: four times SQLite's automatic
    /// checkpoint size, so that the writers wait about once a second under a full load, and one of
    /// SQLite's wal-index hash tables.
    /// </summary>
    private const long RestartFrames = 4096;

    private readonly TimeSpan? _checkpointInterval;
    private readonly CancellationTokenSource _stopCheckpoints = new();
    private Thread? _checkpointer;
    private long _checkpoints;

    /// <param name="path">The database file.</param>
    /// <param name="readOnly">Opens the file read-only.</param>
    /// <param name="busyTimeout">How long a writer waits for another process's write lock.</param>
    /// <param name="checkpointInterval">
    /// When set (and not read-only), commits never checkpoint the WAL (<c>wal_autocheckpoint = 0</c>
    /// on this process's connections); a background thread runs a PASSIVE checkpoint this often
    /// (<see cref="StartCheckpoints"/>), so a committing writer never waits for the database file's
    /// writes and fsync. Other processes on the file keep SQLite's automatic checkpoints.
    /// </param>
    /// <param name="synchronousNormal">
    /// Commits return once the write-ahead log is written, without its fsync (<c>PRAGMA synchronous =
    /// NORMAL</c> on this process's connections): durable when the process dies, not when the machine does.
    /// </param>
    public SqliteDialect(string path, bool readOnly, TimeSpan busyTimeout, TimeSpan? checkpointInterval = null, bool synchronousNormal = false)
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
        _checkpointInterval = readOnly ? null : checkpointInterval;
        Durability = readOnly ? "mode=ro" : $"synchronous={(synchronousNormal ? "normal" : "full")}&checkpoint={(_checkpointInterval is null ? "auto" : "background")}";
        if (synchronousNormal)
        {
            _busyPragma += " PRAGMA synchronous = NORMAL;";
        }

        if (_checkpointInterval is not null)
        {
            _busyPragma += " PRAGMA wal_autocheckpoint = 0;";
        }
    }

    /// <summary>The background checkpoints run so far (see the constructor's <c>checkpointInterval</c>).</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>Starts the background checkpoint thread when the dialect was made with an interval (once).</summary>
    public void StartCheckpoints()
    {
        if (_checkpointInterval is not { } interval || _checkpointer is not null)
        {
            return;
        }

        _checkpointer = new Thread(() => CheckpointLoop(interval)) { IsBackground = true, Name = "sqlite checkpoints" };
        _checkpointer.Start();
    }

    // Its own thread: a checkpoint blocks in the database file's fsync.
    private void CheckpointLoop(TimeSpan interval)
    {
        var stop = _stopCheckpoints.Token;
        while (!stop.WaitHandle.WaitOne(interval))
        {
            try
            {
                using var connection = new SqliteConnection(_connectionString);
                connection.Open();
                using var pragmas = connection.CreateCommand();
                pragmas.CommandText = _busyPragma;
                pragmas.ExecuteNonQuery();

                // PASSIVE copies what it can without waiting for writers or readers; frames still in
                // use wait for the next round. SQLITE_BUSY or an I/O error: the next round retries.
                var frames = CheckpointPassive(connection);
                Interlocked.Increment(ref _checkpoints);

                // A writer restarts the log from its beginning only when its transaction began after
                // a checkpoint reached the log's end, which back-to-back commits never allow (one is
                // always under way): the log would grow by every commit, each a write to fresh pages
                // of the file. Past RestartFrames this process's writers wait for one more round, over
                // the few frames committed since the last one, and the next of them restarts the log.
                // Queued as the writers queue (a blocking Wait would lose the turn to each next commit).
                if (frames >= RestartFrames && _writeTurn.WaitAsync(_busyTimeout, stop).GetAwaiter().GetResult())
                {
                    try
                    {
                        CheckpointPassive(connection);
                    }
                    finally
                    {
                        _writeTurn.Release();
                    }
                }
            }
            catch (SqliteException)
            {
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One PASSIVE checkpoint; returns the frames in the log.</summary>
    private static long CheckpointPassive(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using var reader = command.ExecuteReader();

        // One row: busy, frames in the log, frames copied into the database file.
        reader.Read();
        return reader.GetInt64(1);
    }

    public string FilePath { get; }

    public bool ReadOnly { get; }

    public override StoreBackend Backend => StoreBackend.Sqlite;

    public override string Location => FilePath;

    public override string Durability { get; }

    public override string TableExistsSql => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @name";

    protected override string IdColumnType => "INTEGER PRIMARY KEY AUTOINCREMENT";

    protected override string TimestampType => "TEXT";

    public override string SkipLocked => string.Empty;

    public override string ForUpdate => string.Empty;

    // SQLite's LIKE ignores the case of ASCII letters, as its LOWER() lowers only those: no lowered copy of each value.
    public override string LikeIgnoringCase(string column, string parameter) => $"{column} LIKE {parameter} ESCAPE '\\'";

    // Microsoft.Data.Sqlite checks the token only between rows, and a scan that matches no row returns none until it
    // ends: sqlite3_interrupt stops the statement at once (it fails with SQLITE_INTERRUPT).
    public override IDisposable? InterruptOnCancel(DbConnection connection, CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled ? cancellationToken.Register(static c => SQLitePCL.raw.sqlite3_interrupt(((SqliteConnection)c!).Handle), connection) : null;

    protected override string RealType => "REAL";

    protected override string BigIntType => "INTEGER";

    protected override string BlobType => "BLOB";

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
        if (_checkpointer is { } checkpointer)
        {
            _stopCheckpoints.Cancel();
            checkpointer.Join();
        }

        _stopCheckpoints.Dispose();

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
