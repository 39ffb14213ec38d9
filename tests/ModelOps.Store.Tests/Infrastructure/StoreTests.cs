using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ModelOps.Store.Tests.Infrastructure;

/// <summary>
/// Base of every test class that runs on both backends: each test gets a fresh database, a
/// store opened on it with a manual clock, and its own artifact folder.
/// </summary>
public abstract class StoreTests(IStoreBackend backend) : IAsyncLifetime
{
    private readonly List<IModelStore> _opened = [];

    protected IStoreBackend Backend => backend;

    protected ManualClock Clock { get; } = new();

    protected string Location { get; private set; } = string.Empty;

    protected IModelStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Location = await backend.CreateDatabaseAsync();
        Store = await OpenAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }

        backend.Dispose();
    }

    /// <summary>Opens another store on the same database (its own connections), closed at the end of the test.</summary>
    protected async Task<IModelStore> OpenAsync(StoreOptions? options = null)
    {
        var store = await StoreFactory.OpenAsync(Location, options ?? Options());
        _opened.Add(store);
        return store;
    }

    protected StoreOptions Options() => Options(StoreDefaults.StatisticsFoldRows);

    /// <summary>The test's options with the inference statistics folded every <paramref name="statisticsFoldRows"/> rows.</summary>
    protected StoreOptions Options(int statisticsFoldRows) =>
        new() { TimeProvider = Clock, ArtifactRoot = backend.ArtifactRoot, Actor = "tester", StatisticsFoldRows = statisticsFoldRows };

    /// <summary>Runs raw SQL on the test's database over a connection of its own (no store), returning the first value.</summary>
    protected async Task<object?> ScalarAsync(string sql)
    {
        await using DbConnection connection = backend.Kind == StoreBackend.Sqlite
            ? new SqliteConnection($"Data Source={Location};Pooling=False")
            : new NpgsqlConnection(PostgresServer.ConnectionStringOf(Location));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
