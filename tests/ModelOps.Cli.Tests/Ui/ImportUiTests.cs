using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Jobs.Import.Metadata;
using ModelOps.Store;
using ModelOps.Store.Connectors;
using ModelOps.Store.Registry;

namespace ModelOps.Cli.Tests.Ui;

/// <summary>
/// The import page in Chromium: a scientist uploads a model's metadata from another tool, reviews and edits the proposed
/// mapping (the deterministic mapper's, or a connector's LLM's on an <see cref="LlmStubServer"/>), checks it, saves it,
/// and lands on the model page whose Analytics tab shows the file's metrics.
/// </summary>
[Collection(HubUiCollection.Name)]
public sealed class ImportUiTests(HubUiFixture hub)
{
    private static string Fixture(string name) => Path.Combine(CliProcess.RepoRoot, "tests", "fixtures", "metadata", name);

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task Scientist_ImportsWithTheDeterministicMapperAndAnEdit_LandsOnTheModelWithItsMetrics(string scheme)
    {
        var model = $"credit-risk-rf-{scheme}";
        var file = Fixture("seed_model_performance.json");
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(Fixture("seed_model_performance.expected.json")))!;
        var proposal = await MetadataImport.ProposeAsync(await File.ReadAllBytesAsync(file), Path.GetFileName(file), llm: null);
        var accuracy = proposal.Spec.Rules.ToList().FindIndex(r => r.Target == "metrics.accuracy");
        await using var ui = await UiSession.OpenAsync(hub, scheme);
        await ui.SignInAsync("scientist", path: "/import");
        await ui.WaitForCircuitAsync();

        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "Import a model trained elsewhere" })).ToBeVisibleAsync();
        var menu = ui.Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Assertions.Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Import" })).ToBeVisibleAsync();
        await Assertions.Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Connectors" })).ToHaveCountAsync(0);
        await ui.ScreenshotAsync("import-empty");
        await ChooseAsync(ui, file);
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Propose mapping" }).ClickAsync();

        // The table is the engine's proposal, rule by rule, with what each reads in the file.
        await Assertions.Expect(ui.Page.GetByText("proposed by the deterministic mapper")).ToBeVisibleAsync();
        for (var i = 0; i < proposal.Rules.Count; i++)
        {
            await Assertions.Expect(SourceOf(ui, i)).ToHaveValueAsync(proposal.Rules[i].Rule.Source);
            await Assertions.Expect(TargetOf(ui, i)).ToHaveValueAsync(proposal.Rules[i].Rule.Target);
        }

        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Row, new() { Name = $"Rule {accuracy}", Exact = true })).ToContainTextAsync("0.91");
        var task = proposal.Spec.Rules.ToList().FindIndex(r => r.Target == "task");
        await Assertions.Expect(ui.Page.GetByLabel($"Transform of rule {task}", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "Mapping check" })).ToContainTextAsync("the mapped metadata is valid");
        await Assertions.Expect(ui.Page.GetByLabel("Model name")).ToHaveValueAsync("credit-risk-rf");

        // A broken source path: the check names it, and nothing can be saved.
        await SourceOf(ui, accuracy).FillAsync("$.model_performance.acc");
        var save = ui.Page.GetByRole(AriaRole.Button, new() { Name = "Save as model" });
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Check mapping" }).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert, new() { Name = "Mapping check" })).ToContainTextAsync(
            $"rules[{accuracy}]: $.model_performance.acc does not exist ($.model_performance has accuracy, precision, recall, f1_score, auc, logloss)");
        await Assertions.Expect(save).ToBeDisabledAsync();
        await ui.ScreenshotAsync("import-problem");

        // Fixed, and one more rule: the framework the file names becomes a tag.
        await SourceOf(ui, accuracy).FillAsync("$.model_performance.accuracy");
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Add rule" }).ClickAsync();
        var added = proposal.Rules.Count;
        await SourceOf(ui, added).FillAsync("$.framework");
        await TargetOf(ui, added).FillAsync("tags.framework");
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Check mapping" }).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "Mapping check" })).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Row, new() { Name = $"Rule {added}", Exact = true })).ToContainTextAsync("\"scikit-learn\"");
        await Assertions.Expect(ui.Page.GetByText("edited by you")).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByLabel("Mapped metadata", new() { Exact = true })).ToContainTextAsync("\"framework\": \"scikit-learn\"");
        await ui.Page.GetByLabel("Model name").FillAsync(model);
        await ui.ScreenshotAsync("import-edited");
        await save.ClickAsync();

        await ui.Page.WaitForURLAsync($"**/models/{model}?version=1");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = model, Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByText("Imported metadata (external model, no model file)")).ToBeVisibleAsync();
        await AssertKeyMetricsAsync(ui, expected["metrics"]!.AsObject());
        var importances = ui.Page.GetByRole(AriaRole.Figure, new() { Name = "Feature importance as imported, top features" });
        await Assertions.Expect(importances.Locator("path.mud-chart-bar")).ToHaveCountAsync(expected["features"]!.AsArray().Count);
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Figure, new() { NameRegex = new Regex("across versions$") })).ToHaveCountAsync(0);
        await ui.ScreenshotAsync("model-analytics-imported");
        await ui.Page.GetByRole(AriaRole.Tab, new() { Name = "Versions (1)" }).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Link, new() { Name = "Download the imported metadata of version 1" })).ToBeVisibleAsync();

        await using var store = await StoreFactory.OpenAsync(hub.Database);
        var version = await store.GetVersionAsync(model, 1);
        Assert.True(RegisteredModels.IsExternal(version));
        Assert.Equal("scikit-learn", version.Tags["framework"]);
        var run = await store.GetRunAsync(version.RunId!);
        Assert.Equal(("user", "ui-scientist"), (run.Tags["mapping"], run.Tags["imported_by"]));
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task Scientist_AttachesTheXGBoostModel_AMismatchIsNamedAndTheMatchingModelServes(string scheme)
    {
        var model = $"bike-mlflow-{scheme}";
        var xgboost = Path.Combine(CliProcess.RepoRoot, "tests", "fixtures", "xgboost");
        await using var ui = await UiSession.OpenAsync(hub, scheme);
        await ui.SignInAsync("scientist", path: "/import");
        await ui.WaitForCircuitAsync();
        await ChooseAsync(ui, Fixture("mlflow_run.json"));
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Propose mapping" }).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "Mapping check" })).ToContainTextAsync("the mapped metadata is valid");
        await ui.Page.GetByLabel("Model name").FillAsync(model);

        // The credit model's 7 unnamed inputs are not the bike metadata's 12 features: refused, saying so; nothing saved.
        await AttachAsync(ui, Path.Combine(xgboost, "credit_logistic.json"));
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Save as model" }).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "credit_logistic.json has 7 features without names" })).ToContainTextAsync(
            "credit_logistic.json has 7 features without names but the metadata lists 12 (season, yr, mnth, hr, holiday, weekday, workingday, weathersit and 4 more); list one feature per model input, in the model's order; nothing was saved");
        await ui.ScreenshotAsync("import-model-mismatch");

        await AttachAsync(ui, Path.Combine(xgboost, "bike_reg.ubj"));
        await Assertions.Expect(ui.Page.GetByText("with the XGBoost model bike_reg.ubj: it can serve")).ToBeVisibleAsync();
        await ui.ScreenshotAsync("import-with-model");
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Save as model" }).ClickAsync();

        await ui.Page.WaitForURLAsync($"**/models/{model}?version=1");
        await Assertions.Expect(ui.Page.GetByText("Imported metadata with its XGBoost model (external)")).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByText("The version holds its model file and can serve")).ToBeVisibleAsync();
        await ui.ScreenshotAsync("model-analytics-imported-with-model");
        await ui.Page.GetByRole(AriaRole.Tab, new() { Name = "Versions (1)" }).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Link, new() { Name = "Download the model file of version 1" })).ToBeVisibleAsync();

        await using var store = await StoreFactory.OpenAsync(hub.Database);
        var loaded = await store.LoadAsync($"{model}/1");
        Assert.Equal(("XGBoostImported", "external", "bike_reg.ubj"), (loaded.Model.Kind, loaded.Version.Tags["kind"], loaded.Version.Tags["model_source"]));
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    private static async Task AttachAsync(UiSession ui, string path)
    {
        var name = await ui.Page.GetByRole(AriaRole.Status, new() { Name = "Attached model file" }).CountAsync() == 0 ? "Attach the XGBoost model" : "Replace the model file";
        var chooser = await ui.Page.RunAndWaitForFileChooserAsync(() => ui.Page.GetByRole(AriaRole.Button, new() { Name = name }).ClickAsync());
        await chooser.SetFilesAsync(path);
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "Attached model file" })).ToContainTextAsync(Path.GetFileName(path));
    }

    [Fact]
    public async Task Scientist_ImportsThroughAConnectorsLlm_SavesItsMapping()
    {
        const string Key = "sk-ui-import-llm-key-000000000Qr7T";
        const string Connector = "import-llm";
        const string Model = "credit-risk-hgb";
        await using var stub = new LlmStubServer(LlmProtocol.OpenAI, Key);
        stub.Enqueue(LlmStubReply.Text(await File.ReadAllTextAsync(Fixture("huggingface_model_card.spec.json"))));
        await using var store = await StoreFactory.OpenAsync(hub.Database);
        await store.Connectors.AddConnectorAsync(new NewConnector(Connector, ConnectorKind.OpenAICompatible, "gpt-4o-mini") { BaseUrl = stub.BaseUrl, ApiKey = Key }, "ui-admin");
        try
        {
            var expected = JsonNode.Parse(await File.ReadAllTextAsync(Fixture("huggingface_model_card.expected.json")))!;
            await using var ui = await UiSession.OpenAsync(hub);
            await ui.SignInAsync("scientist", path: "/import");
            await ui.WaitForCircuitAsync();

            await ChooseAsync(ui, Fixture("huggingface_model_card.json"));
            await ui.Page.GetByLabel("Mapping proposed by").ClickAsync();
            await ui.Page.GetByRole(AriaRole.Option, new() { Name = $"{Connector} (openai-compatible, gpt-4o-mini)" }).ClickAsync();
            await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Propose mapping" }).ClickAsync();

            await Assertions.Expect(ui.Page.GetByText($"proposed by the LLM of {Connector} in 1 attempt", new() { Exact = true })).ToBeVisibleAsync();
            await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "Mapping check" })).ToBeVisibleAsync();
            var mapped = await ui.Page.GetByLabel("Mapped metadata", new() { Exact = true }).InnerTextAsync();
            Assert.Equal(expected.ToJsonString(), JsonNode.Parse(mapped)!.ToJsonString());
            var request = Assert.Single(stub.Requests);
            Assert.Equal("Bearer " + Key, request.Header("Authorization"));
            await Assertions.Expect(ui.Page.GetByLabel("Model name")).ToHaveValueAsync(Model);
            await ui.ScreenshotAsync("import-llm");
            await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Save as model" }).ClickAsync();

            await ui.Page.WaitForURLAsync($"**/models/{Model}?version=1");
            await AssertKeyMetricsAsync(ui, expected["metrics"]!.AsObject());
            var run = await store.GetRunAsync((await store.GetVersionAsync(Model, 1)).RunId!);
            Assert.Equal(("llm", Connector), (run.Tags["mapping"], run.Tags["connector"]));
            Assert.Empty(ui.ConsoleErrors);
            Assert.Empty(ui.OutsideRequests);
        }
        finally
        {
            await store.Connectors.RemoveConnectorAsync(Connector);
        }
    }

    [Fact]
    public async Task Scientist_UploadsAFileThatIsNotJsonOrTooLarge_IsToldWhy()
    {
        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("scientist", path: "/import");
        await ui.WaitForCircuitAsync();

        await ChooseAsync(ui, new FilePayload { Name = "report.txt", MimeType = "text/plain", Buffer = Encoding.UTF8.GetBytes("Accuracy: 91%\n") });
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Propose mapping" }).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("report.txt is not JSON: line 1, byte 1: 'A' is an invalid start of a value");
        await ui.ScreenshotAsync("import-not-json");

        await ChooseAsync(ui, new FilePayload { Name = "model.json", MimeType = "application/json", Buffer = new byte[11 * 1024 * 1024] });
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            "model.json is 11 MiB; the import reads files of up to 10 MiB (model metadata is rarely more than a few hundred KiB): choose the metadata here, and attach the model file when saving");
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Button, new() { Name = "Propose mapping" })).ToBeDisabledAsync();
        Assert.Empty(ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    [Fact]
    public async Task Viewer_SeesNoImportLinkAndIsToldThePageNeedsAdminOrScientist()
    {
        await using var ui = await UiSession.OpenAsync(hub);
        await ui.SignInAsync("viewer", path: "/import");

        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Your token's role may not open this page; it needs role admin or scientist.");
        var menu = ui.Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Assertions.Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Models" })).ToBeVisibleAsync();
        await Assertions.Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Import" })).ToHaveCountAsync(0);
        await ui.ScreenshotAsync("import-viewer");

        // The page answers 403 (with the message as its body), which the browser notes once in its console.
        Assert.Equal([$"{ui.Page.Url}: Failed to load resource: the server responded with a status of 403 (Forbidden)"], ui.ConsoleErrors);
        Assert.Empty(ui.OutsideRequests);
    }

    private static ILocator SourceOf(UiSession ui, int rule) => ui.Page.GetByRole(AriaRole.Textbox, new() { Name = $"Source path of rule {rule}", Exact = true });

    private static ILocator TargetOf(UiSession ui, int rule) => ui.Page.GetByRole(AriaRole.Textbox, new() { Name = $"Target field of rule {rule}", Exact = true });

    // Through the page's button and the browser's file chooser, as a person picks the file.
    private static async Task ChooseAsync(UiSession ui, string path)
    {
        var chooser = await ui.Page.RunAndWaitForFileChooserAsync(() => ui.Page.GetByRole(AriaRole.Button, new() { Name = "Choose a JSON file" }).ClickAsync());
        await chooser.SetFilesAsync(path);
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status, new() { Name = "Chosen file" })).ToContainTextAsync(Path.GetFileName(path));
    }

    private static async Task ChooseAsync(UiSession ui, FilePayload file)
    {
        var chooser = await ui.Page.RunAndWaitForFileChooserAsync(() => ui.Page.GetByRole(AriaRole.Button, new() { Name = "Choose a JSON file" }).ClickAsync());
        await chooser.SetFilesAsync(file);
    }

    // Every metric of the file is a key metric card of the version, with the file's value (4 significant digits).
    private static async Task AssertKeyMetricsAsync(UiSession ui, JsonObject metrics)
    {
        var cards = ui.Page.GetByRole(AriaRole.Group, new() { Name = "Key metrics" });
        await Assertions.Expect(cards.GetByRole(AriaRole.Group)).ToHaveCountAsync(metrics.Count);
        foreach (var (name, value) in metrics)
        {
            var text = (await cards.GetByRole(AriaRole.Group, new() { Name = name, Exact = true }).InnerTextAsync()).Split('\n', 2)[1];
            var shown = double.Parse(Regex.Match(text, @"\d[\d,]*(\.\d+)?").Value.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
            Assert.Equal(value!.GetValue<double>(), shown, tolerance: 5e-5);
        }
    }
}
