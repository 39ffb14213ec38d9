using System.Buffers.Binary;
using Microsoft.Data.Sqlite;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;
using ModelOps.Store.Registry;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Store.Tests.Concurrency;

/// <summary>Who copies SQLite's write-ahead log into the database file: the commit that fills it (default) or a background thread.</summary>
public sealed class SqliteCheckpointTests : IDisposable
{
    // 2,400 rows of 4 KB: about 2,400 WAL pages, past SQLite's automatic checkpoint at 1,000.
    private const int Rows = 2400;
    private const long Written = Rows * 4096L;

    private readonly TempFolder _folder = new();

    private string DatabasePath => _folder.Combine("modelops.db");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Append_DefaultOptions_TheCommitCheckpointsIntoTheFile()
    {
        await using var store = await StoreFactory.OpenAsync(DatabasePath);

        await AppendAsync(store);

        Assert.True(new FileInfo(DatabasePath).Length >= Written, $"database file {new FileInfo(DatabasePath).Length} bytes");
        Assert.Equal(Rows, await CountAsync());
    }

    [Fact]
    public async Task Append_BackgroundCheckpointsNotDueYet_CommitsLeaveTheRowsInTheLog()
    {
        await using var store = await StoreFactory.OpenAsync(DatabasePath, new StoreOptions { SqliteCheckpointInterval = TimeSpan.FromHours(1) });

        await AppendAsync(store);

        Assert.True(new FileInfo(DatabasePath).Length < Written / 4, $"database file {new FileInfo(DatabasePath).Length} bytes");
        Assert.True(new FileInfo(DatabasePath + "-wal").Length >= Written, $"log {new FileInfo(DatabasePath + "-wal").Length} bytes");
        Assert.Equal(Rows, await CountAsync());
    }

