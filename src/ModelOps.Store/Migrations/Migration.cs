namespace ModelOps.Store.Migrations;

/// <summary>
/// One step of the schema: its version (1, 2, 3... without gaps), a name for the
/// <c>schema_version</c> table, and its DDL with type placeholders (<c>{id}</c>,
/// <c>{timestamp}</c>, <c>{real}</c>, <c>{bigint}</c>, <c>{blob}</c>) that each dialect fills in.
/// </summary>
internal sealed record Migration(int Version, string Name, string Ddl);
