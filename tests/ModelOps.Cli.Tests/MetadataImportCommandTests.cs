using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Store;
using ModelOps.Store.Registry;

namespace ModelOps.Cli.Tests;

/// <summary><c>modelops connectors test</c>, <c>modelops models import metadata</c>, and an API key searched for everywhere it could leak.</summary>
public sealed class MetadataImportCommandTests : IDisposable
{
    private const string Key = "sk-cli-import-test-5555555555Lm3N";
    private readonly string _folder = Directory.CreateTempSubdirectory("modelops-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Database => Path.Combine(_folder, "modelops.db");

    private static string Fixture(string name) => Path.Combine(CliProcess.RepoRoot, "tests", "fixtures", "metadata", name);

    [Fact]
    public async Task ConnectorsTest_SaysWhichModelAnsweredOrWhatTheProviderRefused()
    {
        await using var stub = new LlmStubServer(LlmProtocol.OpenAI, Key);
        Run(["connectors", "add", "llm", "--kind", "openai", "--model", "gpt-4o-mini", "--base-url", stub.BaseUrl, "--api-key-env", "K"], ("K", Key));
        Run(["connectors", "add", "bad", "--kind", "openai", "--model", "gpt-4o-mini", "--base-url", stub.BaseUrl, "--api-key-env", "K"], ("K", "sk-not-the-right-key-0000"));
        stub.Enqueue(LlmStubReply.Text("OK", model: "gpt-4o-mini-2024-07-18"));

        var ok = Run(["connectors", "test", "llm"]);
        var refused = Run(["connectors", "test", "bad"]);

        Assert.Equal(0, ok.ExitCode);
        Assert.Matches(@"^Connector 'llm': gpt-4o-mini-2024-07-18 answered in \d+ ms\n$", ok.Stdout);
        Assert.Equal(8, refused.ExitCode);
        Assert.StartsWith("error: connector 'bad': the provider refused the API key (401): ", refused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportMetadata_Deterministic_RegistersAnExternalVersion()
    {
        var result = Run(["models", "import", "metadata", Fixture("seed_model_performance.json"), "--name", "credit-risk-rf"]);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.StartsWith("Mapping of seed_model_performance.json (sha256:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("proposed by the deterministic mapper", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Registered credit-risk-rf version 1 \(external: 6 metrics, 8 features\); run [0-9a-f]+\n$", result.Stdout);
        await using var store = await StoreFactory.OpenAsync(Database);
        Assert.True(RegisteredModels.IsExternal(await store.GetVersionAsync("credit-risk-rf", 1)));
    }

    [Fact]
    public async Task ImportMetadata_WithItsXGBoostModel_RegistersAVersionThatLoads_AndAMismatchSavesNothing()
    {
        var model = Path.Combine(CliProcess.RepoRoot, "tests", "fixtures", "xgboost", "bike_reg.json");
        var credit = Path.Combine(CliProcess.RepoRoot, "tests", "fixtures", "xgboost", "credit_logistic.json");

        var dryMismatch = Run(["models", "import", "metadata", Fixture("mlflow_run.json"), "--xgboost", credit, "--dry-run"]);
        var allTreesAlone = Run(["models", "import", "metadata", Fixture("mlflow_run.json"), "--all-trees"]);
        var imported = Run(["models", "import", "metadata", Fixture("mlflow_run.json"), "--xgboost", model, "--name", "bike-mlflow"]);
        var json = Run(["models", "import", "metadata", Fixture("mlflow_run.json"), "--xgboost", model, "--name", "bike-mlflow", "--json"]);

        Assert.Equal(3, dryMismatch.ExitCode);
        Assert.Equal("error: credit_logistic.json has 7 features without names but the metadata lists 12 (season, yr, mnth, hr, holiday, weekday, workingday, weathersit and 4 more); list one feature per model input, in the model's order; nothing was saved\n", dryMismatch.Stderr);
        Assert.Equal((2, "error: --all-trees applies to the model file: give it with --xgboost FILE\n"), (allTreesAlone.ExitCode, allTreesAlone.Stderr));
        Assert.True(imported.ExitCode == 0, imported.Stderr);
        Assert.Matches(@"Registered bike-mlflow version 1 \(external with its XGBoost model: 14 metrics, 12 features; it can serve\); run [0-9a-f]+\n$", imported.Stdout);
        Assert.True(json.ExitCode == 0, json.Stderr);
        using var answer = JsonDocument.Parse(json.Stdout);
        Assert.Equal((2, "xgboost", 12), (answer.RootElement.GetProperty("version").GetInt32(), answer.RootElement.GetProperty("modelFile").GetString(), answer.RootElement.GetProperty("features").GetArrayLength()));
        await using var store = await StoreFactory.OpenAsync(Database);
        var loaded = await store.LoadAsync("bike-mlflow/1");
        Assert.Equal(("XGBoostImported", "season"), (loaded.Model.Kind, loaded.Model.FeatureNames[0]));
        Assert.False(RegisteredModels.IsMetadataOnly(loaded.Version));
    }

    [Fact]
    public async Task ImportMetadata_WriteSpecEditAndImportAgain_AndABrokenSpecSavesNothing()
    {
        var spec = Path.Combine(_folder, "spec.json");

        var dry = Run(["models", "import", "metadata", Fixture("seed_model_performance.json"), "--dry-run", "--write-spec", spec]);
        var edited = JsonNode.Parse(File.ReadAllText(spec))!;
        edited["rules"]!.AsArray().First(r => (string?)r!["target"] == "metrics.accuracy")!["source"] = "$.model_performance.acc";
        File.WriteAllText(spec, edited.ToJsonString());
        var broken = Run(["models", "import", "metadata", Fixture("seed_model_performance.json"), "--spec", spec]);
        var notJson = Run(["models", "import", "metadata", Fixture("README.md")]);

        Assert.Equal(0, dry.ExitCode);
        Assert.DoesNotContain("Registered", dry.Stdout, StringComparison.Ordinal);
        Assert.Equal(3, broken.ExitCode);
        Assert.Contains("your spec", broken.Stdout, StringComparison.Ordinal);
        Assert.Contains("problem: rules[", broken.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("error: the mapping of seed_model_performance.json does not give valid metadata, so nothing was saved: rules[", broken.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("; write the spec with --write-spec FILE, fix it and import again with --spec FILE\n", broken.Stderr, StringComparison.Ordinal);
        Assert.Equal(3, notJson.ExitCode);
        Assert.StartsWith("error: README.md is not JSON: line 1, byte 1: ", notJson.Stderr, StringComparison.Ordinal);
        await using var store = await StoreFactory.OpenAsync(Database);
        Assert.Empty(await store.ListModelsAsync());
    }

    [Fact]
    public async Task ImportMetadata_ThroughAConnector_TheLlmsSpecIsAppliedAndRecorded()
    {
        await using var stub = new LlmStubServer(LlmProtocol.OpenAI, Key);
        Run(["connectors", "add", "llm", "--kind", "openai", "--model", "gpt-4o-mini", "--base-url", stub.BaseUrl, "--api-key-env", "K"], ("K", Key));
        stub.Enqueue(LlmStubReply.Text(File.ReadAllText(Fixture("huggingface_model_card.spec.json"))));

        var result = Run(["models", "import", "metadata", Fixture("huggingface_model_card.json"), "--connector", "llm", "--json"]);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal(("llm", 1, true), (json.GetProperty("origin").GetString(), json.GetProperty("attempts").GetInt32(), json.GetProperty("valid").GetBoolean()));
        Assert.Equal(JsonNode.Parse(File.ReadAllText(Fixture("huggingface_model_card.expected.json")))!.ToJsonString(), JsonNode.Parse(json.GetProperty("mapped").GetRawText())!.ToJsonString());
        await using var store = await StoreFactory.OpenAsync(Database);
        var run = await store.GetRunAsync(json.GetProperty("runId").GetString()!);
        Assert.Equal(("llm", "llm"), (run.Tags["mapping"], run.Tags["connector"]));
    }

    [Fact]
    public async Task ApiKey_IsNowhereInClearText_NotInApiAnswersCliOutputTheHubsLogOrTheDatabase()
    {
        // The provider echoes the key it refused (as OpenAI does, partly masked): the hub must not pass it on.
        await using var stub = new LlmStubServer(LlmProtocol.OpenAI, apiKey: null);
        var admin = Run(["tokens", "create", "--role", "admin", "--name", "root", "--json"]);
        var secret = JsonDocument.Parse(admin.Stdout).RootElement.GetProperty("secret").GetString()!;
        using var hub = await ServeProcess.StartAsync(Database, _folder);
        using var client = new HttpClient { BaseAddress = hub.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var refusal = LlmStubReply.Error(401, $"Incorrect API key provided: {Key}. You can find your API key at https://platform.openai.com/account/api-keys.");
        stub.Enqueue(refusal, refusal, refusal);

        var answers = new StringBuilder();
        async Task Send(Func<Task<HttpResponseMessage>> request)
        {
            using var response = await request();
            answers.AppendLine(await response.Content.ReadAsStringAsync());
        }

        await Send(() => client.PostAsJsonAsync("/api/connectors", new { name = "llm", kind = "openai", model = "gpt-4o-mini", baseUrl = stub.BaseUrl, apiKey = Key }));
        await Send(() => client.GetAsync("/api/connectors"));
        await Send(() => client.GetAsync("/api/connectors/llm"));
        await Send(() => client.PostAsync("/api/connectors/llm/test", null));
        await Send(() => client.PostAsJsonAsync("/api/import/proposals", new { fileName = "model.json", source = File.ReadAllText(Fixture("seed_model_performance.json")), connector = "llm" }));
        var list = Run(["connectors", "list"]);
        var listJson = Run(["connectors", "list", "--json"]);
        var test = Run(["connectors", "test", "llm", "--verbose"]);
        await Send(() => client.PatchAsJsonAsync("/api/connectors/llm", new { apiKey = Key + "x" }));
        var stopped = await hub.TerminateWithOutputAsync();
        var hubLog = stopped.Stdout + stopped.Stderr;

        Assert.Contains("the provider refused the API key (401): Incorrect API key provided: (hidden)", answers.ToString(), StringComparison.Ordinal);
        string[] places = [answers.ToString(), list.Stdout + list.Stderr, listJson.Stdout, test.Stdout + test.Stderr, hubLog];
        Assert.All(places, text => Assert.DoesNotContain(Key[..^4], text, StringComparison.Ordinal));
        var stored = Directory.GetFiles(_folder, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "secret.key").Select(f => File.ReadAllText(f, Encoding.Latin1));
        Assert.All(stored, text => Assert.DoesNotContain(Key[..^4], text, StringComparison.Ordinal));
    }

    private CliResult Run(string[] args, params (string Name, string Value)[] environment)
    {
        var variables = environment.ToDictionary(e => e.Name, e => (string?)e.Value);
        variables["MODELOPS_SECRET_KEY"] = null;
        variables["MODELOPS_SECRET_KEY_FILE"] = null;
        return CliProcess.RunIn(_folder, [.. args, "--database", Database], variables);
    }
}
