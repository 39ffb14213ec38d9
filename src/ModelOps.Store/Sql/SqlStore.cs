using System.Data.Common;
using System.Globalization;
using ModelOps.Store.Artifacts;
using ModelOps.Store.Auth;
using ModelOps.Store.Connectors;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;
using ModelOps.Store.Migrations;
using ModelOps.Store.Queue;

namespace ModelOps.Store.Sql;

/// <summary>
/// The one implementation of <see cref="IModelStore"/>: shared SQL over a <see cref="SqlDialect"/>.
/// Every call opens a pooled connection; every write is one transaction, so a failure anywhere in
/// it (including a crash) leaves nothing half-made. Driver errors a user can act on become
/// one-line <see cref="StoreException"/>s through the dialect.
/// </summary>
internal sealed partial class SqlStore : IModelStore
{
    private readonly SqlDialect _dialect;
    private readonly TimeProvider _time;
    private readonly string _actor;
    private readonly Func<SecretKeyRing> _loadSecretKeys;
    private readonly Lock _secretKeysLock = new();
    private SecretKeyRing? _secretKeys;
    private int _disposed;

    private SqlStore(SqlDialect dialect, IArtifactStore artifacts, StoreOptions options, string? databaseFolder)
    {
        _dialect = dialect;
        _time = options.TimeProvider;
        _actor = options.Actor;
        _foldRows = options.StatisticsFoldRows > 0 ? options.StatisticsFoldRows
            : throw new ArgumentOutOfRangeException(nameof(options), options.StatisticsFoldRows, "StatisticsFoldRows must be at least 1");
        Artifacts = artifacts;

        // Loaded (and the key file created) only when a connector's key is written or read.
        _loadSecretKeys = () => options.SecretKeys ?? SecretKeyRing.Load(databaseFolder);

        // SQLite keeps its key file beside the database; elsewhere a key file is not made in a working folder for this.
        SharesSessionKeys = options.SecretKeys is not null || databaseFolder is not null || SecretKeyRing.IsConfigured();
    }

    public bool SharesSessionKeys { get; }

    public StoreBackend Backend => _dialect.Backend;

    public string Location => _dialect.Location;

    public string Durability => _dialect.Durability;

    public int SchemaVersion { get; private set; }

    public IArtifactStore Artifacts { get; }

    // One class implements every area over the same connections and dialect; the properties give
    // each caller only the part it uses.
    public IGroupStore Groups => this;

    public IInferenceLogStore InferenceLog => this;

    public ITokenStore Tokens => this;

    public IConnectorStore Connectors => this;

    public IJobQueue Jobs => this;

    /// <summary>
    /// Test hook: called at named points inside write transactions (such as
    /// <c>register:after-version</c>) so a test can fail a write half-way.
    /// </summary>
    internal Action<string>? FaultPoint { get; set; }

    public static async Task<SqlStore> OpenAsync(SqlDialect dialect, IArtifactStore artifacts, StoreOptions options, string? databaseFolder, CancellationToken cancellationToken)
    {
        var store = new SqlStore(dialect, artifacts, options, databaseFolder);
        try
        {
            try
            {
                store.SchemaVersion = await MigrationRunner.RunAsync(dialect, SchemaMigrations.All, options.TimeProvider, cancellationToken).ConfigureAwait(false);
                await store.BackfillStatisticsAsync(options.Progress, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (dialect.Translate(error) is { } translated)
            {
                throw translated;
            }

            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _dialect.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The current time, to the microsecond (what both databases store).</summary>
    /// <summary>The database dialect (tests read connection settings through it).</summary>
    internal SqlDialect Dialect => _dialect;

    private DateTimeOffset Now() => SqlDialect.Microseconds(_time.GetUtcNow());

    private void Fault(string point) => FaultPoint?.Invoke(point);

    /// <summary>Runs <paramref name="body"/> on an open connection, translating driver errors.</summary>
    private async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        try
        {
            await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await body(connection).ConfigureAwait(false);
        }
        catch (Exception error) when (_dialect.Translate(error) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Runs <paramref name="body"/> in one write transaction, committed when it returns, rolled back when it throws.</summary>
    private async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        try
        {
            using var turn = await _dialect.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            var result = await body(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (Exception error) when (_dialect.Translate(error) is { } translated)
        {
            throw translated;
        }
        catch (Exception error) when (_dialect.IsUniqueViolation(error))
        {
            throw new StoreException(StoreErrorKind.Conflict, $"another writer changed the same record at the same time; try again ({error.Message})", error);
        }
    }

    private DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = ToDb(value);
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private object ToDb(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset time => _dialect.ToDb(time),
        double number when double.IsNaN(number) => DBNull.Value,
        _ => value,
    };

    private async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    private async Task<List<T>> QueryAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        try
        {
            using var interrupt = _dialect.InterruptOnCancel(connection, cancellationToken);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(map(reader));
            }

            return rows;
        }
        catch (DbException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private async Task<Dictionary<string, string>> PairsAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var pairs = await QueryAsync(connection, transaction, sql, r => (r.GetString(0), r.GetString(1)), cancellationToken, parameters).ConfigureAwait(false);
        var result = new Dictionary<string, string>(pairs.Count, StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            result[key] = value;
        }

        return result;
    }

    private async Task<List<string>> StringsAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        await QueryAsync(connection, transaction, sql, r => r.GetString(0), cancellationToken, parameters).ConfigureAwait(false);

    /// <summary>Throws <see cref="StoreErrorKind.Invalid"/> listing every problem of <paramref name="subject"/>, when there is one.</summary>
    private static void ThrowIfInvalid(string subject, List<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new StoreException(StoreErrorKind.Invalid, $"{subject} is invalid: {string.Join("; ", problems)}");
        }
    }

    private static long ToLong(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private DateTimeOffset? NullableTimestamp(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : _dialect.ReadTimestamp(reader, ordinal);
}
