using ModelOps.Store.Registry;
using ModelOps.Store.Sql;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Store.Tests.Registry;

public abstract class RegistryTests(IStoreBackend backend) : StoreTests(backend)
{
    private const string Signature = """{"inputs":[{"name":"temp","type":"float64"}],"outputs":[{"name":"cnt","type":"float64"}]}""";

    [Fact]
    public async Task RegisterVersion_FirstUse_CreatesModelAndNumbersFromOne()
    {
        var run = await Store.StartRunAsync("training");

        var first = await Store.RegisterVersionAsync(new NewModelVersion("bike", "file:///a/model.json")
        {
            RunId = run.Id,
            Signature = Signature,
            Description = "baseline",
            Tags = new Dictionary<string, string> { ["data"] = "hour.csv" },
        });
        Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await Store.RegisterVersionAsync(new NewModelVersion("bike", "file:///b/model.json"));
        var third = await Store.RegisterVersionAsync(new NewModelVersion("bike", "file:///c/model.json"));

        Assert.Equal([1, 2, 3], new[] { first.Version, second.Version, third.Version });
        var stored = await Store.GetVersionAsync("bike", 1);
        Assert.Equal(run.Id, stored.RunId);
        Assert.Equal("file:///a/model.json", stored.ArtifactUri);
        Assert.Equal(Signature, stored.Signature);
        Assert.Equal("baseline", stored.Description);
        Assert.Equal(ModelVersionStatus.Ready, stored.Status);
        Assert.Equal(ManualClock.Start, stored.CreatedAt);
        Assert.Equal("hour.csv", stored.Tags["data"]);
        var model = await Store.GetModelAsync("bike");
        Assert.Equal(3, model.LatestVersion);
        Assert.Equal(ManualClock.Start, model.CreatedAt);
        Assert.Equal(ManualClock.Start.AddMinutes(5), model.UpdatedAt);
    }

