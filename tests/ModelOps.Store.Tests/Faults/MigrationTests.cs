using System.Data.Common;
using Microsoft.Data.Sqlite;
using ModelOps.Store.Tests.Infrastructure;
using Npgsql;

namespace ModelOps.Store.Tests.Faults;

public abstract class MigrationTests(IStoreBackend backend) : StoreTests(backend)
{
    [Fact]
    public async Task Open_Again_AppliesNothingTwice()
    {
        await using (var again = await OpenAsync())
        {
            Assert.Equal(3, again.SchemaVersion);
        }

        Assert.Equal(3, Store.SchemaVersion);
        Assert.Equal([(1L, "tracking and registry"), (2L, "model groups, audit, api tokens"), (3L, "run errors")], await SchemaVersionRowsAsync());
    }

    private async Task<List<(long, string)>> SchemaVersionRowsAsync()
    {
        await using DbConnection connection = Backend.Kind == StoreBackend.Sqlite
            ? new SqliteConnection($"Data Source={Location};Pooling=False")
            : new NpgsqlConnection(ToConnectionString(Location));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, name FROM schema_version ORDER BY version";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(long, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), reader.GetString(1)));
        }

        return rows;
    }

    private static string ToConnectionString(string url)
    {
        var uri = new Uri(url);
        var schema = uri.Query[(uri.Query.IndexOf('=', StringComparison.Ordinal) + 1)..];
        return $"Host={uri.Host};Port={uri.Port};Username=postgres;Database={uri.AbsolutePath.Trim('/')};Search Path={schema};Pooling=false";
    }
}

public sealed class SqliteMigrationTests() : MigrationTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class PostgresMigrationTests(PostgresServer server) : MigrationTests(new PostgresBackend(server));
