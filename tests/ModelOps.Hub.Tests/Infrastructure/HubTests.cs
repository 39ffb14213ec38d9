using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Hub.Tests.Infrastructure;

/// <summary>Where a test's hub keeps its data: a SQLite file in a temp folder, or a fresh schema of the shared PostgreSQL server.</summary>
public abstract class HubBackend : IDisposable
{
    private readonly TempFolder _folder = new("modelops-hub-");

    public string Artifacts => _folder.Combine("artifacts");

    internal string Folder => _folder.Path;

    public abstract Task<string> CreateDatabaseAsync();

    public void Dispose()
    {
        _folder.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteHub : HubBackend
{
    public override Task<string> CreateDatabaseAsync() => Task.FromResult(Path.Combine(Folder, "modelops.db"));
}

public sealed class PostgresHub(PostgresServer server) : HubBackend
{
    public override Task<string> CreateDatabaseAsync() => server.CreateSchemaUrlAsync();
}

/// <summary>Base of hub tests: each test gets a fresh database with the test models and a started hub.</summary>
public abstract class HubTests(HubBackend backend) : IAsyncLifetime
{
    private readonly List<HubHost> _hosts = [];

    internal HubHost Hub { get; private set; } = null!;

    protected HubBackend Backend => backend;

    protected string Database { get; private set; } = string.Empty;

    protected virtual HubOptions? Options => null;

    public async Task InitializeAsync()
    {
        Database = await backend.CreateDatabaseAsync();
        Hub = await StartAsync(register: true);
    }

    /// <summary>Starts another hub process-alike on the same database.</summary>
    internal async Task<HubHost> StartAsync(bool register = false, HubOptions? options = null)
    {
        var host = await HubHost.StartAsync(Database, backend.Artifacts, register, options ?? Options);
        _hosts.Add(host);
        return host;
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        backend.Dispose();
    }
}
