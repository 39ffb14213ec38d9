using System.Diagnostics;
using Microsoft.Data.Sqlite;
using ModelOps.Store.Migrations;
using ModelOps.Store.Registry;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Store.Tests.Faults;

/// <summary>A SQLite file that cannot be used is one clear line, never a driver stack trace.</summary>
public sealed class SqliteFaultTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string DatabasePath => _folder.Combine("modelops.db");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Write_FileLockedByAnotherWriter_FailsWithOneLineAfterTheBusyTimeout()
    {
        await using var store = await StoreFactory.OpenAsync(DatabasePath, new StoreOptions { BusyTimeout = TimeSpan.FromMilliseconds(200) });
        await using var other = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await other.OpenAsync();
        await using var hold = other.BeginTransaction(deferred: false);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<StoreException>(() => store.RegisterVersionAsync(new NewModelVersion("credit", "file:///m.json")));

        Assert.Equal(StoreErrorKind.Unavailable, error.Kind);
        Assert.Equal($"SQLite database '{DatabasePath}' is locked: another writer kept it busy for more than 0.2 s; try again when it is done", error.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(5));
        hold.Rollback();
        Assert.Equal(1, (await store.RegisterVersionAsync(new NewModelVersion("credit", "file:///m.json"))).Version);
    }

    [Fact]
    public async Task Write_OpenedReadOnly_FailsWithOneLineAndReadsStillWork()
    {
        await using (var store = await StoreFactory.OpenAsync(DatabasePath))
        {
            await store.RegisterVersionAsync(new NewModelVersion("credit", "file:///m.json"));
        }

        await using var readOnly = await StoreFactory.OpenAsync($"sqlite://{DatabasePath}?mode=ro");
        var error = await Assert.ThrowsAsync<StoreException>(() => readOnly.RegisterVersionAsync(new NewModelVersion("credit", "file:///n.json")));

        Assert.Equal(StoreErrorKind.Unavailable, error.Kind);
        Assert.Equal($"SQLite database '{DatabasePath}' is read-only: it cannot be written (opened read-only, or the file or its folder is not writable)", error.Message);
        Assert.Equal(1, (await readOnly.ResolveAsync("credit")).Version);
        Assert.Equal("mode=ro", readOnly.Durability);
    }

    [Fact]
    public async Task Open_ReadOnlyFileThatDoesNotExist_SaysSoAndCreatesNothing()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => StoreFactory.OpenAsync($"sqlite://{DatabasePath}?mode=ro"));

        Assert.Equal($"SQLite database '{DatabasePath}' does not exist (opened read-only, so it is not created)", error.Message);
        Assert.False(File.Exists(DatabasePath));
    }

    [Fact]
    public async Task Open_FileThatIsNoDatabase_FailsWithOneLine()
    {
        await File.WriteAllTextAsync(DatabasePath, string.Concat(Enumerable.Repeat("this is a CSV file, not a database\n", 200)));

        var error = await Assert.ThrowsAsync<StoreException>(() => StoreFactory.OpenAsync(DatabasePath));

        Assert.Equal(StoreErrorKind.Unavailable, error.Kind);
        Assert.Equal($"SQLite database '{DatabasePath}' is corrupt or is not a SQLite database; restore it from a backup or point --database elsewhere", error.Message);
    }

    [Fact]
    public async Task Open_DatabaseWithCorruptPages_FailsWithOneLine()
    {
        await using (var store = await StoreFactory.OpenAsync(DatabasePath))
        {
            await store.StartRunAsync("training");
        }

        // Keep the header (first 100 bytes) and overwrite the schema page after it with garbage.
        await using (var file = new FileStream(DatabasePath, FileMode.Open, FileAccess.Write))
        {
            file.Position = 100;
            await file.WriteAsync(Enumerable.Repeat((byte)0xA5, 3000).ToArray());
        }

        var error = await Assert.ThrowsAsync<StoreException>(async () =>
        {
            await using var store = await StoreFactory.OpenAsync(DatabasePath);
            await store.ListRunsAsync();
        });

        Assert.Equal($"SQLite database '{DatabasePath}' is corrupt or is not a SQLite database; restore it from a backup or point --database elsewhere", error.Message);
    }

    [Fact]
    public async Task Open_SchemaNewerThanThisBuild_SaysToUpgrade()
    {
        await using (var store = await StoreFactory.OpenAsync(DatabasePath))
        {
        }

        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'future', '2030-01-01T00:00:00.000000Z')";
            await command.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<StoreException>(() => StoreFactory.OpenAsync(DatabasePath));

        Assert.Equal($"database '{DatabasePath}' has schema version 99, newer than this modelops knows ({SchemaMigrations.Latest}); upgrade modelops", error.Message);
    }

    [Fact]
    public async Task Open_FolderMissing_CreatesFolderWalFileAndArtifactsNextToIt()
    {
        var path = _folder.Combine("nested", ".modelops", "modelops.db");

        await using var store = await StoreFactory.OpenAsync("sqlite://" + path);

        Assert.True(File.Exists(path));
        Assert.Equal(path, store.Location);
        Assert.Equal(_folder.Combine("nested", ".modelops", "artifacts"), store.Artifacts.Location);
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData("sqlite:")]
    [InlineData("sqlite:///tmp/x.db?mode=rx")]
    public async Task Open_MalformedSqliteUrl_SaysWhatIsWrong(string url)
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => StoreFactory.OpenAsync(url));

        Assert.Equal(StoreErrorKind.Invalid, error.Kind);
        Assert.Equal(
            url == "sqlite:"
                ? "database URL 'sqlite:' is invalid: it names no file (write sqlite:///absolute/path.db)"
                : "database URL 'sqlite:///tmp/x.db?mode=rx' is invalid: unknown option 'mode=rx' (known: mode=ro, synchronous=full, synchronous=normal, checkpoint=auto, checkpoint=background)",
            error.Message);
    }

    [Fact]
    public async Task Read_CancelledWhileAStatementScans_SqliteInterruptsIt()
    {
        await using var store = await StoreFactory.OpenAsync(DatabasePath);
        var dialect = ((Sql.SqlStore)store).Dialect;
        await using var connection = await dialect.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        // Billions of rows, one step each: minutes without the interrupt (Microsoft.Data.Sqlite checks the token only
        // between the rows it returns, and this returns one, at the end).
        command.CommandText = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000000) SELECT COUNT(*) FROM c";
        using var cancel = new CancellationTokenSource();
        using var interrupt = dialect.InterruptOnCancel(connection, cancel.Token);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(100));

        var error = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteScalarAsync(CancellationToken.None));

        Assert.Equal(9, error.SqliteErrorCode); // SQLITE_INTERRUPT
        command.CommandText = "SELECT COUNT(*) FROM schema_version";
        Assert.True((long)(await command.ExecuteScalarAsync())! > 0);
    }
}
