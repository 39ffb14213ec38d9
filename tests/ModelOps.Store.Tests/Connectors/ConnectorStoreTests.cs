using System.Data.Common;
using ModelOps.Store.Connectors;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Store.Tests.Connectors;

public abstract class ConnectorStoreTests(IStoreBackend backend) : StoreTests(backend)
{
    private const string OpenAIKey = "sk-test-4f9a8b7c6d5e4f3a2b1cQz9X";
    private static readonly string MasterKey = SecretKeyRing.NewKey();

    [Fact]
    public async Task Add_IsListedWithOnlyTheKeysLastFourCharacters_AndOpensWithTheKey()
    {
        var store = await KeyedStoreAsync(MasterKey);

        var added = await store.Connectors.AddConnectorAsync(new NewConnector("openai", ConnectorKind.OpenAI, "gpt-4o-mini") { ApiKey = OpenAIKey, Timeout = TimeSpan.FromSeconds(30) }, "alice");

        var listed = Assert.Single(await store.Connectors.ListConnectorsAsync());
        Assert.Equal(added, listed);
        Assert.Equal(("openai", ConnectorKind.OpenAI, "gpt-4o-mini", "Qz9X", "alice"), (listed.Name, listed.Kind, listed.Model, listed.KeyHint, listed.CreatedBy));
        Assert.Equal((ManualClock.Start, ManualClock.Start, ManualClock.Start, TimeSpan.FromSeconds(30), (string?)null), (listed.CreatedAt, listed.KeySetAt!.Value, listed.UpdatedAt, listed.Timeout!.Value, listed.BaseUrl));
        var opened = await store.Connectors.OpenConnectorAsync("openai");
        Assert.Equal(OpenAIKey, opened.ApiKey);
        Assert.DoesNotContain(OpenAIKey, opened.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(OpenAIKey, listed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_TheDatabaseHoldsTheKeyOnlyEncrypted()
    {
        var store = await KeyedStoreAsync(MasterKey);

        await store.Connectors.AddConnectorAsync(new NewConnector("openai", ConnectorKind.OpenAI, "gpt-4o-mini") { ApiKey = OpenAIKey }, "alice");

        var cells = await AllCellsAsync(store, "connectors");
        Assert.NotEmpty(cells);
        Assert.DoesNotContain(cells, c => c.Contains(OpenAIKey, StringComparison.Ordinal) || c.Contains(OpenAIKey[..^4], StringComparison.Ordinal));
        Assert.Contains(cells, c => c == "Qz9X");
    }

    [Fact]
    public async Task Update_ReplacesTheKeyWithoutShowingTheOldOne_AndKeepsWhatIsNotChanged()
    {
        var store = await KeyedStoreAsync(MasterKey);
        await store.Connectors.AddConnectorAsync(new NewConnector("local", ConnectorKind.OpenAICompatible, "llama3.1") { BaseUrl = "http://127.0.0.1:11434/v1" }, "alice");
        Clock.Advance(TimeSpan.FromMinutes(5));

        var changed = await store.Connectors.UpdateConnectorAsync("local", new ConnectorChange { ApiKey = "new-key-0000-abcd" });

        Assert.Equal(("llama3.1", "http://127.0.0.1:11434/v1", "abcd"), (changed.Model, changed.BaseUrl, changed.KeyHint));
        Assert.Equal((ManualClock.Start.AddMinutes(5), ManualClock.Start.AddMinutes(5), ManualClock.Start), (changed.KeySetAt!.Value, changed.UpdatedAt, changed.CreatedAt));
        Assert.Equal("new-key-0000-abcd", (await store.Connectors.OpenConnectorAsync("local")).ApiKey);
        var modelOnly = await store.Connectors.UpdateConnectorAsync("local", new ConnectorChange { Model = "qwen2.5" });
        Assert.Equal(("qwen2.5", "abcd"), (modelOnly.Model, modelOnly.KeyHint));
        Assert.Equal("new-key-0000-abcd", (await store.Connectors.OpenConnectorAsync("local")).ApiKey);
    }

    [Fact]
    public async Task Add_WithoutAKey_IsAllowedOnlyForOpenAICompatible_AndShowsNoHint()
    {
        var store = await KeyedStoreAsync(MasterKey);

        var local = await store.Connectors.AddConnectorAsync(new NewConnector("ollama", ConnectorKind.OpenAICompatible, "llama3.1") { BaseUrl = "http://127.0.0.1:11434/v1" }, "alice");
        var error = await Assert.ThrowsAsync<StoreException>(() => store.Connectors.AddConnectorAsync(new NewConnector("claude", ConnectorKind.Anthropic, "claude-sonnet-4-5"), "alice"));

        Assert.Equal(((string?)null, (DateTimeOffset?)null), (local.KeyHint, local.KeySetAt));
        Assert.Null((await store.Connectors.OpenConnectorAsync("ollama")).ApiKey);
        Assert.Equal((StoreErrorKind.Invalid, "connector 'claude' is invalid: api_key: kind anthropic needs the provider's API key (only openai-compatible endpoints may have none)"), (error.Kind, error.Message));
    }

    [Fact]
    public async Task Add_Invalid_ListsEveryProblemAndAddsNothing()
    {
        var store = await KeyedStoreAsync(MasterKey);

        var error = await Assert.ThrowsAsync<StoreException>(() => store.Connectors.AddConnectorAsync(
            new NewConnector("my connector", ConnectorKind.OpenAICompatible, " ") { ApiKey = "has space", Timeout = TimeSpan.FromHours(1) },
            "alice"));
        var url = await Assert.ThrowsAsync<StoreException>(() => store.Connectors.AddConnectorAsync(
            new NewConnector("azure", ConnectorKind.OpenAICompatible, "gpt-4o") { BaseUrl = "https://user:secret@example.com/v1?api-key=1" },
            "alice"));

        Assert.Equal(
            "connector 'my connector' is invalid: name: use 1 to 100 letters, digits, '-', '_' or '.'; "
            + "model: name the model its calls use, 1 to 200 printable characters (e.g. gpt-4o-mini); "
            + "base_url: an openai-compatible connector needs the endpoint's base URL (e.g. http://localhost:11434/v1 for Ollama); "
            + "api_key: must be 1 to 4096 characters without spaces or control characters; "
            + "timeout: must be 1 to 600 seconds, not 3600",
            error.Message);
        Assert.Equal("connector 'azure' is invalid: base_url: must not hold a user, a password or a query (give the API key as the key)", url.Message);
        Assert.Empty(await store.Connectors.ListConnectorsAsync());
    }

    [Fact]
    public async Task Add_TakenName_IsAConflict()
    {
        var store = await KeyedStoreAsync(MasterKey);
        await store.Connectors.AddConnectorAsync(new NewConnector("openai", ConnectorKind.OpenAI, "gpt-4o-mini") { ApiKey = OpenAIKey }, "alice");

        var error = await Assert.ThrowsAsync<StoreException>(() => store.Connectors.AddConnectorAsync(new NewConnector("openai", ConnectorKind.OpenAI, "gpt-4o") { ApiKey = OpenAIKey }, "bob"));

        Assert.Equal((StoreErrorKind.Conflict, "connector 'openai' already exists; change it with 'modelops connectors update' or remove it first"), (error.Kind, error.Message));
        Assert.Equal("gpt-4o-mini", (await store.Connectors.GetConnectorAsync("openai")).Model);
    }

    [Fact]
    public async Task Remove_DeletesItAndItsKey_AndUnknownNamesSuggestTheClosest()
    {
        var store = await KeyedStoreAsync(MasterKey);
        await store.Connectors.AddConnectorAsync(new NewConnector("openai", ConnectorKind.OpenAI, "gpt-4o-mini") { ApiKey = OpenAIKey }, "alice");
        await store.Connectors.AddConnectorAsync(new NewConnector("gemini", ConnectorKind.Gemini, "gemini-2.5-flash") { ApiKey = "AIzaSyTest0000000000001234" }, "alice");

        await store.Connectors.RemoveConnectorAsync("gemini");
        var error = await Assert.ThrowsAsync<StoreException>(() => store.Connectors.OpenConnectorAsync("opena"));
        var none = await Assert.ThrowsAsync<StoreException>(() => store.Connectors.RemoveConnectorAsync("gemini"));

        Assert.Equal(["openai"], (await store.Connectors.ListConnectorsAsync()).Select(c => c.Name));
        Assert.Equal((StoreErrorKind.NotFound, "connector 'opena' not found; connectors are: openai (did you mean openai?)"), (error.Kind, error.Message));
        Assert.Equal("connector 'gemini' not found; connectors are: openai", none.Message);
        Assert.DoesNotContain(await AllCellsAsync(store, "connectors"), c => c.Contains("AIzaSy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Open_WithAnotherMasterKey_NamesTheKeyItNeeds()
    {
        var first = await KeyedStoreAsync(MasterKey);
        await first.Connectors.AddConnectorAsync(new NewConnector("openai", ConnectorKind.OpenAI, "gpt-4o-mini") { ApiKey = OpenAIKey }, "alice");
        var other = SecretKeyRing.FromKeys([SecretKeyRing.NewKey()], "MODELOPS_SECRET_KEY");
        var second = await OpenAsync(new StoreOptions { TimeProvider = Clock, ArtifactRoot = Backend.ArtifactRoot, SecretKeys = other });

        var error = await Assert.ThrowsAsync<StoreException>(() => second.Connectors.OpenConnectorAsync("openai"));

        var needed = SecretKeyRing.FromKeys([MasterKey], "test").CurrentId;
        Assert.Equal(
            $"the API key of connector 'openai' was encrypted under master key {needed}, but MODELOPS_SECRET_KEY holds {other.CurrentId}; give this process the master key the other hubs use (MODELOPS_SECRET_KEY or the key file)",
            error.Message);
    }

    [Fact]
    public async Task Rotation_ReencryptsUnderTheNewKey_ThenTheOldKeyIsNoLongerNeeded()
    {
        var old = await KeyedStoreAsync(MasterKey);
        await old.Connectors.AddConnectorAsync(new NewConnector("openai", ConnectorKind.OpenAI, "gpt-4o-mini") { ApiKey = OpenAIKey }, "alice");
        await old.Connectors.AddConnectorAsync(new NewConnector("ollama", ConnectorKind.OpenAICompatible, "llama3.1") { BaseUrl = "http://127.0.0.1:11434/v1" }, "alice");
        var newKey = SecretKeyRing.NewKey();

        var both = await KeyedStoreAsync(newKey, MasterKey);
        var changed = await both.Connectors.ReencryptConnectorKeysAsync();
        var again = await both.Connectors.ReencryptConnectorKeysAsync();
        var onlyNew = await KeyedStoreAsync(newKey);

        Assert.Equal((1, 0), (changed, again));
        Assert.Equal(OpenAIKey, (await onlyNew.Connectors.OpenConnectorAsync("openai")).ApiKey);
        Assert.StartsWith("the API key of connector 'openai' was encrypted under master key", (await Assert.ThrowsAsync<StoreException>(() => old.Connectors.OpenConnectorAsync("openai"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateMasterKey_WithAKeyFile_ReencryptsAndLeavesOnlyTheNewKeyInTheFile()
    {
        using var folder = new TempFolder();
        var file = folder.Combine("secret.key");
        SecretKeyRing.WriteKeyFile(file, [MasterKey]);
        var store = await OpenAsync(new StoreOptions { TimeProvider = Clock, ArtifactRoot = Backend.ArtifactRoot, SecretKeys = SecretKeyRing.FromKeyFile(file) });
        await store.Connectors.AddConnectorAsync(new NewConnector("openai", ConnectorKind.OpenAI, "gpt-4o-mini") { ApiKey = OpenAIKey }, "alice");
        await store.Tokens.AddSessionKeyAsync("key-1", "<key id=\"1\" />");
        await store.Tokens.AddSessionKeyAsync("key-1", "<key id=\"ignored\" />");
        var oldId = SecretKeyRing.FromKeyFile(file).CurrentId;

        var rotation = await store.Connectors.RotateMasterKeyAsync();

        var ring = SecretKeyRing.FromKeyFile(file);
        Assert.Equal((ring.CurrentId, 1, file), (rotation.CurrentKeyId, rotation.Reencrypted, rotation.KeyFile));
        Assert.Equal([oldId], rotation.RetiredKeyIds);
        Assert.NotEqual(oldId, ring.CurrentId);
        Assert.Single(File.ReadAllLines(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(file));
        Assert.Equal(OpenAIKey, (await store.Connectors.OpenConnectorAsync("openai")).ApiKey);
        var fresh = await OpenAsync(new StoreOptions { TimeProvider = Clock, ArtifactRoot = Backend.ArtifactRoot, SecretKeys = SecretKeyRing.FromKeyFile(file) });
        Assert.Equal(OpenAIKey, (await fresh.Connectors.OpenConnectorAsync("openai")).ApiKey);
        Assert.Equal(["<key id=\"1\" />"], await fresh.Tokens.GetSessionKeysAsync());
        Assert.Equal([file], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public async Task RotateMasterKey_OneKeyInTheVariable_SaysHowToRotate()
    {
        var store = await OpenAsync(new StoreOptions { TimeProvider = Clock, ArtifactRoot = Backend.ArtifactRoot, SecretKeys = SecretKeyRing.FromKeys([MasterKey], "MODELOPS_SECRET_KEY") });

        var error = await Assert.ThrowsAsync<StoreException>(() => store.Connectors.RotateMasterKeyAsync());

        var id = SecretKeyRing.FromKeys([MasterKey], "x").CurrentId;
        Assert.Equal($"MODELOPS_SECRET_KEY holds one master key ({id}); to rotate it, put a new key in front of it (NEW,OLD; make one with 'openssl rand -base64 32') on this process and every hub, rotate, then drop the old key", error.Message);
    }

    [Fact]
    public async Task Open_AlteredCiphertext_IsRefused()
    {
        var store = await KeyedStoreAsync(MasterKey);
        await store.Connectors.AddConnectorAsync(new NewConnector("openai", ConnectorKind.OpenAI, "gpt-4o-mini") { ApiKey = OpenAIKey }, "alice");
        var other = await KeyedStoreAsync(MasterKey);
        await other.Connectors.AddConnectorAsync(new NewConnector("copy", ConnectorKind.OpenAI, "gpt-4o-mini") { ApiKey = "sk-another-key-0000" }, "alice");

        // Swapping one connector's sealed key into another's row fails: each key is bound to its connector's name.
        await using (var connection = await ((Sql.SqlStore)store).Dialect.OpenAsync(CancellationToken.None))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE connectors SET key_sealed = (SELECT key_sealed FROM connectors WHERE name = 'openai') WHERE name = 'copy'";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var error = await Assert.ThrowsAsync<StoreException>(() => store.Connectors.OpenConnectorAsync("copy"));

        var id = SecretKeyRing.FromKeys([MasterKey], "test").CurrentId;
        Assert.Equal($"the API key of connector 'copy' cannot be decrypted with master key {id}: the stored text was altered", error.Message);
    }

    private async Task<IModelStore> KeyedStoreAsync(params string[] keys) =>
        await OpenAsync(new StoreOptions { TimeProvider = Clock, ArtifactRoot = Backend.ArtifactRoot, SecretKeys = SecretKeyRing.FromKeys(keys, "test") });

    private static async Task<List<string>> AllCellsAsync(IModelStore store, string table)
    {
        var cells = new List<string>();
        await using var connection = await ((Sql.SqlStore)store).Dialect.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {table}";
        await using DbDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                cells.Add(reader.IsDBNull(i) ? string.Empty : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
            }
        }

        return cells;
    }
}

public sealed class SqliteConnectorStoreTests() : ConnectorStoreTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class PostgresConnectorStoreTests(PostgresServer server) : ConnectorStoreTests(new PostgresBackend(server));
