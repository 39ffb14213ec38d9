namespace ModelOps.Store.Tests.Infrastructure;

/// <summary>Makes a fresh, empty database for one test and cleans up after it.</summary>
public interface IStoreBackend : IDisposable
{
    StoreBackend Kind { get; }

    /// <summary>The location of a fresh database (a path or URL for <see cref="StoreFactory"/>).</summary>
    Task<string> CreateDatabaseAsync();

    /// <summary>A fresh folder for artifacts.</summary>
    string ArtifactRoot { get; }
}

/// <summary>A SQLite file in a temp folder per test.</summary>
public sealed class SqliteBackend : IStoreBackend
{
    private readonly TempFolder _folder = new();

    public StoreBackend Kind => StoreBackend.Sqlite;

    public string ArtifactRoot => _folder.Combine("artifacts");

    public string DatabasePath => _folder.Combine("modelops.db");

    public Task<string> CreateDatabaseAsync() => Task.FromResult(DatabasePath);

    public void Dispose() => _folder.Dispose();
}

/// <summary>A schema of the shared test server per test.</summary>
public sealed class PostgresBackend(PostgresServer server) : IStoreBackend
{
    private readonly TempFolder _folder = new();

    public StoreBackend Kind => StoreBackend.Postgres;

    public string ArtifactRoot => _folder.Combine("artifacts");

    public PostgresServer Server => server;

    public Task<string> CreateDatabaseAsync() => server.CreateSchemaUrlAsync();

    public void Dispose() => _folder.Dispose();
}