    [Fact]
    public async Task Append_BackgroundCheckpoints_TheThreadCopiesTheLogIntoTheFile()
    {
        await using var store = await StoreFactory.OpenAsync(DatabasePath, new StoreOptions { SqliteCheckpointInterval = TimeSpan.FromMilliseconds(50) });

        await AppendAsync(store);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (new FileInfo(DatabasePath).Length < Written && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(new FileInfo(DatabasePath).Length >= Written, $"database file {new FileInfo(DatabasePath).Length} bytes after 20 s");
        Assert.Equal(Rows, await CountAsync());
    }

    [Fact]
    public async Task Append_BackgroundCheckpointsUnderBackToBackCommits_TheLogIsRestartedNotGrown()
    {
        // Commits never pause, so no PASSIVE checkpoint alone ever lets the log restart from its
        // beginning (a writer restarts it only when its transaction began after a checkpoint reached
        // the log's end): without the store's restart rounds it grew to 210 MB in 8,000 commits.
        await using var store = await StoreFactory.OpenAsync($"sqlite://{DatabasePath}?synchronous=normal", new StoreOptions { SqliteCheckpointInterval = TimeSpan.FromMilliseconds(20) });
        await store.RegisterVersionAsync(new NewModelVersion("bike", "file:///bike/1.json"));
        await store.Groups.CreateGroupAsync(new NewModelGroup("bike", [new GroupMember("bike", 1, GroupRole.Champion, 100)], GroupDeletionPolicy.Archive), "alice");
        var inputs = $"{{\"text\":\"{new string('x', 4000)}\"}}";

        // The setup's pauses may have let a checkpoint restart the log already: count from here.
        // Each commit adds at least two pages (the row and its overflow page): 1,000 of them pass the
        // 4,096 pages after which the store restarts the log. Until it did, up to 20,000 commits (a
        // stalled fsync of the disk delays a round, and the log grows meanwhile: its size is not the test).
        const int MaxCommits = 20_000;
        var commits = 0;
        var before = LogRestarts();
        var restarts = before;
        while (restarts == before && commits < MaxCommits)
        {
            for (var i = 0; i < 1000; i++, commits++)
            {
                await store.InferenceLog.AppendInferencesAsync([new InferenceRecord("bike", $"r{commits}", 0, DateTimeOffset.UtcNow, "bike", 1, GroupRole.Champion, null, inputs, 1.0, null, null, 0.5, null)]);
            }

            restarts = LogRestarts();
        }

        Assert.True(restarts > before, $"the log was not restarted in {commits} back-to-back commits ({new FileInfo(DatabasePath + "-wal").Length} bytes)");
        Assert.True(((Sqlite.SqliteDialect)((Sql.SqlStore)store).Dialect).Checkpoints > 0);
        Assert.Equal(commits, await CountAsync());
    }

    [Theory]
    [InlineData("", 2)]
    [InlineData("?synchronous=full", 2)]
    [InlineData("?synchronous=normal", 1)]
    [InlineData("?synchronous=normal&mode=rw", 1)]
    public async Task Open_SynchronousOption_SetsTheStoreConnectionsAndCommitsStillLand(string query, long expected)
    {
        await using var store = await StoreFactory.OpenAsync($"sqlite://{DatabasePath}{query}");

        await AppendAsync(store);
        await using var connection = await ((Sql.SqlStore)store).Dialect.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous";

        // SQLite's levels: 1 = NORMAL (no fsync at commit in WAL mode), 2 = FULL.
        Assert.Equal(expected, (long)(await command.ExecuteScalarAsync())!);
        Assert.Equal(Rows, await CountAsync());
    }

    [Theory]
    [InlineData("", 1000L, 0L)]
    [InlineData("?checkpoint=auto", 1000L, 0L)]
    [InlineData("?checkpoint=background", 0L, 1L)]
    [InlineData("?synchronous=normal&checkpoint=background", 0L, 1L)]
    public async Task Open_CheckpointOption_CommitsOrABackgroundThreadCheckpoint(string query, long autoCheckpoint, long minimumBackgroundCheckpoints)
    {
        await using var store = await StoreFactory.OpenAsync($"sqlite://{DatabasePath}{query}");

        await AppendAsync(store);
        var dialect = (Sqlite.SqliteDialect)((Sql.SqlStore)store).Dialect;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (dialect.Checkpoints < minimumBackgroundCheckpoints && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await using var connection = await dialect.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_autocheckpoint";

        // 0: commits never checkpoint; the store's thread does, every 200 ms.
        Assert.Equal(autoCheckpoint, (long)(await command.ExecuteScalarAsync())!);
        Assert.InRange(dialect.Checkpoints, minimumBackgroundCheckpoints, minimumBackgroundCheckpoints == 0 ? 0 : long.MaxValue);
        Assert.Equal(Rows, await CountAsync());
    }

    [Theory]
    [InlineData("", false, false, 2L, 1000L, "synchronous=full&checkpoint=auto")]
    [InlineData("", true, true, 1L, 0L, "synchronous=normal&checkpoint=background")]
    [InlineData("?synchronous=full", true, true, 2L, 0L, "synchronous=full&checkpoint=background")]
    [InlineData("?checkpoint=auto", true, true, 1L, 1000L, "synchronous=normal&checkpoint=auto")]
    [InlineData("?synchronous=full&checkpoint=auto", true, true, 2L, 1000L, "synchronous=full&checkpoint=auto")]
    [InlineData("?synchronous=normal&checkpoint=background", false, false, 1L, 0L, "synchronous=normal&checkpoint=background")]
    public async Task Open_UrlAndStoreOptions_TheUrlWinsAndTheOptionsFillWhatItDoesNotSay(string query, bool normal, bool background, long synchronous, long autoCheckpoint, string durability)
    {
        var options = new StoreOptions { SqliteSynchronousNormal = normal, SqliteCheckpointInterval = background ? TimeSpan.FromMilliseconds(50) : null };
        await using var store = await StoreFactory.OpenAsync($"sqlite://{DatabasePath}{query}", options);

        await using var connection = await ((Sql.SqlStore)store).Dialect.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous";
        Assert.Equal(synchronous, (long)(await command.ExecuteScalarAsync())!);
        command.CommandText = "PRAGMA wal_autocheckpoint";
        Assert.Equal(autoCheckpoint, (long)(await command.ExecuteScalarAsync())!);
        Assert.Equal(durability, store.Durability);
    }

    private static async Task AppendAsync(IModelStore store)
    {
        await store.RegisterVersionAsync(new NewModelVersion("bike", "file:///bike/1.json"));
        await store.Groups.CreateGroupAsync(new NewModelGroup("bike", [new GroupMember("bike", 1, GroupRole.Champion, 100)], GroupDeletionPolicy.Archive), "alice");
        var inputs = $"{{\"text\":\"{new string('x', 4000)}\"}}";
        var now = DateTimeOffset.UtcNow;
        for (var batch = 0; batch < 4; batch++)
        {
            var rows = Enumerable.Range(0, Rows / 4)
                .Select(i => new InferenceRecord("bike", $"r{batch}-{i}", 0, now, "bike", 1, GroupRole.Champion, null, inputs, 1.0, null, null, 0.5, null))
                .ToList();
            await store.InferenceLog.AppendInferencesAsync(rows);
        }
    }

    // The log's header counts its restarts: the checkpoint sequence number, big-endian at byte 12
    // (written with the first frame after each restart).
    private uint LogRestarts()
    {
        var header = new byte[16];
        using (var log = new FileStream(DatabasePath + "-wal", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            log.ReadExactly(header);
        }

        return BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(12));
    }

    // Read by another connection: the rows are committed wherever they are (log or file).
    private async Task<long> CountAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM inference_log_bike";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
