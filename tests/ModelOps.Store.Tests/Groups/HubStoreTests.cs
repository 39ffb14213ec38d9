using ModelOps.Store.Auth;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;
using ModelOps.Store.Registry;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Store.Tests.Groups;

public abstract class HubStoreTests(IStoreBackend backend) : StoreTests(backend)
{
    private async Task RegisterAsync(string model, int versions)
    {
        for (var i = 0; i < versions; i++)
        {
            await Store.RegisterVersionAsync(new NewModelVersion(model, $"file:///{model}/{i}.json"));
        }
    }

    private static NewModelGroup Group(string name, GroupDeletionPolicy policy = GroupDeletionPolicy.Archive) => new(name,
        [new GroupMember("bike", 2, GroupRole.Challenger, 10), new GroupMember("bike", 1, GroupRole.Champion, 90), new GroupMember("bike", 3, GroupRole.Shadow, 0)],
        policy);

    [Fact]
    public async Task CreateGroup_Valid_StoresMembersTableAndAudit()
    {
        await RegisterAsync("bike", 3);
        var before = await Store.Groups.GetGroupsRevisionAsync();

        var group = await Store.Groups.CreateGroupAsync(Group("bike-rides"), "alice");

        Assert.Equal("inference_log_bike_rides", group.TableName);
        Assert.Equal(
            [new GroupMember("bike", 1, GroupRole.Champion, 90), new GroupMember("bike", 2, GroupRole.Challenger, 10), new GroupMember("bike", 3, GroupRole.Shadow, 0)],
            group.Members);
        Assert.Equal(1, group.Revision);
        Assert.Equal(ManualClock.Start, group.CreatedAt);
        Assert.Equal(before + 1, await Store.Groups.GetGroupsRevisionAsync());
        var read = await Store.Groups.GetGroupAsync("bike-rides");
        Assert.Equal(group.Members, read.Members);
        Assert.Equal(group with { Members = read.Members }, read);
        Assert.True(await TableExistsAsync("inference_log_bike_rides"));
        var audit = Assert.Single(await Store.Groups.GetGroupAuditAsync("bike-rides"));
        Assert.Equal(("create", "alice"), (audit.Action, audit.Actor));
        Assert.Contains("\"table\":\"inference_log_bike_rides\"", audit.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x; DROP TABLE runs; --")]
    [InlineData("Bike")]
    [InlineData("a\"b")]
    [InlineData("")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghi")]
    public async Task CreateGroup_InvalidName_IsRejectedBeforeAnySql(string name)
    {
        await RegisterAsync("bike", 3);

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.Groups.CreateGroupAsync(Group(name), "alice"));

        Assert.Equal(StoreErrorKind.Invalid, error.Kind);
        Assert.Equal($"group name '{name}' is invalid: use 1 to 48 characters of a-z, 0-9, '_' and '-'", error.Message);
        Assert.Empty(await Store.Groups.ListGroupsAsync());
    }

    [Fact]
    public async Task CreateGroup_ReservedName_IsRejected()
    {
        await RegisterAsync("bike", 3);

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.Groups.CreateGroupAsync(Group("new"), "alice"));

        Assert.Equal(StoreErrorKind.Invalid, error.Kind);
        Assert.Equal("group name 'new' is reserved: /groups/new is the web UI's page that creates groups; choose another name", error.Message);
        Assert.Empty(await Store.Groups.ListGroupsAsync());
    }

    [Fact]
    public async Task CreateGroup_NameMappingToTakenTable_IsConflict()
    {
        await RegisterAsync("bike", 3);
        await Store.Groups.CreateGroupAsync(Group("a-b"), "alice");

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.Groups.CreateGroupAsync(Group("a_b"), "alice"));
        var again = await Assert.ThrowsAsync<StoreException>(() => Store.Groups.CreateGroupAsync(Group("a-b"), "alice"));

        Assert.Equal(StoreErrorKind.Conflict, error.Kind);
        Assert.Equal("group 'a_b' cannot be created: its table inference_log_a_b is the table of group 'a-b' ('-' and '_' map to the same name)", error.Message);
        Assert.Equal("group 'a-b' already exists", again.Message);
    }

