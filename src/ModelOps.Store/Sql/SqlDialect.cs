using System.Data.Common;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;
using ModelOps.Store.Tracking;

namespace ModelOps.Store.Sql;

/// <summary>
/// What differs between the databases, and nothing else: how to connect and start a write
/// transaction, the column types of the schema, how timestamps are stored, how batches of metric
/// points and inference rows are bulk-inserted, how to serialize migrations, and how driver
/// errors read to a user. Every query is shared SQL that both SQLite (3.35 and later) and
/// PostgreSQL accept.
/// </summary>
internal abstract class SqlDialect : IAsyncDisposable
{
    /// <summary>The columns an inference-log row is written with, in the order both insert paths write them.</summary>
    public const string InferenceColumns = "request_id, record_index, logged_at, model, version, role, routing_key, inputs, prediction, probability, shap, latency_ms, error";

    public abstract StoreBackend Backend { get; }

    /// <summary>The database, for messages: a file path or <c>host:port/database</c>.</summary>
    public abstract string Location { get; }

    /// <summary>How commits reach the disk (see <see cref="IModelStore.Durability"/>).</summary>
    public abstract string Durability { get; }

    /// <summary>
    /// What a <c>SELECT</c> ends with to lock the rows it returns for this write transaction and skip the rows other
    /// transactions hold: <c> FOR UPDATE SKIP LOCKED</c> on PostgreSQL; nothing on SQLite, whose write transaction
    /// already holds the whole file.
    /// </summary>
    public abstract string SkipLocked { get; }

    /// <summary>The clause that locks the rows a SELECT reads until the transaction ends (PostgreSQL), or nothing (SQLite's one writer).</summary>
    public abstract string ForUpdate { get; }

    /// <summary>The SQL that counts tables named <c>@name</c> in the store's schema (0 or 1).</summary>
    public abstract string TableExistsSql { get; }

    /// <summary>Opens a pooled connection, ready for queries.</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Starts a transaction that will write. SQLite takes the write lock at once (<c>BEGIN IMMEDIATE</c>),
    /// waiting up to the busy timeout, so two writers never deadlock on a lock upgrade.
    /// </summary>
    public abstract ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Waits for this process's turn to write, when the database allows one writer at a time;
    /// dispose the result to let the next writer in. <see langword="null"/> when writers need no turns.
    /// </summary>
    public virtual ValueTask<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IDisposable?>(null);

