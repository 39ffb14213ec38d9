using System.Globalization;
using System.Security.Cryptography;
using ModelOps.Core.Models;
using ModelOps.Store.Artifacts;
using ModelOps.Store.Migrations;
using ModelOps.Store.Registry;
using ModelOps.Store.Tests.Infrastructure;
using Npgsql;
using static ModelOps.Store.Tests.Infrastructure.SmallModels;

namespace ModelOps.Store.Tests.Postgres;

/// <summary>
/// On PostgreSQL artifacts live in the database, content-addressed, so a process on another machine (its own
/// working folder, no shared disk) opens every artifact and loads every registered model; the files written to
/// local folders before keep opening.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresArtifactStoreTests(PostgresServer server) : StoreTests(new PostgresBackend(server))
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task LogArtifact_IsStoredInTheDatabaseUnderItsSha256AndNothingIsWrittenLocally()
    {
        var run = await Store.StartRunAsync("training");
        var bytes = "{\"trees\": []}"u8.ToArray();
        var sha256 = Sha256(bytes);

        var artifact = await Store.LogArtifactAsync(run.Id, "model/model.json", new MemoryStream(bytes));

        Assert.Equal(new ArtifactRecord(run.Id, "model/model.json", "modelops-db:sha256/" + sha256, bytes.Length, sha256, ManualClock.Start), artifact);
        Assert.Equal([artifact], (await Store.GetRunAsync(run.Id)).Artifacts);
        Assert.Equal([(sha256, (long)bytes.Length, sha256, ManualClock.Start)], await BlobsAsync());
        Assert.Equal(bytes, await ReadAllAsync(await Store.OpenArtifactAsync(run.Id, "model/model.json")));
        Assert.Equal(bytes, await ReadAllAsync(await Store.Artifacts.OpenAsync(artifact.Uri)));
        Assert.False(Directory.Exists(Backend.ArtifactRoot));
    }

    [Fact]
    public async Task LogArtifact_FiveMegabytesOfRandomBytes_RoundTripExactly()
    {
        var run = await Store.StartRunAsync("training");
        var bytes = new byte[5 * 1024 * 1024];
        new Random(20250314).NextBytes(bytes);

        var artifact = await Store.LogArtifactAsync(run.Id, "data/weights.bin", new MemoryStream(bytes));

        Assert.Equal(("modelops-db:sha256/" + Sha256(bytes), (long)bytes.Length, Sha256(bytes)), (artifact.Uri, artifact.SizeBytes, artifact.Sha256));
        Assert.Equal([(Sha256(bytes), (long)bytes.Length, Sha256(bytes), ManualClock.Start)], await BlobsAsync());
        Assert.Equal(bytes, await ReadAllAsync(await Store.OpenArtifactAsync(run.Id, "data/weights.bin")));
    }

    [Fact]
    public async Task LogArtifact_SameContentFromTwoRuns_IsStoredOnce()
    {
        var first = await Store.StartRunAsync("training");
        var second = await Store.StartRunAsync("training");
        var bytes = "{\"trees\": [1]}"u8.ToArray();

        var one = await Store.LogArtifactAsync(first.Id, "model.json", new MemoryStream(bytes));
        var two = await Store.LogArtifactAsync(second.Id, "copy/model.json", new MemoryStream(bytes));
        var other = await Store.LogArtifactAsync(second.Id, "notes.txt", new MemoryStream("other"u8.ToArray()));

        Assert.Equal(one.Uri, two.Uri);
        Assert.NotEqual(one.Uri, other.Uri);
        Assert.Equal(2, await CountBlobsAsync());
        Assert.Equal(bytes, await ReadAllAsync(await Store.OpenArtifactAsync(first.Id, "model.json")));
        Assert.Equal(bytes, await ReadAllAsync(await Store.OpenArtifactAsync(second.Id, "copy/model.json")));
    }

    [Fact]
    public async Task PutAsync_SameContentFromEightStoresAtOnce_IsStoredOnceWithoutAnError()
    {
        var stores = new List<IModelStore>();
        for (var i = 0; i < 8; i++)
        {
            stores.Add(await OpenAsync());
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writes = stores.Select(store => Task.Run(async () =>
        {
            await start.Task;
            return await store.Artifacts.PutAsync("run", "model.json", new MemoryStream("same"u8.ToArray()));
        })).ToArray();
        start.SetResult();
        var stored = await Task.WhenAll(writes);

        Assert.Single(stored.Distinct());
        Assert.Equal(1, await CountBlobsAsync());
    }

    [Fact]
    public async Task LogArtifact_ContentFailsHalfway_StoresNothing()
    {
        var run = await Store.StartRunAsync("training");

        var error = await Assert.ThrowsAsync<IOException>(() => Store.LogArtifactAsync(run.Id, "model.json", new FailingStream(100_000)));

        Assert.Equal("the source broke after 100000 bytes", error.Message);
        Assert.Equal(0, await CountBlobsAsync());
        Assert.Empty((await Store.GetRunAsync(run.Id)).Artifacts);
    }

    [Fact]
    public async Task Load_SecondStoreWithItsOwnEmptyArtifactFolder_LoadsTheRegisteredModel()
    {
        var model = Fit(4);
        var run = await Store.StartRunAsync("training");
        var version = await Store.RegisterAsync(new ModelRegistration("rides", model, run.Id));
        using var elsewhere = new TempFolder("modelops-machine2-");
        var second = await OpenAsync(new StoreOptions { TimeProvider = Clock, ArtifactRoot = elsewhere.Path, Actor = "tester" });

        var loaded = await second.LoadAsync("rides/1");

        Assert.Equal(("rides", 1, version.ArtifactUri), (loaded.Version.Model, loaded.Version.Version, loaded.Version.ArtifactUri));
        Assert.Equal(model.Predict(Rows()), loaded.Model.Predict(Rows()));
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere.Path));
        Assert.False(Directory.Exists(Backend.ArtifactRoot));
    }

    // The issue's test: a hub or worker on another machine shares only the database with the one that trained.
    [Fact]
    public async Task Load_FromASecondProcessWithItsOwnEmptyWorkingFolder_LoadsTheRegisteredModel()
    {
        var model = Fit(4);
        var run = await Store.StartRunAsync("training");
        var version = await Store.RegisterAsync(new ModelRegistration("rides", model, run.Id));
        await Store.SetAliasAsync("rides", "Champion", version.Version);
        Assert.False(Directory.Exists(Backend.ArtifactRoot));
        using var elsewhere = new TempFolder("modelops-machine2-");

        var (exitCode, output) = await Task.Run(() => ProcessRunner.Run(
            ProcessRunner.DotnetHost, [typeof(Program).Assembly.Location, "load", Location, "rides@Champion"], ProcessTimeout, elsewhere.Path));

        Assert.True(exitCode == 0, $"the second process exited with {exitCode}: {output}");
        string[] expected =
        [
            $"rides/1 {version.ArtifactUri} {Store.Artifacts.Location}",
            .. model.Predict(Rows()).Select(p => p.ToString("R", CultureInfo.InvariantCulture)),
        ];
        Assert.Equal(expected, output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("modelops-db:sha256/", version.ArtifactUri, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere.Path));
    }

    [Fact]
    public async Task Open_FileArtifactWrittenBeforeTheMigration_StillOpensAndNewOnesGoToTheDatabase()
    {
        // A database as the build before left it: schema version 5, the model file in the local folder of
        // the process that trained it (an explicit artifact store wins over the database, as then).
        var model = Fit(3);
        var run = await Store.StartRunAsync("training");
        await using (var older = await StoreFactory.OpenAsync(Location, new StoreOptions { TimeProvider = Clock, Artifacts = new LocalArtifactStore(Backend.ArtifactRoot) }))
        {
            await older.RegisterAsync(new ModelRegistration("rides", model, run.Id));
        }

        // Undo migrations 6 and later (each later migration is undone here too).
        await ExecuteAsync("DROP TABLE hub_session_keys; DELETE FROM schema_version WHERE version = 11; ALTER TABLE model_groups DROP COLUMN statistics_through_id; DELETE FROM schema_version WHERE version = 10; DROP TABLE inference_statistics_backfill; DROP TABLE inference_statistics; ALTER TABLE model_groups DROP COLUMN guardrails; DELETE FROM schema_version WHERE version = 9; DROP TABLE job_log; DROP TABLE jobs; DELETE FROM schema_version WHERE version = 8; DROP TABLE connectors; DELETE FROM schema_version WHERE version = 7; DROP TABLE artifact_blobs; DELETE FROM schema_version WHERE version = 6");

        var upgraded = await OpenAsync();

        Assert.Equal(SchemaMigrations.Latest, upgraded.SchemaVersion);
        var file = Path.Combine(Backend.ArtifactRoot, run.Id, RegisteredModels.ArtifactPath);
        Assert.Equal(new Uri(file).AbsoluteUri, (await upgraded.GetVersionAsync("rides", 1)).ArtifactUri);
        Assert.Equal(0, await CountBlobsAsync());
        Assert.Equal(model.Predict(Rows()), (await upgraded.LoadAsync("rides/1")).Model.Predict(Rows()));
        Assert.Equal(ModelFile.ToBytes(model), await ReadAllAsync(await upgraded.OpenArtifactAsync(run.Id, RegisteredModels.ArtifactPath)));

        var next = await upgraded.StartRunAsync("training");
        var newer = await upgraded.RegisterAsync(new ModelRegistration("rides", Fit(4), next.Id));

        Assert.Equal("modelops-db:sha256/" + Sha256(ModelFile.ToBytes(Fit(4))), newer.ArtifactUri);
        Assert.Equal(1, await CountBlobsAsync());
        Assert.Equal([file], Directory.GetFiles(Backend.ArtifactRoot, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Open_MissingContent_IsFileNotFoundNamingTheUri()
    {
        var run = await Store.StartRunAsync("training");
        var artifact = await Store.LogArtifactAsync(run.Id, "model.json", new MemoryStream("{}"u8.ToArray()));
        await ExecuteAsync("DELETE FROM artifact_blobs");

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => Store.Artifacts.OpenAsync(artifact.Uri));
        var recorded = await Assert.ThrowsAsync<StoreException>(() => Store.OpenArtifactAsync(run.Id, "model.json"));

        Assert.Equal($"artifact {artifact.Uri} is not in postgresql://postgres@127.0.0.1:{server.Port}/modelops_tests?search_path={Schema} (table artifact_blobs)", error.Message);
        Assert.Equal(artifact.Uri, error.FileName);
        Assert.Equal(StoreErrorKind.NotFound, recorded.Kind);
        Assert.Equal($"artifact 'model.json' of run '{run.Id}' is recorded at {artifact.Uri} but its content is gone", recorded.Message);
    }

    [Fact]
    public async Task Load_CorruptedContent_IsRefusedNamingTheUriBeforeTheModelIsRead()
    {
        var run = await Store.StartRunAsync("training");
        var version = await Store.RegisterAsync(new ModelRegistration("rides", Fit(3), run.Id));
        await ExecuteAsync("UPDATE artifact_blobs SET content = convert_to('{}', 'UTF8')");

        var error = await Assert.ThrowsAsync<IOException>(() => Store.LoadAsync("rides/1"));

        Assert.Equal(
            $"artifact {version.ArtifactUri} is corrupt: the bytes in {Store.Artifacts.Location} have sha256 {Sha256("{}"u8.ToArray())}, not the sha256 its URI names",
            error.Message);
    }

    [Theory]
    [InlineData("s3://models/rides/model.json")]
    [InlineData("modelops-db:sha256/E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("modelops-db:sha256/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85")]
    [InlineData("modelops-db:md5/d41d8cd98f00b204e9800998ecf8427e")]
    public async Task Open_UriOfNoKnownForm_IsFileNotFoundNamingIt(string uri)
    {
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => Store.Artifacts.OpenAsync(uri));

        Assert.Equal($"artifact {uri} cannot be opened: its URI is neither modelops-db:sha256/<64 hex digits> (the database) nor file:// (a local file)", error.Message);
    }

    [Fact]
    public async Task Location_NamesUserServerDatabaseSchemaAndTable_NeverThePassword()
    {
        await using var store = await StoreFactory.OpenAsync(Location.Replace("postgres@", "postgres:secret@", StringComparison.Ordinal));

        Assert.Equal($"postgresql://postgres@127.0.0.1:{server.Port}/modelops_tests?search_path={Schema} (table artifact_blobs)", store.Artifacts.Location);
    }

    private string Schema => Location[(Location.IndexOf("search_path=", StringComparison.Ordinal) + "search_path=".Length)..];

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }

    /// <summary>Every stored content: its address, recorded size, the sha256 PostgreSQL computes of what it holds, and when it was stored.</summary>
    private async Task<List<(string Sha256, long Size, string ContentSha256, DateTimeOffset CreatedAt)>> BlobsAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionStringOf(Location));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT sha256, size_bytes, encode(sha256(content), 'hex'), created_at FROM artifact_blobs ORDER BY sha256", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, long, string, DateTimeOffset)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return rows;
    }

    private async Task<long> CountBlobsAsync() => (await BlobsAsync()).Count;

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionStringOf(Location));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A source that gives <paramref name="failAfter"/> bytes, then breaks (a network share going away mid-copy).</summary>
    private sealed class FailingStream(int failAfter) : Stream
    {
        private int _given;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _given;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_given >= failAfter)
            {
                throw new IOException(string.Create(CultureInfo.InvariantCulture, $"the source broke after {_given} bytes"));
            }

            var n = Math.Min(count, failAfter - _given);
            Array.Fill(buffer, (byte)'x', offset, n);
            _given += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
