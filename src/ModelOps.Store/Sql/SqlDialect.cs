using System.Data.Common;

namespace ModelOps.Store.Sql;

/// <summary>
/// What differs between the databases, and nothing else: how to connect and start a write
/// transaction, the column types of the schema, how timestamps are stored, how to serialize
/// migrations, and how driver errors read to a user. Every query is shared SQL that both
/// SQLite (3.35 and later) and PostgreSQL accept.
/// </summary>
internal abstract class SqlDialect : IAsyncDisposable
{
    public abstract StoreBackend Backend { get; }

    /// <summary>The database, for messages: a file path or <c>host:port/database</c>.</summary>
    public abstract string Location { get; }

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

    /// <summary>Serializes migrations between processes inside <paramref name="transaction"/>.</summary>
    public abstract Task LockMigrationsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Replaces the type placeholders of a migration: <c>{id}</c>, <c>{timestamp}</c>, <c>{real}</c>, <c>{bigint}</c>.</summary>
    public string Ddl(string template) => template
        .Replace("{id}", IdColumnType, StringComparison.Ordinal)
        .Replace("{timestamp}", TimestampType, StringComparison.Ordinal)
        .Replace("{real}", RealType, StringComparison.Ordinal)
        .Replace("{bigint}", BigIntType, StringComparison.Ordinal);

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

    protected abstract string IdColumnType { get; }

    protected abstract string TimestampType { get; }

    protected abstract string RealType { get; }

    protected abstract string BigIntType { get; }
}
