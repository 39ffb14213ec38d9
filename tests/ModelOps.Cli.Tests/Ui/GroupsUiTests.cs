using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ModelOps.Store;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;
using ModelOps.Store.Registry;
using Xunit.Sdk;

namespace ModelOps.Cli.Tests.Ui;

/// <summary>
/// The model-group pages in Chromium, against the fixture hub: the empty list first (<see cref="TestOrderer"/>; only
/// these tests make groups), a group made in the form, the comparative view following predictions and feedback sent
/// through the API without a reload, a promotion under load with its preview and audit, the inference browser's filters
/// and pages and a request's SHAP values, and what a viewer may not do. Every figure checked is read from the store or
/// the API.
/// </summary>
[Collection(HubUiCollection.Name)]
[TestCaseOrderer("ModelOps.Cli.Tests.Ui.TestOrderer", "ModelOps.Cli.Tests")]
public sealed class GroupsUiTests(HubUiFixture hub)
{
    private const string Reason = "lower RMSE over the labelled traffic";

    private static readonly string[] Inputs = ["season", "yr", "mnth", "hr", "holiday", "weekday", "workingday", "weathersit", "temp", "atemp", "hum", "windspeed"];

    [Fact]
    [TestOrder(0)]
    public async Task Viewer_NoGroups_SaysHowToCreateOne()
    {
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        Assert.Empty(await store.Groups.ListGroupsAsync());

        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("viewer", path: "/groups");
        await ui.WaitForCircuitAsync();

        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = "Model groups", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "No model groups yet" })).ToHaveTextAsync(
            "No model groups yet Create one with Create group, with modelops groups create, or with POST /api/groups: "
            + "a Champion and any Challengers with weights summing to 100. Predictions then go to POST /api/groups/<name>/predict.");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Button, new() { Name = "Create group" })).ToHaveCountAsync(0);
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Link, new() { Name = "Create group" })).ToHaveCountAsync(0);
        await ShotAsync(ui, "groups-empty");
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    [TestOrder(1)]
    public async Task Scientist_CreatesAGroupInTheForm_TheWeightsCheckSaysTheStoresProblemUntilTheySumTo100(string scheme)
    {
        var name = $"rides-{scheme}";
        await using var ui = await UiSession.OpenAsync(hub, scheme);
        await ui.SignInAsync("scientist", path: "/groups");
        await ui.WaitForCircuitAsync();
        await ui.Page.GetByRole(AriaRole.Link, new() { Name = "Create group" }).ClickAsync();
        await ui.Page.WaitForURLAsync("**/groups/new");
        await ui.WaitForCircuitAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = "Create a group", Level = 1 })).ToBeVisibleAsync();

        var problems = ui.Page.GetByRole(AriaRole.Status, new() { Name = "Member problems" });
        await Assertions.Expect(problems).ToHaveTextAsync("members[0]: choose a model and a version");
        await ChooseAsync(ui, "Model of member 1", "bike_demand");
        await ChooseAsync(ui, "Version of member 1", "v1 (Champion)");
        await ui.Page.GetByLabel("Weight of member 1", new() { Exact = true }).FillAsync("90");
        await Assertions.Expect(problems).ToHaveTextAsync("the weights of the champion and challengers sum to 90, not 100");

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Add a member" }).ClickAsync();
        await ChooseAsync(ui, "Model of member 2", "bike_demand");
        await ChooseAsync(ui, "Version of member 2", "v2");
        await ui.Page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await Assertions.Expect(problems).ToHaveTextAsync("the weights of the champion and challengers sum to 90, not 100");
        var create = ui.Page.GetByRole(AriaRole.Button, new() { Name = "Create group" });
        await Assertions.Expect(create).ToBeDisabledAsync();
        await ShotAsync(ui, "groups-new-problem");

        await ui.Page.GetByLabel("Weight of member 2", new() { Exact = true }).FillAsync("10");
        await Assertions.Expect(problems).ToHaveTextAsync("The weights sum to 100 and every rule holds.");
        await Assertions.Expect(create).ToBeEnabledAsync();
        await create.ClickAsync();

        await ui.Page.WaitForURLAsync($"**/groups/{name}", new() { Timeout = 30_000 });
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 })).ToBeVisibleAsync();
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        var group = await store.Groups.GetGroupAsync(name);
        Assert.Equal(
            [new GroupMember("bike_demand", 1, GroupRole.Champion, 90), new GroupMember("bike_demand", 2, GroupRole.Challenger, 10)],
            group.Members);
        Assert.Equal(GroupDeletionPolicy.Archive, group.DeletionPolicy);
        var audit = await store.Groups.GetGroupAuditAsync(name);
        Assert.Equal(("create", "ui-scientist"), (audit.Single().Action, audit.Single().Actor));
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Fact]
    [TestOrder(2)]
    public async Task Viewer_NewGroupWithoutPredictions_ComparisonAndInferencesSayHowToFillThem()
    {
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        const string Name = "quiet";
        await CreateAsync(store, Name, "bike_demand");

        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("viewer", path: $"/groups/{Name}");
        await ui.WaitForCircuitAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "No predictions in the last 24 hours" })).ToHaveTextAsync(
            $"No predictions in the last 24 hours Send predictions to POST /api/groups/{Name}/predict (or stream them with the Kafka job): every row is logged and counted here within seconds. "
            + "Choose a longer time range to see older traffic.");
        await ShotAsync(ui, "group-empty");

        await ui.Page.GetByRole(AriaRole.Tab, new() { Name = "Inferences" }).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "No predictions logged yet" })).ToHaveTextAsync(
            $"No predictions logged yet Every prediction sent to POST /api/groups/{Name}/predict is logged here with its inputs and explanation.");
        await ShotAsync(ui, "inferences-empty");
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    [TestOrder(3)]
    public async Task Viewer_ComparisonFollowsPredictionsAndFeedbackSentThroughTheApi_WithoutAReload(string scheme)
    {
        var name = $"live-{scheme}";
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        await CreateAsync(store, name, "bike_demand");
        using var predictor = Client("predictor");

        await using var ui = await UiSession.OpenAsync(hub, scheme);
        await ui.SignInAsync("viewer", path: $"/groups/{name}");
        await ui.WaitForCircuitAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "No predictions in the last 24 hours" })).ToBeVisibleAsync();

        // A first batch appears without a reload (the view reads the statistics every 5 s).
        var sent = await PredictAsync(predictor, name, Records(0, 24));
        await ExpectCountsAsync(ui, sent);
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "Live status" })).ToContainTextAsync($"Live · {sent.Count} rows · updated ");

        // More predictions and feedback for every one of them: the counts and the labelled rows follow.
        sent.AddRange(await PredictAsync(predictor, name, Records(24, 36)));
        foreach (var prediction in sent)
        {
            using var feedback = await predictor.PostAsync(
                $"/api/groups/{name}/feedback",
                Json(JsonSerializer.Serialize(new { requestId = prediction.RequestId, actual = prediction.Actual })));
            Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);
        }

        await ExpectCountsAsync(ui, sent, labelled: true);
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "Live status" })).ToContainTextAsync($"Live · {sent.Count} rows · updated ");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.List, new() { Name = "Verdicts" }).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        foreach (var title in (string[])["Requests per 1 hour", "RMSE of the labelled rows", "Latency p95 (ms)", "Mean prediction"])
        {
            await Assertions.Expect(ui.Page.GetByRole(AriaRole.Figure, new() { Name = title })).ToBeVisibleAsync();
        }

        await ShotAsync(ui, "group-comparison");
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    [TestOrder(4)]
    public async Task Scientist_PromotesTheChallengerUnderLoad_NoFailedRequests_PreviewReasonAndAudit(string scheme)
    {
        // A model of its own (versions of bike_demand's runs), so the move of its Champion alias touches no other test.
        var model = $"bike_promoted_{scheme}";
        var name = $"promote-{scheme}";
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        foreach (var source in (int[])[1, 2])
        {
            var version = await store.GetVersionAsync("bike_demand", source);
            await store.RegisterVersionAsync(new NewModelVersion(model, version.ArtifactUri) { RunId = version.RunId, Signature = version.Signature });
        }

        await store.SetAliasAsync(model, StoreDefaults.Alias, 1, "ui test", "ui-test");
        var group = await CreateAsync(store, name, model);
        using var predictor = Client("predictor");
        await PredictAsync(predictor, name, Records(0, 10));

        await using var ui = await UiSession.OpenAsync(hub, scheme);
        await ui.SignInAsync("scientist", path: $"/groups/{name}");
        await ui.WaitForCircuitAsync();

        // Predictions keep arriving through the API while the promotion is previewed and confirmed.
        using var load = new CancellationTokenSource();
        var sender = SendUntilAsync(predictor, name, load.Token);
        try
        {
            await ui.Page.GetByRole(AriaRole.Button, new() { Name = $"Promote {model} v2 to Champion" }).ClickAsync();
            var confirm = ui.Page.GetByRole(AriaRole.Group, new() { Name = $"Confirm the promotion of {model} v2" });
            await Assertions.Expect(confirm).ToContainTextAsync($"Promote {model} v2 to Champion?");
            var after = group.MembersAfterPromotion(model, 2, takeAllTraffic: false);
            var rows = confirm.GetByRole(AriaRole.Table, new() { Name = "Weights before and after" }).GetByRole(AriaRole.Row);
            await Assertions.Expect(rows).ToHaveCountAsync(3);
            for (var i = 0; i < group.Members.Count; i++)
            {
                var member = group.Members[i];
                await Assertions.Expect(rows.Nth(i + 1).GetByRole(AriaRole.Cell)).ToHaveTextAsync(
                    [$"{model} v{member.Version}", Words(member), Words(after.Single(a => a.Version == member.Version))]);
            }

            Assert.Equal([(1, GroupRole.Challenger, 10), (2, GroupRole.Champion, 90)], after.Select(a => (a.Version, a.Role, a.Weight)).Order());
            await Assertions.Expect(confirm).ToContainTextAsync($"The alias Champion of {model} moves from v1 to v2, with this reason in its history and the group's audit.");

            // No promotion without a reason.
            var promote = confirm.GetByRole(AriaRole.Button, new() { Name = "Promote", Exact = true });
            await Assertions.Expect(promote).ToBeDisabledAsync();
            await ShotAsync(ui, "group-promote");
            await confirm.GetByLabel("Reason").FillAsync(Reason);
            await Assertions.Expect(promote).ToBeEnabledAsync();
            await promote.ClickAsync();

            // The page shows the new Champion.
            var card = ui.Page.GetByRole(AriaRole.Region, new() { Name = $"{model} v2", Exact = true });
            await Assertions.Expect(card).ToContainTextAsync("Champion · 90 %");
            await Assertions.Expect(ui.Page.GetByRole(AriaRole.Region, new() { Name = $"{model} v1", Exact = true })).ToContainTextAsync("Challenger · 10 %");
            await Assertions.Expect(ui.Page.GetByRole(AriaRole.Button, new() { Name = $"Promote {model} v1 to Champion" })).ToBeVisibleAsync();
            var promoted = await store.Groups.GetGroupAsync(name);
            Assert.Equal(new GroupMember(model, 2, GroupRole.Champion, 90), promoted.Champion);
            Assert.Equal(2, (await store.ListAliasesAsync(model)).Single(a => a.Alias == StoreDefaults.Alias).Version);

            // The API serves the new Champion too, and keeps answering.
            var before = sender.Sent;
            await WaitUntilAsync(() => sender.Sent >= before + 10, TimeSpan.FromSeconds(60), () => $"only {sender.Sent - before} predictions after the promotion");
        }
        finally
        {
            await load.CancelAsync();
            await sender.Task;
        }

        Assert.True(sender.Sent > 10, $"{sender.Sent} predictions sent during the promotion");
        Assert.Equal([], sender.Failures);

        // The audit lists the promotion with its actor and reason.
        await ui.Page.GetByRole(AriaRole.Tab, new() { Name = "Audit" }).ClickAsync();
        var audit = ui.Page.GetByRole(AriaRole.Table, new() { Name = $"Audit of {name}" });
        var entry = (await store.Groups.GetGroupAuditAsync(name)).Last();
        Assert.Equal(("promote", "ui-scientist"), (entry.Action, entry.Actor));
        var promotion = audit.GetByRole(AriaRole.Row).Nth(1).GetByRole(AriaRole.Cell);
        await Assertions.Expect(promotion).ToHaveCountAsync(5);
        await Assertions.Expect(promotion.Nth(0)).ToHaveTextAsync(entry.At.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        await Assertions.Expect(promotion.Nth(1)).ToHaveTextAsync("promote");
        await Assertions.Expect(promotion.Nth(2)).ToHaveTextAsync("ui-scientist");
        await Assertions.Expect(promotion.Nth(3).Locator("div")).ToHaveTextAsync(
            [$"{model} v1 champion 90 %, {model} v2 challenger 10 %", $"→ {model} v2 champion 90 %, {model} v1 challenger 10 %"]);
        await Assertions.Expect(promotion.Nth(4)).ToHaveTextAsync(Reason);
        await Assertions.Expect(audit.GetByRole(AriaRole.Row).Nth(2).GetByRole(AriaRole.Cell).Nth(1)).ToHaveTextAsync("create");
        await ShotAsync(ui, "group-audit");
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    [TestOrder(5)]
    public async Task Viewer_BrowsesTheInferences_FiltersPagesAndOpensARequestWhoseShapIsTheLoggedOne(string scheme)
    {
        var name = $"browse-{scheme}";
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        await CreateAsync(store, name, "bike_demand");
        using var predictor = Client("predictor");
        var sent = await PredictAsync(predictor, name, Records(100, 60));
        foreach (var prediction in sent.Take(20))
        {
            using var feedback = await predictor.PostAsync(
                $"/api/groups/{name}/feedback",
                Json(JsonSerializer.Serialize(new { requestId = prediction.RequestId, actual = prediction.Actual })));
            Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);
        }

        await using var ui = await UiSession.OpenAsync(hub, scheme);
        await ui.SignInAsync("viewer", path: $"/groups/{name}");
        await ui.WaitForCircuitAsync();
        await ui.Page.GetByRole(AriaRole.Tab, new() { Name = "Inferences" }).ClickAsync();
        var table = ui.Page.GetByRole(AriaRole.Table, new() { Name = "Logged predictions" });
        var page = ui.Page.GetByRole(AriaRole.Status, new() { Name = "Page" });

        // 60 rows: a page of the newest 50, then the 10 older.
        await Assertions.Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(51);
        await Assertions.Expect(page).ToHaveTextAsync("Page 1 · 50 rows a page, newest first");
        await Assertions.Expect(table.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync(sent[^1].RequestId);
        await ShotAsync(ui, "inferences");
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Older" }).ClickAsync();
        await Assertions.Expect(page).ToHaveTextAsync("Page 2 · 50 rows a page, newest first");
        await Assertions.Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(11);
        await Assertions.Expect(table.GetByRole(AriaRole.Row).Nth(10)).ToContainTextAsync(sent[0].RequestId);
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Button, new() { Name = "Older" })).ToBeDisabledAsync();
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Newer" }).ClickAsync();
        await Assertions.Expect(page).ToHaveTextAsync("Page 1 · 50 rows a page, newest first");

        // Each filter shows what the store answers to the same query.
        await ChooseAsync(ui, "Version filter", "bike_demand v2");
        await ExpectRowsAsync(store, name, table, new InferenceQuery { Model = "bike_demand", Version = 2 });
        await ChooseAsync(ui, "Version filter", "Any version");
        await ChooseAsync(ui, "Role filter", "Champion");
        await ExpectRowsAsync(store, name, table, new InferenceQuery { Role = GroupRole.Champion });
        await ChooseAsync(ui, "Label filter", "Labelled");
        await ExpectRowsAsync(store, name, table, new InferenceQuery { Role = GroupRole.Champion, Labelled = true });
        await ChooseAsync(ui, "Role filter", "Any role");
        await ExpectRowsAsync(store, name, table, new InferenceQuery { Labelled = true }, expected: 20);
        await ChooseAsync(ui, "Label filter", "Any");
        var hour = sent[7].Record["hr"].ToString(CultureInfo.InvariantCulture);
        var text = $"\"hr\":{hour},";
        await ui.Page.GetByLabel("Text in the inputs", new() { Exact = true }).FillAsync(text);
        await ExpectRowsAsync(store, name, table, new InferenceQuery { Text = text }, expected: sent.Count(s => s.Record["hr"] == sent[7].Record["hr"]));
        await ui.Page.GetByLabel("Text in the inputs", new() { Exact = true }).FillAsync("no such text");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "No logged row matches the filters" })).ToHaveTextAsync(
            "No logged row matches the filters Widen the time range or clear a filter.");
        await ui.Page.GetByLabel("Text in the inputs", new() { Exact = true }).FillAsync(text);

        // A request's page: the served answer with its SHAP values, exactly as logged.
        var opened = sent[7];
        await table.GetByRole(AriaRole.Link, new() { Name = opened.RequestId, Exact = true }).ClickAsync();
        await ui.Page.WaitForURLAsync($"**/groups/{name}/requests/{opened.RequestId}");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = $"Request {opened.RequestId}", Level = 1 })).ToBeVisibleAsync();
        using var viewer = Client("viewer");
        using var logged = JsonDocument.Parse(await viewer.GetStringAsync($"/api/groups/{name}/inferences/{opened.RequestId}"));
        var row = logged.RootElement.EnumerateArray().Single();
        var shap = row.GetProperty("shap").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal);
        Assert.NotEmpty(shap);
        var region = ui.Page.GetByRole(AriaRole.Region, new() { Name = $"bike_demand v{opened.Version} record 0" });
        var cells = region.GetByRole(AriaRole.Table, new() { Name = "SHAP values" }).Locator("td[data-shap]");
        await Assertions.Expect(cells).ToHaveCountAsync(shap.Count);
        var shown = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var cell in await cells.AllAsync())
        {
            var input = await cell.EvaluateAsync<string>("c => c.parentElement.getAttribute('aria-label')");
            shown[input] = double.Parse((await cell.GetAttributeAsync("data-shap"))!, CultureInfo.InvariantCulture);
        }

        Assert.Equal(shap.OrderBy(p => p.Key, StringComparer.Ordinal), shown.OrderBy(p => p.Key, StringComparer.Ordinal));
        await Assertions.Expect(region.GetByRole(AriaRole.Group, new() { Name = "Prediction" })).ToContainTextAsync(Metric(row.GetProperty("prediction").GetDouble()));
        await Assertions.Expect(region.GetByRole(AriaRole.Figure, new() { Name = "SHAP values chart" })).ToBeVisibleAsync();
        await ShotAsync(ui, "inference-request");
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Fact]
    [TestOrder(6)]
    public async Task Viewer_SeesNoPromoteCreateEditOrDelete_AndTheServerRefusesThem()
    {
        const string Name = "viewed";
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        await CreateAsync(store, Name, "bike_demand");
        using var predictor = Client("predictor");
        var sent = await PredictAsync(predictor, Name, Records(200, 10));

        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("viewer", path: "/groups");
        await ui.WaitForCircuitAsync();
        var row = ui.Page.GetByRole(AriaRole.Row).Filter(new() { Has = ui.Page.GetByRole(AriaRole.Link, new() { Name = Name, Exact = true }) });
        await Assertions.Expect(row).ToContainTextAsync("bike_demand v1");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Link, new() { Name = "Create group" })).ToHaveCountAsync(0);
        await ShotAsync(ui, "groups");

        await row.GetByRole(AriaRole.Link, new() { Name = Name, Exact = true }).ClickAsync();
        await ui.Page.WaitForURLAsync($"**/groups/{Name}");
        await ui.WaitForCircuitAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Region, new() { Name = "bike_demand v1", Exact = true }).GetByRole(AriaRole.Row, new() { Name = "Requests" }))
            .ToContainTextAsync(sent.Count(s => s.Version == 1).ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Promote") })).ToHaveCountAsync(0);
        await ui.Page.GetByRole(AriaRole.Tab, new() { Name = "Members (2)" }).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Table, new() { Name = $"Members of {Name}" }).GetByRole(AriaRole.Row)).ToHaveCountAsync(3);
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Button, new() { Name = "Edit split" })).ToHaveCountAsync(0);
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Button, new() { Name = "Delete group" })).ToHaveCountAsync(0);

        // Forcing it through the API is refused.
        using var viewer = Client("viewer");
        using var refused = await viewer.PostAsync($"/api/groups/{Name}/promote", Json("""{"model":"bike_demand","version":2,"reason":"forced"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(new GroupMember("bike_demand", 1, GroupRole.Champion, 90), (await store.Groups.GetGroupAsync(Name)).Champion);

        foreach (var (path, roles) in (ValueTuple<string, string>[])[("/groups/new", "admin or scientist"), ("/tokens", "admin")])
        {
            await ui.Page.GotoAsync(path);
            await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync($"Your token's role may not open this page; it needs role {roles}.");
        }

        Assert.Equal(
            [$"{hub.Address}groups/new: Failed to load resource: the server responded with a status of 403 (Forbidden)", $"{hub.Address}tokens: Failed to load resource: the server responded with a status of 403 (Forbidden)"],
            ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    [TestOrder(7)]
    public async Task Admin_DeletesAGroup_ItsLogIsArchivedAndBrowsableReadOnly(string scheme)
    {
        var name = $"gone-{scheme}";
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        await CreateAsync(store, name, "bike_demand");
        using var predictor = Client("predictor");
        var sent = await PredictAsync(predictor, name, Records(400, 12));

        await using var ui = await UiSession.OpenAsync(hub, scheme);
        await ui.SignInAsync("admin", path: $"/groups/{name}");
        await ui.WaitForCircuitAsync();
        await ui.Page.GetByRole(AriaRole.Tab, new() { Name = "Members" }).ClickAsync();
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Delete group" }).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Group, new() { Name = "Confirm the deletion" })).ToContainTextAsync(
            $"Delete {name}? Its endpoint stops answering at once, and its inference log is archived: the table is renamed and kept, readable through the archive. The audit stays.");
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = $"Yes, delete {name}" }).ClickAsync();
        await ui.Page.WaitForURLAsync("**/groups");
        var archive = (await store.InferenceLog.ListArchivesAsync()).First(a => a.Group == name);

        // From the groups list to the archive: the rows are there, filters work, nothing can be changed.
        await ui.Page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex(@"^Archived logs \(\d+\)$") }).ClickAsync();
        await ui.Page.WaitForURLAsync("**/archives");
        var list = ui.Page.GetByRole(AriaRole.Table, new() { Name = "Archived logs" });
        var entry = list.GetByRole(AriaRole.Row).Filter(new() { HasText = archive.Name });
        await Assertions.Expect(entry).ToContainTextAsync(new Regex(@"bike_demand v1\s*Champion · 90 %\s*bike_demand v2\s*Challenger · 10 %"));
        await Assertions.Expect(entry).ToContainTextAsync("admin");
        await ShotAsync(ui, "archives");
        await entry.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await ui.Page.WaitForURLAsync($"**/archives/{archive.Name}");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByText("archived, read-only", new() { Exact = true })).ToBeVisibleAsync();
        var table = ui.Page.GetByRole(AriaRole.Table, new() { Name = "Logged predictions" });
        await Assertions.Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(sent.Count + 1);
        await Assertions.Expect(table.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync(sent[^1].RequestId);
        // The split is random: filter by the version that served most of the 12 requests.
        var served = (await store.InferenceLog.QueryArchiveAsync(archive.Name, new InferenceQuery())).Rows.GroupBy(r => r.Record.Role).MaxBy(g => g.Count())!;
        await ChooseAsync(ui, "Role filter", served.Key == GroupRole.Champion ? "Champion" : "Challenger");
        await Assertions.Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(served.Count() + 1);
        await ChooseAsync(ui, "Role filter", "Any role");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Button, new() { Name = "Delete group" })).ToHaveCountAsync(0);
        await ShotAsync(ui, "archive");

        var opened = sent[3];
        await table.GetByRole(AriaRole.Link, new() { Name = opened.RequestId, Exact = true }).ClickAsync();
        await ui.Page.WaitForURLAsync($"**/archives/{archive.Name}/requests/{opened.RequestId}");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = $"Request {opened.RequestId}", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByText($"Every row the request logged in {name} (archived, read-only)")).ToBeVisibleAsync();
        var row = Assert.Single(await store.InferenceLog.GetArchivedRequestAsync(archive.Name, opened.RequestId));
        var region = ui.Page.GetByRole(AriaRole.Region, new() { Name = $"bike_demand v{opened.Version} record 0" });
        await Assertions.Expect(region.GetByRole(AriaRole.Group, new() { Name = "Prediction" })).ToContainTextAsync(Metric(row.Record.Prediction!.Value));
        await Assertions.Expect(region.GetByRole(AriaRole.Table, new() { Name = "SHAP values" }).Locator("td[data-shap]")).ToHaveCountAsync(Inputs.Length);
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Link, new() { Name = archive.Name })).ToHaveAttributeAsync("href", $"archives/{archive.Name}");

        // An archive that does not exist says which do.
        await ui.Page.GotoAsync("/archives/inference_archive_999999");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("archive 'inference_archive_999999' not found; archives are: ");
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    private sealed record Prediction(string RequestId, int Version, string Role, double Actual, IReadOnlyDictionary<string, double> Record);

    private sealed class Sender
    {
        private int _sent;

        public int Sent => Volatile.Read(ref _sent);

        public List<string> Failures { get; } = [];

        public Task Task { get; set; } = Task.CompletedTask;

        public void Count() => Interlocked.Increment(ref _sent);
    }

    private Sender SendUntilAsync(HttpClient client, string group, CancellationToken stop)
    {
        var sender = new Sender();
        sender.Task = Task.Run(async () =>
        {
            var records = Records(300, 200);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var (record, _) = records[i % records.Count];
                using var response = await client.PostAsync($"/api/groups/{group}/predict", Json(JsonSerializer.Serialize(new { record })), CancellationToken.None);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    var failure = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(CancellationToken.None)}";
                    lock (sender.Failures)
                    {
                        sender.Failures.Add(failure);
                    }
                }

                sender.Count();
            }
        }, CancellationToken.None);
        return sender;
    }

    private HttpClient Client(string role)
    {
        var client = new HttpClient { BaseAddress = hub.Address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", hub.Tokens[role]);
        return client;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static Task<ModelGroup> CreateAsync(IModelStore store, string name, string model) => store.Groups.CreateGroupAsync(
        new NewModelGroup(name, [new GroupMember(model, 1, GroupRole.Champion, 90), new GroupMember(model, 2, GroupRole.Challenger, 10)], GroupDeletionPolicy.Archive),
        "ui-test");

    // Rows of the bike data (the columns the bike models read) with their counts, from row `first` on.
    private static List<(Dictionary<string, double> Record, double Actual)> Records(int first, int count)
    {
        var lines = File.ReadLines(Path.Combine(CliProcess.RepoRoot, "data", "bike_sharing", "hour.csv")).ToList();
        var header = lines[0].Split(',');
        return [.. lines.Skip(1 + first).Take(count).Select(line =>
        {
            var values = line.Split(',');
            var record = Inputs.ToDictionary(c => c, c => double.Parse(values[Array.IndexOf(header, c)], CultureInfo.InvariantCulture), StringComparer.Ordinal);
            return (record, double.Parse(values[Array.IndexOf(header, "cnt")], CultureInfo.InvariantCulture));
        })];
    }

    private static async Task<List<Prediction>> PredictAsync(HttpClient client, string group, List<(Dictionary<string, double> Record, double Actual)> records)
    {
        var predictions = new List<Prediction>();
        foreach (var (record, actual) in records)
        {
            using var response = await client.PostAsync($"/api/groups/{group}/predict", Json(JsonSerializer.Serialize(new { record })));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            using var answer = JsonDocument.Parse(body);
            var result = answer.RootElement.GetProperty("results")[0];
            predictions.Add(new Prediction(
                answer.RootElement.GetProperty("requestId").GetString()!, result.GetProperty("version").GetInt32(), result.GetProperty("role").GetString()!, actual, record));
        }

        return predictions;
    }

    // Waits (the view reads every 5 s) until each version's card shows the requests (and labels) the API answered.
    private static async Task ExpectCountsAsync(UiSession ui, List<Prediction> sent, bool labelled = false)
    {
        foreach (var version in (int[])[1, 2])
        {
            var count = sent.Count(s => s.Version == version).ToString("N0", CultureInfo.InvariantCulture);
            var card = ui.Page.GetByRole(AriaRole.Region, new() { Name = $"bike_demand v{version}", Exact = true });
            await Assertions.Expect(card.GetByRole(AriaRole.Row, new() { Name = "Requests" }).GetByRole(AriaRole.Cell)).ToHaveTextAsync(count, new() { Timeout = 30_000 });
            if (labelled)
            {
                await Assertions.Expect(card.GetByRole(AriaRole.Row, new() { Name = "Labelled" }).GetByRole(AriaRole.Cell)).ToHaveTextAsync(count, new() { Timeout = 30_000 });
            }
        }
    }

    private static async Task ExpectRowsAsync(IModelStore store, string group, ILocator table, InferenceQuery query, int? expected = null)
    {
        var rows = (await store.InferenceLog.QueryInferencesAsync(group, query with { Limit = 50 })).Rows;
        if (expected is { } count)
        {
            Assert.Equal(count, rows.Count);
        }

        Assert.NotEmpty(rows);
        await Assertions.Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(rows.Count + 1);
        await Assertions.Expect(table.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync(rows[0].Record.RequestId);
    }

    private static string Words(GroupMember member) => member.Role == GroupRole.Shadow
        ? "Shadow · scores every request"
        : string.Create(CultureInfo.InvariantCulture, $"{(member.Role == GroupRole.Champion ? "Champion" : "Challenger")} · {member.Weight} %");

    // As the pages show a figure: 4 significant digits.
    private static string Metric(double value)
    {
        var magnitude = value == 0 ? 0 : (int)Math.Floor(Math.Log10(Math.Abs(value)));
        if (magnitude >= 4)
        {
            return value.ToString("N0", CultureInfo.InvariantCulture);
        }

        var decimals = Math.Clamp(3 - magnitude, 0, 6);
        return Math.Round(value, decimals).ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');
    }

    // A screenshot once the page's transitions (a tab's slider, a ripple) have ended.
    private static async Task ShotAsync(UiSession ui, string name)
    {
        await ui.Page.Mouse.MoveAsync(0, 0);
        await ui.Page.EvaluateAsync("() => Promise.all(document.getAnimations().filter(a => a.effect?.getComputedTiming().iterations !== Infinity).map(a => a.finished.catch(() => null)))");
        await ui.ScreenshotAsync(name);
    }

    private static async Task ChooseAsync(UiSession ui, string select, string option)
    {
        var box = ui.Page.GetByLabel(select, new() { Exact = true });
        await Assertions.Expect(box).ToBeEnabledAsync();
        await box.ClickAsync();
        await ui.Page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Option)).ToHaveCountAsync(0);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> failure)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException(failure());
            }

            await Task.Delay(100);
        }
    }
}
