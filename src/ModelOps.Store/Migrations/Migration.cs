namespace ModelOps.Store.Migrations;

/// <summary>
/// One step of the schema: its version (1, 2, 3... without gaps), a name for the
/// <c>schema_version</c> table, and its DDL with type placeholders (<c>{id}</c>,
/// <c>{timestamp}</c>, <c>{real}</c>, <c>{bigint}</c>, <c>{blob}</c>) that each dialect fills in.
/// </summary>
/// A migration may add a data step, run after its DDL in the same transaction (such as recording which rows of every
/// group a later backfill must read).
internal sealed record Migration(int Version, string Name, string Ddl, Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, CancellationToken, Task>? Data = null);
