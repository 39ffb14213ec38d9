using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Store.Tests.Faults;

/// <summary>A PostgreSQL server that cannot be used is one clear line naming host and port.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresFaultTests(PostgresServer server)
{
    [Fact]
    public async Task Open_NothingListening_NamesHostAndPort()
    {
        var port = FreePort.Next();

        var error = await Assert.ThrowsAsync<StoreException>(() => StoreFactory.OpenAsync($"postgresql://modelops:secret@127.0.0.1:{port}/modelops"));

        Assert.Equal(StoreErrorKind.Unavailable, error.Kind);
        Assert.Equal($"PostgreSQL at 127.0.0.1:{port} is unreachable: connection refused", error.Message);
    }

    [Fact]
    public async Task Open_UnknownDatabase_SaysHowToCreateIt()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => StoreFactory.OpenAsync(server.Url("nope")));

        Assert.Equal($"PostgreSQL at 127.0.0.1:{server.Port} has no database 'nope'; create it first (createdb nope)", error.Message);
    }

    [Fact]
    public async Task Open_UnknownSchema_SaysHowToCreateIt()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => StoreFactory.OpenAsync(server.Url("modelops_tests", "missing")));

        Assert.Equal($"PostgreSQL at 127.0.0.1:{server.Port} has no schema 'missing' in database 'modelops_tests'; create it first", error.Message);
    }

    [Fact]
    public async Task Open_UnknownUrlOption_ListsKnownOnesWithoutThePassword()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => StoreFactory.OpenAsync("postgresql://ana:secret@db:5432/modelops?pool=9"));

        Assert.Equal(StoreErrorKind.Invalid, error.Kind);
        Assert.Equal(
            "database URL 'postgresql://ana:***@db:5432/modelops?pool=9' is invalid: unknown option 'pool' (known: sslmode, search_path, schema, application_name)",
            error.Message);
    }

    [Fact]
    public async Task Location_UrlWithPassword_ShowsHostPortDatabaseOnly()
    {
        var url = await server.CreateSchemaUrlAsync();
        var schema = url[(url.IndexOf('=', StringComparison.Ordinal) + 1)..];

        await using var store = await StoreFactory.OpenAsync(url.Replace("postgres@", "postgres:pw@", StringComparison.Ordinal));

        Assert.Equal(StoreBackend.Postgres, store.Backend);
        Assert.Equal($"127.0.0.1:{server.Port}/modelops_tests?search_path={schema}", store.Location);
    }
}
