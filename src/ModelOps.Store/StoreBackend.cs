namespace ModelOps.Store;

/// <summary>The database behind a store.</summary>
public enum StoreBackend
{
    /// <summary>An embedded SQLite file (the default, <c>.modelops/modelops.db</c>).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server, shared by several processes.</summary>
    Postgres,
}