    [Fact]
    public async Task RegisterVersion_UnknownRun_IsNotFoundAndRegistersNothing()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() =>
            Store.RegisterVersionAsync(new NewModelVersion("bike", "file:///m.json") { RunId = "feedbeef" }));

        Assert.Equal(StoreErrorKind.NotFound, error.Kind);
        Assert.Equal("run 'feedbeef' not found; there are no runs", error.Message);
        Assert.Empty(await Store.ListModelsAsync());
    }

    [Theory]
    [InlineData("register:before-version")]
    [InlineData("register:after-version")]
    [InlineData("register:after-tag")]
    public async Task RegisterVersion_FailureHalfWay_LeavesNoHalfMadeVersion(string point)
    {
        await Store.RegisterVersionAsync(new NewModelVersion("credit", "file:///1.json"));
        var store = (SqlStore)Store;
        store.FaultPoint = p => { if (p == point) { throw new IOException("disk gone at " + p); } };
        var tags = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" };

        var error = await Assert.ThrowsAsync<IOException>(() => Store.RegisterVersionAsync(new NewModelVersion("credit", "file:///2.json") { Tags = tags }));
        await Assert.ThrowsAsync<IOException>(() => Store.RegisterVersionAsync(new NewModelVersion("newmodel", "file:///n.json") { Tags = tags }));
        store.FaultPoint = null;

        Assert.Equal("disk gone at " + point, error.Message);
        Assert.Equal([1], (await Store.ListVersionsAsync("credit")).Select(v => v.Version));
        Assert.Equal(["credit"], (await Store.ListModelsAsync()).Select(m => m.Name));
        var next = await Store.RegisterVersionAsync(new NewModelVersion("credit", "file:///2.json") { Tags = tags });
        Assert.Equal(2, next.Version);
        Assert.Equal(tags, (await Store.GetVersionAsync("credit", 2)).Tags);
    }

    [Fact]
    public async Task CreateModel_NameTaken_IsConflict()
    {
        await Store.CreateModelAsync("credit", "German credit default", new Dictionary<string, string> { ["team"] = "risk" });

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.CreateModelAsync("credit"));

        Assert.Equal(StoreErrorKind.Conflict, error.Kind);
        Assert.Equal("model 'credit' already exists", error.Message);
        var model = await Store.GetModelAsync("credit");
        Assert.Equal("German credit default", model.Description);
        Assert.Equal("risk", model.Tags["team"]);
        Assert.Null(model.LatestVersion);
    }

    [Fact]
    public async Task CreateModel_InvalidName_SaysWhatIsAllowed()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.CreateModelAsync("credit model"));

        Assert.Equal(StoreErrorKind.Invalid, error.Kind);
        Assert.Equal("model name 'credit model' is invalid: use letters, digits, '_', '-' and '.', starting with a letter or digit (at most 200 characters)", error.Message);
    }

    [Fact]
    public async Task GetModel_Misspelt_ListsModelsAndSuggestsClosest()
    {
        await Store.CreateModelAsync("credit");
        await Store.CreateModelAsync("bike");

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.GetModelAsync("credti"));

        Assert.Equal(StoreErrorKind.NotFound, error.Kind);
        Assert.Equal("model 'credti' not found; models are: bike, credit (did you mean credit?)", error.Message);
    }

    [Fact]
    public async Task GetModel_ManyModels_ListsTheClosestTen()
    {
        for (var i = 0; i < 12; i++)
        {
            await Store.CreateModelAsync($"model{i:00}");
        }

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.GetModelAsync("model1"));

        Assert.Equal(
            "model 'model1' not found; models are: model01, model10, model11, model00, model02, model03, model04, model05, model06, model07 and 2 more (did you mean model01?)",
            error.Message);
    }

    [Fact]
    public async Task GetModel_NoModels_SaysThereAreNone()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.GetModelAsync("credit"));

        Assert.Equal("model 'credit' not found; there are no models", error.Message);
    }

    [Fact]
    public async Task GetVersion_Unknown_SaysWhichVersionsExist()
    {
        await Store.CreateModelAsync("empty");
        for (var i = 0; i < 3; i++)
        {
            await Store.RegisterVersionAsync(new NewModelVersion("credit", "file:///m.json"));
        }

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.GetVersionAsync("credit", 9));
        var none = await Assert.ThrowsAsync<StoreException>(() => Store.GetVersionAsync("empty", 1));
        var latest = await Assert.ThrowsAsync<StoreException>(() => Store.GetLatestVersionAsync("empty"));

        Assert.Equal(StoreErrorKind.NotFound, error.Kind);
        Assert.Equal("version 9 of model 'credit' not found; its versions are 1 to 3", error.Message);
        Assert.Equal("version 1 of model 'empty' not found; it has no versions", none.Message);
        Assert.Equal("model 'empty' has no versions yet; register one first", latest.Message);
    }

    [Fact]
    public async Task Resolve_AliasVersionAndLatest_FindTheirVersions()
    {
        for (var i = 0; i < 3; i++)
        {
            await Store.RegisterVersionAsync(new NewModelVersion("credit", $"file:///{i + 1}.json"));
        }

        await Store.SetAliasAsync("credit", "Champion", 2);

        Assert.Equal(2, (await Store.ResolveAsync("credit@Champion")).Version);
        Assert.Equal(["Champion"], (await Store.ResolveAsync("credit@Champion")).Aliases);
        Assert.Equal(1, (await Store.ResolveAsync("credit/1")).Version);
        Assert.Equal(3, (await Store.ResolveAsync("credit")).Version);
        Assert.Equal(3, (await Store.ResolveAsync("credit/latest")).Version);
    }

    [Fact]
    public async Task Resolve_UnknownAlias_ListsAliasesAndSuggestsClosest()
    {
        await Store.RegisterVersionAsync(new NewModelVersion("credit", "file:///1.json"));
        await Store.SetAliasAsync("credit", "Champion", 1);
        await Store.SetAliasAsync("credit", "Challenger", 1);

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.ResolveAsync("credit@Champoin"));

        Assert.Equal(StoreErrorKind.NotFound, error.Kind);
        Assert.Equal("alias 'Champoin' of model 'credit' not found; its aliases are: Challenger, Champion (did you mean Champion?)", error.Message);
    }

    [Theory]
    [InlineData("credit@")]
    [InlineData("credit/0")]
    [InlineData("credit/x")]
    [InlineData("")]
    public async Task Resolve_Malformed_SaysHowToWriteIt(string reference)
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.ResolveAsync(reference));

        Assert.Equal(StoreErrorKind.Invalid, error.Kind);
        Assert.Equal($"'{reference}' is not a model reference; write name@alias, name/version, name/latest or name", error.Message);
    }

    [Fact]
    public async Task SetAlias_Moves_AppendsHistoryWithTimeActorAndReason()
    {
        for (var i = 0; i < 2; i++)
        {
            await Store.RegisterVersionAsync(new NewModelVersion("credit", $"file:///{i + 1}.json"));
        }

        var first = await Store.SetAliasAsync("credit", "Champion", 1);
        Clock.Advance(TimeSpan.FromHours(1));
        var second = await Store.SetAliasAsync("credit", "Champion", 2, "better AUC", "ana");
        Clock.Advance(TimeSpan.FromHours(1));
        var removed = await Store.DeleteAliasAsync("credit", "Champion", "rollback drill");

        var history = await Store.GetAliasHistoryAsync("credit");
        Assert.Equal([first, second, removed], history);
        Assert.Equal(new AliasChange(first.Sequence, "credit", "Champion", null, 1, "tester", null, ManualClock.Start), first);
        Assert.Equal(new AliasChange(second.Sequence, "credit", "Champion", 1, 2, "ana", "better AUC", ManualClock.Start.AddHours(1)), second);
        Assert.Equal(new AliasChange(removed.Sequence, "credit", "Champion", 2, null, "tester", "rollback drill", ManualClock.Start.AddHours(2)), removed);
        Assert.True(first.Sequence < second.Sequence && second.Sequence < removed.Sequence);
        Assert.Empty(await Store.ListAliasesAsync("credit"));
    }

    [Fact]
    public async Task SetAlias_UnknownVersion_IsNotFoundAndLeavesHistoryUnchanged()
    {
        await Store.RegisterVersionAsync(new NewModelVersion("credit", "file:///1.json"));
        await Store.SetAliasAsync("credit", "Champion", 1);

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.SetAliasAsync("credit", "Champion", 4));

        Assert.Equal("version 4 of model 'credit' not found; its only version is 1", error.Message);
        Assert.Single(await Store.GetAliasHistoryAsync("credit"));
        Assert.Equal(1, (await Store.ResolveAsync("credit@Champion")).Version);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("2nd")]
    [InlineData("my alias")]
    public async Task SetAlias_InvalidName_SaysWhatIsAllowed(string alias)
    {
        await Store.RegisterVersionAsync(new NewModelVersion("credit", "file:///1.json"));

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.SetAliasAsync("credit", alias, 1));

        Assert.Equal(StoreErrorKind.Invalid, error.Kind);
        Assert.Equal($"alias '{alias}' is invalid: use a letter, then letters, digits, '_' or '-' ('latest' is reserved)", error.Message);
    }

    [Fact]
    public async Task GetAliasHistory_OneAlias_OnlyItsMoves()
    {
        await Store.RegisterVersionAsync(new NewModelVersion("credit", "file:///1.json"));
        await Store.SetAliasAsync("credit", "Champion", 1);
        await Store.SetAliasAsync("credit", "Challenger", 1);

        var history = await Store.GetAliasHistoryAsync("credit", "Challenger");
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.GetAliasHistoryAsync("credit", "Shadow"));

        Assert.Equal(["Challenger"], history.Select(h => h.Alias));
        Assert.Equal("alias 'Shadow' of model 'credit' not found; its aliases are: Challenger, Champion", error.Message);
    }

    [Fact]
    public async Task ListModels_SeveralModels_WithLatestVersionsTagsAndAliases()
    {
        await Store.CreateModelAsync("credit", tags: new Dictionary<string, string> { ["team"] = "risk" });
        await Store.RegisterVersionAsync(new NewModelVersion("credit", "file:///1.json"));
        await Store.RegisterVersionAsync(new NewModelVersion("credit", "file:///2.json"));
        await Store.RegisterVersionAsync(new NewModelVersion("bike", "file:///b.json"));
        await Store.SetAliasAsync("credit", "Champion", 1);

        var models = await Store.ListModelsAsync();

        Assert.Equal(["bike", "credit"], models.Select(m => m.Name));
        Assert.Equal(1, models[0].LatestVersion);
        Assert.Equal(2, models[1].LatestVersion);
        Assert.Equal(new Dictionary<string, int> { ["Champion"] = 1 }, models[1].Aliases);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "risk" }, models[1].Tags);
        Assert.Empty(models[0].Tags);
    }

    [Fact]
    public async Task SetVersionStatus_Archived_IsStored()
    {
        await Store.RegisterVersionAsync(new NewModelVersion("credit", "file:///1.json"));

        var archived = await Store.SetVersionStatusAsync("credit", 1, ModelVersionStatus.Archived);

        Assert.Equal(ModelVersionStatus.Archived, archived.Status);
        Assert.Equal(ModelVersionStatus.Archived, (await Store.ListVersionsAsync("credit"))[0].Status);
    }
}

public sealed class SqliteRegistryTests() : RegistryTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class PostgresRegistryTests(PostgresServer server) : RegistryTests(new PostgresBackend(server));