    /// <summary>
    /// Takes, until <paramref name="transaction"/> ends, the lock that orders a group's log writes against the fold of
    /// its rows into the statistics: shared by appends and labels, exclusive for the fold, so a fold sees every row with
    /// an id below the last it reads committed (ids of concurrent writers may commit out of order). A database with one
    /// writer at a time (SQLite) needs none.
    /// </summary>
    public virtual Task LockGroupLogAsync(DbConnection connection, DbTransaction transaction, string group, bool exclusive, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Serializes migrations between processes inside <paramref name="transaction"/>.</summary>
    public abstract Task LockMigrationsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts a batch of metric points of one run inside <paramref name="transaction"/>: the hot
    /// path of tracking. The default reuses one prepared single-row INSERT for every point;
    /// PostgreSQL overrides it with binary COPY.
    /// </summary>
    public virtual async Task InsertMetricsAsync(DbConnection connection, DbTransaction transaction, string runId, IReadOnlyList<MetricPoint> metrics, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO run_metrics (run_id, key, value, step, logged_at) VALUES (@run, @key, @value, @step, @at)";
        var run = Parameter(command, "@run");
        var key = Parameter(command, "@key");
        var value = Parameter(command, "@value");
        var step = Parameter(command, "@step");
        var at = Parameter(command, "@at");
        run.Value = runId;
        await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < metrics.Count; i++)
        {
            var metric = metrics[i];
            key.Value = metric.Key;
            value.Value = double.IsNaN(metric.Value) ? DBNull.Value : metric.Value;
            step.Value = metric.Step;
            at.Value = ToDb(Microseconds(metric.Timestamp));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Inserts a batch of inference-log rows of one group into its table <paramref name="table"/>
    /// (a name made by <see cref="GroupRules.TableName"/>) inside <paramref name="transaction"/>: the hot
    /// path of the hub's log. The default reuses one prepared single-row INSERT for every row;
    /// PostgreSQL overrides it with binary COPY. A prediction or probability that is not finite is stored as NULL.
    /// </summary>
    public virtual async Task InsertInferencesAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<InferenceRecord> records, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {GroupRules.Quote(table)} ({InferenceColumns}) VALUES (@request, @index, @at, @model, @version, @role, @key, @inputs, @prediction, @probability, @shap, @latency, @error)";
        var request = Parameter(command, "@request");
        var index = Parameter(command, "@index");
        var at = Parameter(command, "@at");
        var modelName = Parameter(command, "@model");
        var version = Parameter(command, "@version");
        var role = Parameter(command, "@role");
        var key = Parameter(command, "@key");
        var inputs = Parameter(command, "@inputs");
        var prediction = Parameter(command, "@prediction");
        var probability = Parameter(command, "@probability");
        var shap = Parameter(command, "@shap");
        var latency = Parameter(command, "@latency");
        var error = Parameter(command, "@error");
        await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            request.Value = record.RequestId;
            index.Value = record.RecordIndex;
            at.Value = ToDb(Microseconds(record.Timestamp));
            modelName.Value = record.Model;
            version.Value = record.Version;
            role.Value = record.Role.ToName();
            key.Value = (object?)record.RoutingKey ?? DBNull.Value;
            inputs.Value = record.Inputs;
            prediction.Value = Finite(record.Prediction) is { } p ? p : DBNull.Value;
            probability.Value = Finite(record.Probability) is { } q ? q : DBNull.Value;
            shap.Value = (object?)record.Shap ?? DBNull.Value;
            latency.Value = record.LatencyMs;
            error.Value = (object?)record.Error ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary><paramref name="value"/> truncated to the microsecond, the precision both databases store.</summary>
    public static DateTimeOffset Microseconds(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }

    /// <summary>Replaces the type placeholders of a migration: <c>{id}</c>, <c>{timestamp}</c>, <c>{real}</c>, <c>{bigint}</c>, <c>{blob}</c>.</summary>
    public string Ddl(string template) => template
        .Replace("{id}", IdColumnType, StringComparison.Ordinal)
        .Replace("{timestamp}", TimestampType, StringComparison.Ordinal)
        .Replace("{real}", RealType, StringComparison.Ordinal)
        .Replace("{bigint}", BigIntType, StringComparison.Ordinal)
        .Replace("{blob}", BlobType, StringComparison.Ordinal);

    /// <summary>
    /// SQL that is true when <paramref name="column"/> matches the LIKE pattern in <paramref name="parameter"/> (its
    /// wildcards escaped with a backslash, see <see cref="ContainsPattern"/>), ignoring case.
    /// </summary>
    public abstract string LikeIgnoringCase(string column, string parameter);

    /// <summary>The LIKE pattern of values containing <paramref name="text"/> (its wildcards escaped with a backslash).</summary>
    public static string ContainsPattern(string text) =>
        "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    /// <summary>
    /// What stops a statement running on <paramref name="connection"/> when <paramref name="cancellationToken"/> is
    /// cancelled, for drivers that do not do it themselves (dispose it when the statement is done), or <see langword="null"/>.
    /// </summary>
    public virtual IDisposable? InterruptOnCancel(DbConnection connection, CancellationToken cancellationToken) => null;

    /// <summary>A timestamp as the parameter value the database stores.</summary>
    public abstract object ToDb(DateTimeOffset value);

    /// <summary>Reads a timestamp column written with <see cref="ToDb"/>.</summary>
    public abstract DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal);

    /// <summary>
    /// The one-line <see cref="StoreException"/> for a driver error a user can act on (locked,
    /// read-only, corrupt, unreachable, rejected), or <see langword="null"/> for any other error.
    /// </summary>
    public abstract StoreException? Translate(Exception error);

    /// <summary>Whether <paramref name="error"/> is a unique-constraint violation.</summary>
    public abstract bool IsUniqueViolation(Exception error);

    public abstract ValueTask DisposeAsync();

    /// <summary><paramref name="value"/> when it is a finite number, else <see langword="null"/> (stored as NULL).</summary>
    protected static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    private static DbParameter Parameter(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    protected abstract string IdColumnType { get; }

    protected abstract string TimestampType { get; }

    protected abstract string RealType { get; }

    protected abstract string BigIntType { get; }

    protected abstract string BlobType { get; }
}
