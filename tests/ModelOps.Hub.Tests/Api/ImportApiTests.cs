using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Jobs.Import.Metadata;
using ModelOps.Store.Registry;

namespace ModelOps.Hub.Tests.Api;

/// <summary>The metadata import through the API: propose (deterministic or through a connector's LLM on the stub), apply an edit, save, and every failure's answer.</summary>
public sealed class ImportApiTests() : HubTests(new SqliteHub())
{
    private const string Key = "sk-import-api-test-0000000000Ab9Z";

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(TestModels.Root, "tests", "fixtures", "metadata", name));

    private static object Model(string file) =>
        new { fileName = file, content = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(TestModels.Root, "tests", "fixtures", "xgboost", file))) };

    // Other requests may carry 64 KiB, an import 1 MiB: the bike model (230 KiB as base64) fits the import's limit only.
    protected override HubOptions? Options => new() { MaxRequestBodyBytes = 64 * 1024, MaxImportBodyBytes = 1024 * 1024 };

    [Fact]
    public async Task Save_WithTheXGBoostModel_RegistersAnExternalVersionThatServes()
    {
        var source = Fixture("mlflow_run.json");
        var proposal = await JsonAsync(Hub.Scientist.PostAsJsonAsync("/api/import/proposals", new { fileName = "run.json", source }), HttpStatusCode.OK);

        var saved = await JsonAsync(Hub.Scientist.PostAsJsonAsync("/api/import/models", new { fileName = "run.json", source, spec = proposal.GetProperty("spec"), name = "bike-mlflow", model = Model("bike_reg.ubj") }), HttpStatusCode.Created);

        Assert.Equal(("bike-mlflow", 1, 12, "xgboost"), (saved.GetProperty("model").GetString(), saved.GetProperty("version").GetInt32(), saved.GetProperty("features").GetInt32(), saved.GetProperty("modelFile").GetString()));
        var version = await Hub.Store.GetVersionAsync("bike-mlflow", 1);
        Assert.Equal(("external", "xgboost", "bike_reg.ubj"), (version.Tags["kind"], version.Tags["model_file"], version.Tags["model_source"]));
        var loaded = await Hub.Store.LoadAsync("bike-mlflow/1");
        Assert.Equal("XGBoostImported", loaded.Model.Kind);
        var analytics = await JsonAsync(Hub.Viewer.GetAsync("/api/models/bike-mlflow/analytics"), HttpStatusCode.OK);
        Assert.Equal((true, "xgboost"), (analytics.GetProperty("external").GetBoolean(), analytics.GetProperty("externalModelFile").GetString()));
    }

    [Fact]
    public async Task Save_WithAModelThatDoesNotMatch_Is400AndSavesNothing_AndBodiesHaveTheImportLimit()
    {
        var source = Fixture("seed_model_performance.json");
        var proposal = await JsonAsync(Hub.Scientist.PostAsJsonAsync("/api/import/proposals", new { fileName = "model.json", source }), HttpStatusCode.OK);
        var spec = proposal.GetProperty("spec");
        var models = await Hub.Store.ListModelsAsync();

        var mismatch = await Hub.Scientist.PostAsJsonAsync("/api/import/models", new { fileName = "model.json", source, spec, model = Model("credit_logistic.json") }).ProblemAsync();
        var notBase64 = await Hub.Scientist.PostAsJsonAsync("/api/import/models", new { fileName = "model.json", source, spec, model = new { fileName = "m.json", content = "{not base64}" } }).ProblemAsync();
        var noName = await Hub.Scientist.PostAsJsonAsync("/api/import/models", new { fileName = "model.json", source, spec, model = new { content = "e30=" } }).ProblemAsync();
        var tooLarge = await Hub.Scientist.PostAsJsonAsync("/api/import/models", new { fileName = "model.json", source, spec, model = new { fileName = "m.json", content = new string('A', 1100 * 1024) } }).ProblemAsync();
        var otherTooLarge = await Hub.Admin.PostAsJsonAsync("/api/connectors", new { name = new string('a', 70 * 1024) }).ProblemAsync();

        Assert.Equal((400, "credit_logistic.json has 7 features without names but the metadata lists 8 (checking_status, duration, credit_history, purpose, credit_amount, savings_status, age, housing); list one feature per model input, in the model's order; nothing was saved"), mismatch);
        Assert.Equal((400, "request body is invalid: $.model.content: not base64: send the model file's bytes base64-encoded"), notBase64);
        Assert.Equal(400, noName.Status);
        Assert.StartsWith("request body is invalid: $.model.fileName: ", noName.Detail, StringComparison.Ordinal);
        Assert.Equal((413, "request body is larger than the limit of 1048576 bytes"), tooLarge);
        Assert.Equal((413, "request body is larger than the limit of 65536 bytes"), otherTooLarge);
        Assert.Equal(models.Select(m => (m.Name, m.LatestVersion)), (await Hub.Store.ListModelsAsync()).Select(m => (m.Name, m.LatestVersion)));
    }

    [Fact]
    public async Task Schema_IsJsonSchema2020WithItsId()
    {
        using var response = await Hub.Viewer.GetAsync("/api/import/schema");

        var schema = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("application/schema+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(("https://json-schema.org/draft/2020-12/schema", "urn:modelops:schema:model-metadata:v1"), (schema.GetProperty("$schema").GetString(), schema.GetProperty("$id").GetString()));
    }

    [Fact]
    public async Task ProposeThenSave_Deterministic_RegistersAnExternalVersionWithItsMetricsAndRecord()
    {
        var source = Fixture("seed_model_performance.json");

        var proposal = await JsonAsync(Hub.Scientist.PostAsJsonAsync("/api/import/proposals", new { fileName = "model.json", source }), HttpStatusCode.OK);
        var saved = await JsonAsync(Hub.Scientist.PostAsJsonAsync("/api/import/models", new { fileName = "model.json", source, spec = proposal.GetProperty("spec"), name = "credit-risk-rf" }), HttpStatusCode.Created);

        Assert.Equal(("deterministic", true), (proposal.GetProperty("origin").GetString(), proposal.GetProperty("valid").GetBoolean()));
        Assert.Contains(proposal.GetProperty("rules").EnumerateArray(), r => r.GetProperty("source").GetString() == "$.model_performance.accuracy" && r.GetProperty("target").GetString() == "metrics.accuracy" && r.GetProperty("sample").GetString() == "0.91");
        Assert.Equal(("credit-risk-rf", 1, 8), (saved.GetProperty("model").GetString(), saved.GetProperty("version").GetInt32(), saved.GetProperty("features").GetInt32()));
        var version = await Hub.Store.GetVersionAsync("credit-risk-rf", 1);
        Assert.True(RegisteredModels.IsExternal(version));
        Assert.Equal(("0.91", "credit-risk", "model.json"), (version.Tags["accuracy"], version.Tags["team"], version.Tags["source"]));
        var run = await Hub.Store.GetRunAsync(version.RunId!);
        Assert.Equal(("deterministic", "scientist-token", "import", "metadata"), (run.Tags["mapping"], run.Tags["imported_by"], run.Tags["job"], run.Tags["format"]));
        Assert.Equal(proposal.GetProperty("sourceDigest").GetString(), run.Tags["source_digest"]);
        Assert.Equal(["import/spec.json", "importances.json", "metadata.json", "source/model.json"], run.Artifacts.Select(a => a.Path).Order(StringComparer.Ordinal));

        var analytics = await JsonAsync(Hub.Viewer.GetAsync("/api/models/credit-risk-rf/analytics"), HttpStatusCode.OK);
        Assert.Contains(analytics.GetProperty("keyMetrics").EnumerateArray(), m => m.GetProperty("name").GetString() == "roc_auc" && m.GetProperty("value").GetDouble() == 0.95);
        Assert.True(analytics.GetProperty("external").GetBoolean());
        Assert.Equal("Imported metadata (import-credit-risk-rf)", analytics.GetProperty("details")[0].GetProperty("title").GetString());
        Assert.Equal([MetadataRegistration.ImportedImportanceKind], analytics.GetProperty("importances").GetProperty("importances").EnumerateArray().Select(i => i.GetProperty("kind").GetString()).Distinct());
    }

    [Fact]
    public async Task Propose_ThroughAConnector_IsTheLlmsMappingAndSaveRecordsTheConnector()
    {
        await using var stub = new LlmStubServer(LlmProtocol.OpenAI, Key);
        await AddConnectorAsync("llm", stub);
        var source = Fixture("huggingface_model_card.json");
        stub.Enqueue(LlmStubReply.Text(Fixture("huggingface_model_card.spec.json")));

        var proposal = await JsonAsync(Hub.Scientist.PostAsJsonAsync("/api/import/proposals", new { fileName = "README.json", source, connector = "llm" }), HttpStatusCode.OK);
        var saved = await JsonAsync(Hub.Scientist.PostAsJsonAsync("/api/import/models", new { fileName = "README.json", source, spec = proposal.GetProperty("spec"), connector = "llm" }), HttpStatusCode.Created);

        Assert.Equal(("llm", true, 1), (proposal.GetProperty("origin").GetString(), proposal.GetProperty("valid").GetBoolean(), proposal.GetProperty("attempts").GetArrayLength()));
        Assert.Equal(JsonNode.Parse(Fixture("huggingface_model_card.expected.json"))!.ToJsonString(), JsonNode.Parse(proposal.GetProperty("mapped").GetRawText())!.ToJsonString());
        var request = Assert.Single(stub.Requests);
        Assert.Equal("Bearer " + Key, request.Header("Authorization"));
        var run = await Hub.Store.GetRunAsync((await Hub.Store.GetVersionAsync(saved.GetProperty("model").GetString()!, 1)).RunId!);
        Assert.Equal(("llm", "llm"), (run.Tags["mapping"], run.Tags["connector"]));
    }

    [Fact]
    public async Task Save_EditedMappingThatBreaksTheSchema_Is400ListingEveryProblemAndSavesNothing()
    {
        var source = Fixture("seed_model_performance.json");
        var proposal = await JsonAsync(Hub.Scientist.PostAsJsonAsync("/api/import/proposals", new { fileName = "model.json", source }), HttpStatusCode.OK);
        var spec = JsonNode.Parse(proposal.GetProperty("spec").GetRawText())!;
        var rule = spec["rules"]!.AsArray().First(r => (string?)r!["target"] == "metrics.accuracy")!;
        rule["source"] = "$.model_performance.acc";

        var applied = await JsonAsync(Hub.Scientist.PostAsJsonAsync("/api/import/apply", new { fileName = "model.json", source, spec }), HttpStatusCode.OK);
        var (status, detail) = await Hub.Scientist.PostAsJsonAsync("/api/import/models", new { fileName = "model.json", source, spec, edited = true }).ProblemAsync();

        const string Problem = "$.model_performance.acc does not exist ($.model_performance has accuracy, precision, recall, f1_score, auc, logloss)";
        Assert.False(applied.GetProperty("valid").GetBoolean());
        Assert.Contains(applied.GetProperty("problems").EnumerateArray(), p => p.GetString()!.EndsWith(Problem, StringComparison.Ordinal));
        Assert.Equal(400, status);
        Assert.StartsWith("the mapping of model.json does not give valid metadata, so nothing was saved: rules[", detail, StringComparison.Ordinal);
        Assert.Contains(Problem, detail, StringComparison.Ordinal);
        Assert.DoesNotContain(await Hub.Store.ListModelsAsync(), m => m.Name == "credit-risk-rf");
    }

    [Fact]
    public async Task Failures_AreClearAnswers_AndNeverShowTheKey()
    {
        await using var stub = new LlmStubServer(LlmProtocol.OpenAI, Key);
        await AddConnectorAsync("llm", stub);
        var source = Fixture("seed_model_performance.json");
        stub.Enqueue(
            LlmStubReply.Error(429, "Rate limit reached for requests", TimeSpan.FromSeconds(20)),
            LlmStubReply.Text("I cannot help with that."), LlmStubReply.Text("No."), LlmStubReply.Text("Still no."), LlmStubReply.Text("Sorry."));

        var notJson = await Hub.Scientist.PostAsJsonAsync("/api/import/proposals", new { fileName = "report.txt", source = "Accuracy: 91%" }).ProblemAsync();
        using var limited = await Hub.Scientist.PostAsJsonAsync("/api/import/proposals", new { fileName = "model.json", source, connector = "llm" });
        var limitedText = await limited.Content.ReadAsStringAsync();
        var garbage = await Hub.Scientist.PostAsJsonAsync("/api/import/proposals", new { fileName = "model.json", source, connector = "llm" }).ProblemAsync();
        var unknown = await Hub.Scientist.PostAsJsonAsync("/api/import/proposals", new { fileName = "model.json", source, connector = "nope" }).ProblemAsync();
        var badSpec = await Hub.Scientist.PostAsJsonAsync("/api/import/models", new { fileName = "model.json", source, spec = new { rules = new[] { new { source = "$.a", target = "metrics.x", transform = "percent" } } } }).ProblemAsync();
        var viewer = await Hub.Viewer.PostAsJsonAsync("/api/import/proposals", new { fileName = "model.json", source }).ProblemAsync();

        Assert.Equal((400, "report.txt is not JSON: line 1, byte 1: 'A' is an invalid start of a value"), notJson);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, limited.StatusCode);
        Assert.Equal("20", limited.Headers.RetryAfter!.ToString());
        Assert.StartsWith("Connector 'llm': rate limited (429); retry after 20 s: Rate limit reached for requests (request ", JsonDocument.Parse(limitedText).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(502, garbage.Status);
        Assert.StartsWith("The LLM did not answer with a mapping spec in 4 attempts; the last answer: ", garbage.Detail, StringComparison.Ordinal);
        Assert.Equal((404, "connector 'nope' not found; connectors are: llm"), unknown);
        Assert.Equal(400, badSpec.Status);
        Assert.StartsWith("request body is invalid: $.spec: The mapping spec is invalid: rules[0].transform: unknown transform 'percent'", badSpec.Detail, StringComparison.Ordinal);
        Assert.Equal(403, viewer.Status);
        Assert.DoesNotContain(Key[..^4], limitedText + garbage.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnector_AnswersWhatTheProviderSaid()
    {
        await using var stub = new LlmStubServer(LlmProtocol.OpenAI, Key);
        await AddConnectorAsync("llm", stub);
        await AddConnectorAsync("wrong-key", stub, "sk-wrong-key-000000000000");
        stub.Enqueue(LlmStubReply.Text("OK", model: "gpt-4o-mini-2024-07-18"));

        var ok = await JsonAsync(Hub.Admin.PostAsync("/api/connectors/llm/test", null), HttpStatusCode.OK);
        var refused = await JsonAsync(Hub.Admin.PostAsync("/api/connectors/wrong-key/test", null), HttpStatusCode.OK);
        var scientist = await Hub.Scientist.PostAsync("/api/connectors/llm/test", null).ProblemAsync();

        Assert.True(ok.GetProperty("succeeded").GetBoolean());
        Assert.Equal("gpt-4o-mini-2024-07-18", ok.GetProperty("model").GetString());
        Assert.Matches(@"^gpt-4o-mini-2024-07-18 answered in \d+ ms$", ok.GetProperty("message").GetString());
        Assert.False(refused.GetProperty("succeeded").GetBoolean());
        Assert.Equal(("keyRefused", 401), (refused.GetProperty("error").GetProperty("kind").GetString(), refused.GetProperty("error").GetProperty("statusCode").GetInt32()));
        Assert.StartsWith("the provider refused the API key (401): ", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(403, scientist.Status);
    }

    private async Task AddConnectorAsync(string name, LlmStubServer stub, string key = Key)
    {
        using var response = await Hub.Admin.PostAsJsonAsync("/api/connectors", new { name, kind = "openai-compatible", model = "gpt-4o-mini", baseUrl = stub.BaseUrl, apiKey = key, timeoutSeconds = 10 });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> JsonAsync(Task<HttpResponseMessage> request, HttpStatusCode expected)
    {
        using var response = await request;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