    [Fact]
    public async Task CreateGroupAndPromote_MetadataWithoutAModelFile_IsRefusedAsItCannotServe()
    {
        await RegisterAsync("bike", 3);
        await Store.RegisterVersionAsync(new NewModelVersion("bike", "file:///bike/metadata.json") { Tags = new Dictionary<string, string> { ["kind"] = "external" } });
        await Store.Groups.CreateGroupAsync(Group("g"), "alice");
        var external = new NewModelGroup("h", [new GroupMember("bike", 4, GroupRole.Champion, 100)], GroupDeletionPolicy.Archive);

        var create = await Assert.ThrowsAsync<StoreException>(() => Store.Groups.CreateGroupAsync(external, "alice"));
        var promote = await Assert.ThrowsAsync<StoreException>(() => Store.Groups.PromoteAsync("g", "bike", 4, takeAllTraffic: false, "carol"));

        const string Message = "version 4 of model 'bike' is external metadata without a model file, so it cannot serve in a group; import the metadata with its XGBoost model to serve it";
        Assert.Equal((StoreErrorKind.Invalid, Message), (create.Kind, create.Message));
        Assert.Equal((StoreErrorKind.Invalid, Message), (promote.Kind, promote.Message));
        Assert.Equal(["g"], (await Store.Groups.ListGroupsAsync()).Select(g => g.Name));
        Assert.Equal(3, (await Store.Groups.GetGroupAsync("g")).Members.Count);
    }

    [Fact]
    public async Task CreateGroup_BrokenMemberRules_ListsEveryProblem()
    {
        await RegisterAsync("bike", 3);
        var group = new NewModelGroup("g",
            [new GroupMember("bike", 1, GroupRole.Challenger, 120), new GroupMember("bike", 1, GroupRole.Shadow, 5)],
            GroupDeletionPolicy.Delete);

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.Groups.CreateGroupAsync(group, "alice"));

        Assert.Equal(
            "group 'g' is invalid: members[0] (bike/1): weight 120 is outside 0 to 100; members[1] (bike/1): listed twice; " +
            "members[1] (bike/1): a shadow answers no traffic, so its weight must be 0 (got 5); a group needs exactly one champion (got 0); " +
            "the weights of the champion and challengers sum to 0, not 100",
            error.Message);
    }

    [Fact]
    public async Task CreateGroup_UnknownVersion_IsNotFoundAndCreatesNothing()
    {
        await RegisterAsync("bike", 2);

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.Groups.CreateGroupAsync(Group("g"), "alice"));

        Assert.Equal(StoreErrorKind.NotFound, error.Kind);
        Assert.Equal("version 3 of model 'bike' not found; its versions are 1 to 2", error.Message);
        Assert.Empty(await Store.Groups.ListGroupsAsync());
        Assert.False(await TableExistsAsync("inference_log_g"));
    }

    [Fact]
    public async Task SetMembers_NewSplit_ReplacesAndAudits()
    {
        await RegisterAsync("bike", 3);
        await Store.Groups.CreateGroupAsync(Group("g"), "alice");
        Clock.Advance(TimeSpan.FromMinutes(1));

        var changed = await Store.Groups.SetMembersAsync("g", [new GroupMember("bike", 1, GroupRole.Champion, 50), new GroupMember("bike", 2, GroupRole.Challenger, 50)], "bob");

        Assert.Equal([new GroupMember("bike", 1, GroupRole.Champion, 50), new GroupMember("bike", 2, GroupRole.Challenger, 50)], changed.Members);
        Assert.Equal(2, changed.Revision);
        Assert.Equal(ManualClock.Start.AddMinutes(1), changed.UpdatedAt);
        Assert.Equal(["create", "split"], (await Store.Groups.GetGroupAuditAsync("g")).Select(a => a.Action));
    }

    [Fact]
    public async Task Promote_Challenger_SwapsWeightsAndMovesChampionAlias()
    {
        await RegisterAsync("bike", 3);
        await Store.Groups.CreateGroupAsync(Group("g"), "alice");
        await Store.SetAliasAsync("bike", "Champion", 1);

        var promotion = await Store.Groups.PromoteAsync("g", "bike", 2, takeAllTraffic: false, "carol", "better RMSE");

        Assert.Equal(
            [new GroupMember("bike", 2, GroupRole.Champion, 90), new GroupMember("bike", 1, GroupRole.Challenger, 10), new GroupMember("bike", 3, GroupRole.Shadow, 0)],
            promotion.Group.Members);
        Assert.Equal((1, 2, "carol", "better RMSE"), (promotion.Alias.FromVersion, promotion.Alias.ToVersion, promotion.Alias.Actor, promotion.Alias.Reason));
        Assert.Equal(2, (await Store.GetModelAsync("bike")).Aliases["Champion"]);
        Assert.Equal([1, 2], (await Store.GetAliasHistoryAsync("bike", "Champion")).Select(h => h.ToVersion!.Value));
    }

    [Fact]
    public async Task Promote_TakeAllTraffic_MakesOthersShadows()
    {
        await RegisterAsync("bike", 3);
        await Store.Groups.CreateGroupAsync(Group("g"), "alice");

        var promotion = await Store.Groups.PromoteAsync("g", "bike", 3, takeAllTraffic: true, "carol");
        var again = await Assert.ThrowsAsync<StoreException>(() => Store.Groups.PromoteAsync("g", "bike", 3, takeAllTraffic: false, "carol"));

        Assert.Equal(
            [new GroupMember("bike", 3, GroupRole.Champion, 100), new GroupMember("bike", 1, GroupRole.Shadow, 0), new GroupMember("bike", 2, GroupRole.Shadow, 0)],
            promotion.Group.Members);
        Assert.Null(promotion.Alias.FromVersion);
        Assert.Equal("version 3 of model 'bike' already is the champion of group 'g'", again.Message);
    }

    [Fact]
    public async Task DeleteGroup_Archive_KeepsRowsInRenamedTableAndAudit()
    {
        await RegisterAsync("bike", 3);
        await Store.Groups.CreateGroupAsync(Group("g"), "alice");
        await Store.InferenceLog.AppendInferencesAsync([Record("g", "r1", 0, 1, GroupRole.Champion, 12.5)]);

        var deletion = await Store.Groups.DeleteGroupAsync("g", "admin");
        var recreated = await Store.Groups.CreateGroupAsync(Group("g"), "alice");

        Assert.NotNull(deletion.ArchivedTable);
        Assert.StartsWith("inference_archive_", deletion.ArchivedTable, StringComparison.Ordinal);
        Assert.Equal(1L, await CountAsync(deletion.ArchivedTable));
        Assert.Equal(0L, await CountAsync(recreated.TableName));
        Assert.Equal(["create", "delete", "create"], (await Store.Groups.GetGroupAuditAsync("g")).Select(a => a.Action));
    }

    [Fact]
    public async Task Archives_OfDeletedGroups_AreListedAndReadOnlyBrowsable()
    {
        await RegisterAsync("bike", 3);
        await Store.Groups.CreateGroupAsync(Group("g"), "alice");
        await Store.InferenceLog.AppendInferencesAsync([Record("g", "r1", 0, 1, GroupRole.Champion, 12.5), Record("g", "r1", 0, 3, GroupRole.Shadow, 13.5), Record("g", "r2", 0, 2, GroupRole.Challenger, 7)]);
        await Store.InferenceLog.SetLabelAsync("g", "r1", null, 12, "bob");
        var first = await Store.Groups.DeleteGroupAsync("g", "admin");
        await Store.Groups.CreateGroupAsync(Group("g"), "alice");
        await Store.InferenceLog.AppendInferencesAsync([Record("g", "r3", 0, 1, GroupRole.Champion, 1)]);
        var second = await Store.Groups.DeleteGroupAsync("g", "carol");
        await Store.Groups.CreateGroupAsync(Group("dropped", GroupDeletionPolicy.Delete), "alice");
        await Store.Groups.DeleteGroupAsync("dropped", "admin");

        var archives = await Store.InferenceLog.ListArchivesAsync();
        var page = await Store.InferenceLog.QueryArchiveAsync(first.ArchivedTable!, new InferenceQuery { Roles = [GroupRole.Champion, GroupRole.Challenger] });
        var request = await Store.InferenceLog.GetArchivedRequestAsync(first.ArchivedTable!, "r1");
        var labelled = await Store.InferenceLog.QueryArchiveAsync(first.ArchivedTable!, new InferenceQuery { Labelled = true });

        Assert.Equal([(second.ArchivedTable!, "g", "carol"), (first.ArchivedTable!, "g", "admin")], archives.Select(a => (a.Name, a.Group, a.DeletedBy)));
        Assert.Equal(Group("g").Members.OrderBy(m => m.Role), archives[1].Members.OrderBy(m => m.Role));
        Assert.Equal(["r2", "r1"], page.Rows.Select(r => r.Record.RequestId));
        Assert.All(page.Rows, r => Assert.Equal("g", r.Record.Group));
        Assert.Equal([(1, GroupRole.Champion, 12.0), (3, GroupRole.Shadow, 12.0)], request.Select(r => (r.Record.Version, r.Record.Role, r.Label!.Value)));
        Assert.Equal(2, labelled.Rows.Count);
        Assert.Equal("r3", Assert.Single((await Store.InferenceLog.QueryArchiveAsync(second.ArchivedTable!, new InferenceQuery())).Rows).Record.RequestId);
    }

    [Fact]
    public async Task Archives_UnknownOrInvalidName_AreRefusedWithTheNamesThatExist()
    {
        await RegisterAsync("bike", 3);
        var none = await Assert.ThrowsAsync<StoreException>(() => Store.InferenceLog.QueryArchiveAsync("inference_archive_7", new InferenceQuery()));
        await Store.Groups.CreateGroupAsync(Group("g"), "alice");
        var deletion = await Store.Groups.DeleteGroupAsync("g", "admin");

        var unknown = await Assert.ThrowsAsync<StoreException>(() => Store.InferenceLog.GetArchivedRequestAsync("inference_archive_999", "r1"));
        var again = await Assert.ThrowsAsync<StoreException>(() => Store.InferenceLog.GetArchiveAsync("inference_archive_999"));
        var found = await Store.InferenceLog.GetArchiveAsync(deletion.ArchivedTable!);
        var invalid = await Assert.ThrowsAsync<StoreException>(() => Store.InferenceLog.QueryArchiveAsync("inference_log_g", new InferenceQuery()));

        Assert.Equal((StoreErrorKind.NotFound, "archive 'inference_archive_7' not found; there are no archives"), (none.Kind, none.Message));
        Assert.Equal((StoreErrorKind.NotFound, $"archive 'inference_archive_999' not found; archives are: {deletion.ArchivedTable} (did you mean {deletion.ArchivedTable}?)"), (unknown.Kind, unknown.Message));
        Assert.Equal(unknown.Message, again.Message);
        Assert.Equal(("g", "admin"), (found.Group, found.DeletedBy));
        Assert.Equal((StoreErrorKind.Invalid, "'inference_log_g' is not an archive name (inference_archive_<id>)"), (invalid.Kind, invalid.Message));
    }

    [Fact]
    public async Task DeleteGroup_Delete_DropsTableKeepsAudit()
    {
        await RegisterAsync("bike", 3);
        await Store.Groups.CreateGroupAsync(Group("g", GroupDeletionPolicy.Delete), "alice");

        var deletion = await Store.Groups.DeleteGroupAsync("g", "admin");
        var missing = await Assert.ThrowsAsync<StoreException>(() => Store.Groups.GetGroupAsync("g"));

        Assert.Null(deletion.ArchivedTable);
        Assert.False(await TableExistsAsync("inference_log_g"));
        Assert.Equal("group 'g' not found; there are no groups", missing.Message);
        Assert.Equal(["create", "delete"], (await Store.Groups.GetGroupAuditAsync("g")).Select(a => a.Action));
    }

    [Fact]
    public async Task AppendInferences_ThenFeedbackAndQueries_SeeTheRows()
    {
        await RegisterAsync("bike", 3);
        await Store.Groups.CreateGroupAsync(Group("g"), "alice");
        await Store.Groups.CreateGroupAsync(Group("h"), "alice");
        var records = new List<InferenceRecord>();
        for (var i = 0; i < 30; i++)
        {
            records.Add(Record("g", $"r{i / 3}", i % 3, i % 2 == 0 ? 1 : 2, i % 2 == 0 ? GroupRole.Champion : GroupRole.Challenger, i));
        }

        records.Add(Record("g", "r0", 0, 3, GroupRole.Shadow, 99.5));
        records.Add(Record("h", "other", 0, 1, GroupRole.Champion, 1));

        await Store.InferenceLog.AppendInferencesAsync(records);
        var labelled = await Store.InferenceLog.SetLabelAsync("g", "r0", 0, 42);
        var unknown = await Assert.ThrowsAsync<StoreException>(() => Store.InferenceLog.SetLabelAsync("g", "nope", 2, 1));

        Assert.Equal(2, labelled);
        Assert.Equal("record 2 of request 'nope' not found in the inference log of group 'g'", unknown.Message);
        var request = await Store.InferenceLog.GetRequestAsync("g", "r0");
        Assert.Equal([(0, GroupRole.Champion, 42.0), (0, GroupRole.Shadow, 42.0), (1, GroupRole.Challenger, (double?)null), (2, GroupRole.Champion, null)],
            request.Select(r => (r.Record.RecordIndex, r.Record.Role, r.Label)));
        Assert.Equal("{\"temp\":0.5}", request[0].Record.Inputs);

        var page = await Store.InferenceLog.QueryInferencesAsync("g", new InferenceQuery { Version = 1, MinPrediction = 10, MaxPrediction = 20, Limit = 3 });
        Assert.Equal([20.0, 18, 16], page.Rows.Select(r => r.Record.Prediction!.Value));
        var next = await Store.InferenceLog.QueryInferencesAsync("g", new InferenceQuery { Version = 1, MinPrediction = 10, MaxPrediction = 20, Limit = 3, Before = page.NextCursor });
        Assert.Equal([14.0, 12, 10], next.Rows.Select(r => r.Record.Prediction!.Value));
        Assert.Null(next.NextCursor);
        var text = await Store.InferenceLog.QueryInferencesAsync("g", new InferenceQuery { Text = "TEMP\":0.5" });
        Assert.Equal(31, text.Rows.Count);
        var none = await Store.InferenceLog.QueryInferencesAsync("g", new InferenceQuery { Text = "100%_" });
        Assert.Empty(none.Rows);
        var window = await Store.InferenceLog.QueryInferencesAsync("g", new InferenceQuery { From = ManualClock.Start.AddSeconds(5), To = ManualClock.Start.AddSeconds(8) });
        Assert.Equal([7.0, 6, 5], window.Rows.Select(r => r.Record.Prediction!.Value));
        var labelledServed = await Store.InferenceLog.QueryInferencesAsync("g", new InferenceQuery { Labelled = true, Roles = [GroupRole.Champion, GroupRole.Challenger] });
        Assert.Equal([("r0", 0, GroupRole.Champion, 42.0)], labelledServed.Rows.Select(r => (r.Record.RequestId, r.Record.RecordIndex, r.Record.Role, r.Label!.Value)));
        var shadows = await Store.InferenceLog.QueryInferencesAsync("g", new InferenceQuery { Roles = [GroupRole.Shadow] });
        Assert.Equal([99.5], shadows.Rows.Select(r => r.Record.Prediction!.Value));

        var outcomes = await Store.InferenceLog.ReadOutcomesAsync("g");
        Assert.Equal(31, outcomes.Count);
        Assert.Equal(42, outcomes[0].Label);
        Assert.Single(await Store.InferenceLog.ReadOutcomesAsync("h"));
    }

    [Fact]
    public async Task AppendInferences_UnknownGroupInBatch_StoresNothing()
    {
        await RegisterAsync("bike", 3);
        await Store.Groups.CreateGroupAsync(Group("g"), "alice");

        await Assert.ThrowsAnyAsync<Exception>(() => Store.InferenceLog.AppendInferencesAsync([Record("g", "r", 0, 1, GroupRole.Champion, 1), Record("missing", "r", 0, 1, GroupRole.Champion, 1)]));

        Assert.Empty(await Store.InferenceLog.ReadOutcomesAsync("g"));
    }

    [Fact]
    public async Task Tokens_Created_AreFoundBySecretOnlyAndStoredHashed()
    {
        var made = await Store.Tokens.CreateTokenAsync("ci", TokenRole.Predictor);

        Assert.StartsWith("mo_", made.Secret, StringComparison.Ordinal);
        Assert.Equal(46, made.Secret.Length);
        Assert.Equal(made.Token, await Store.Tokens.FindTokenAsync(made.Secret));
        Assert.Null(await Store.Tokens.FindTokenAsync(made.Secret + "x"));
        Assert.Equal([made.Token], await Store.Tokens.ListTokensAsync());
        Assert.Equal(TokenSecrets.Hash(made.Secret), await ScalarTextAsync("SELECT token_hash FROM api_tokens"));
    }

    [Fact]
    public async Task SetLabel_Twice_IsAConflictUnlessOverwriteAndEveryChangeIsKept()
    {
        await RegisterAsync("bike", 3);
        await Store.Groups.CreateGroupAsync(Group("g"), "alice");
        await Store.InferenceLog.AppendInferencesAsync([Record("g", "r0", 0, 1, GroupRole.Champion, 1), Record("g", "r0", 0, 3, GroupRole.Shadow, 2), Record("g", "r0", 1, 1, GroupRole.Champion, 3)]);

        var first = await Store.InferenceLog.SetLabelAsync("g", "r0", 0, 42, "ci");
        var again = await Assert.ThrowsAsync<StoreException>(() => Store.InferenceLog.SetLabelAsync("g", "r0", 0, 43, "ci"));
        var whole = await Assert.ThrowsAsync<StoreException>(() => Store.InferenceLog.SetLabelAsync("g", "r0", null, 44));
        var replaced = await Store.InferenceLog.SetLabelAsync("g", "r0", null, 45, overwrite: true);

        Assert.Equal((2, 3), (first, replaced));
        Assert.Equal((StoreErrorKind.Conflict, "record 0 of request 'r0' in group 'g' already has label 42; send \"overwrite\": true to replace it"), (again.Kind, again.Message));
        Assert.Equal("request 'r0' in group 'g' already has labels on record 0 (label 42); send \"overwrite\": true to replace them", whole.Message);
        Assert.Equal([45.0, 45.0, 45.0], (await Store.InferenceLog.GetRequestAsync("g", "r0")).Select(r => r.Label));
        var history = await Store.InferenceLog.GetLabelHistoryAsync("g", "r0");
        Assert.Equal([(0, null, 42.0, "ci"), (0, 42.0, 45.0, "tester"), (1, null, 45.0, "tester")], history.Select(h => (h.RecordIndex, h.OldLabel, h.NewLabel, h.Actor)));
        Assert.All(history, h => Assert.Equal(Clock.GetUtcNow(), h.ChangedAt));
    }

    private static InferenceRecord Record(string group, string request, int index, int version, GroupRole role, double prediction) => new(
        group, request, index, ManualClock.Start.AddSeconds(prediction), "bike", version, role, "key", "{\"temp\":0.5}", prediction, null, "{\"temp\":1.5}", 0.25, null);

    private async Task<bool> TableExistsAsync(string table) =>
        Convert.ToInt64(await ScalarAsync(Backend.Kind == StoreBackend.Sqlite
            ? $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
            : $"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{table}'"), System.Globalization.CultureInfo.InvariantCulture) == 1;

    private async Task<long> CountAsync(string table) => Convert.ToInt64(await ScalarAsync($"SELECT COUNT(*) FROM \"{table}\""), System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string?> ScalarTextAsync(string sql) => (string?)await ScalarAsync(sql);
}

public sealed class SqliteHubStoreTests() : HubStoreTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class PostgresHubStoreTests(PostgresServer server) : HubStoreTests(new PostgresBackend(server));
