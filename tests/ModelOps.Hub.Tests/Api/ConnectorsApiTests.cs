using System.Net;
using System.Text.Json;
using ModelOps.Hub.Tests.Infrastructure;

namespace ModelOps.Hub.Tests.Api;

public sealed class ConnectorsApiTests() : HubTests(new SqliteHub())
{
    private const string Key = "sk-proj-api-test-7a6b5c4d3e2f1g0hXy12";
    private const string NewKey = "sk-proj-api-test-replacement-key-Zz34";

    [Fact]
    public async Task AddListChangeRemove_NeverAnswerTheKey()
    {
        var bodies = new List<string>();
        async Task<JsonElement> Send(Task<HttpResponseMessage> request, HttpStatusCode expected)
        {
            using var response = await request;
            var text = await response.Content.ReadAsStringAsync();
            bodies.Add(text);
            Assert.True(response.StatusCode == expected, text);
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }

        var added = await Send(Hub.Admin.PostAsJsonAsync("/api/connectors", new { name = "openai", kind = "openai", model = "gpt-4o-mini", apiKey = Key, timeoutSeconds = 20 }), HttpStatusCode.Created);
        var listed = await Send(Hub.Admin.GetAsync("/api/connectors"), HttpStatusCode.OK);
        var changed = await Send(Hub.Admin.PatchAsJsonAsync("/api/connectors/openai", new { apiKey = NewKey, model = "gpt-4o" }), HttpStatusCode.OK);
        var one = await Send(Hub.Admin.GetAsync("/api/connectors/openai"), HttpStatusCode.OK);
        await Send(Hub.Admin.DeleteAsync("/api/connectors/openai"), HttpStatusCode.NoContent);
        var after = await Send(Hub.Admin.GetAsync("/api/connectors"), HttpStatusCode.OK);

        Assert.Equal(("openai", "openai", "gpt-4o-mini", 20.0, "...Xy12", "admin-token"), (S(added, "name"), S(added, "kind"), S(added, "model"), added.GetProperty("timeoutSeconds").GetDouble(), S(added.GetProperty("key"), "hint"), S(added, "createdBy")));
        Assert.Equal("openai", S(Assert.Single(listed.EnumerateArray()), "name"));
        Assert.Equal(("gpt-4o", "...Zz34"), (S(changed, "model"), S(changed.GetProperty("key"), "hint")));
        Assert.Equal(changed.GetRawText(), one.GetRawText());
        Assert.Empty(after.EnumerateArray());
        Assert.DoesNotContain(bodies, b => b.Contains(Key[..^4], StringComparison.Ordinal) || b.Contains(NewKey[..^4], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Add_WithoutAKey_AnswersTheCreatedLocationAndNoKey()
    {
        using var response = await Hub.Admin.PostAsJsonAsync("/api/connectors", new { name = "local.llama", kind = "openai-compatible", model = "llama3.1", baseUrl = "http://127.0.0.1:11434/v1" });

        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/connectors/local.llama", response.Headers.Location!.OriginalString);
        Assert.Equal(("http://127.0.0.1:11434/v1", 60.0), (S(json, "baseUrl"), json.GetProperty("timeoutSeconds").GetDouble()));
        Assert.False(json.TryGetProperty("key", out _));
    }

    [Fact]
    public async Task Add_Invalid_Is400ListingEveryProblem_WithoutEchoingTheKey()
    {
        var fields = await Hub.Admin.PostAsJsonAsync("/api/connectors", new { name = "x", kind = "mistral", apiKey = 12345678901234 }).ProblemAsync();
        var store = await Hub.Admin.PostAsJsonAsync("/api/connectors", new { name = "x", kind = "gemini", model = "gemini-2.5-flash", baseUrl = "ftp://example.com", apiKey = "AIza key with spaces" }).ProblemAsync();
        var unknown = await Hub.Admin.PatchAsJsonAsync("/api/connectors/none", new { kind = "openai" }).ProblemAsync();
        var missing = await Hub.Admin.PatchAsJsonAsync("/api/connectors/none", new { model = "m" }).ProblemAsync();

        Assert.Equal((400, "request body is invalid: $.model: missing; $.apiKey: expected a string; $.kind: 'mistral' is not a connector kind (openai, anthropic, gemini, openai-compatible)"), fields);
        Assert.Equal((400, "connector 'x' is invalid: base_url: 'ftp://example.com' is not an http or https URL; api_key: must be 1 to 4096 characters without spaces or control characters"), store);
        Assert.Equal((400, "request body is invalid: $.kind: unknown field (a connector's model, baseUrl, apiKey and timeoutSeconds can be changed)"), unknown);
        Assert.Equal((404, "connector 'none' not found; there are no connectors; an admin adds one with 'modelops connectors add'"), missing);
    }

    [Fact]
    public async Task Add_TakenName_Is409()
    {
        await Hub.Admin.PostAsJsonAsync("/api/connectors", new { name = "claude", kind = "anthropic", model = "claude-sonnet-4-5", apiKey = Key });

        var again = await Hub.Admin.PostAsJsonAsync("/api/connectors", new { name = "claude", kind = "anthropic", model = "claude-opus-4", apiKey = Key }).ProblemAsync();

        Assert.Equal((409, "connector 'claude' already exists; change it with 'modelops connectors update' or remove it first"), again);
    }

    [Fact]
    public async Task Connectors_NotAdmin_Is403()
    {
        var list = await Hub.Scientist.GetAsync("/api/connectors").ProblemAsync();
        var add = await Hub.Viewer.PostAsJsonAsync("/api/connectors", new { name = "x", kind = "openai", model = "m", apiKey = Key }).ProblemAsync();

        Assert.Equal((403, "token 'scientist-token' has role scientist, which may not manage API tokens and connectors; that needs role admin"), list);
        Assert.Equal(403, add.Status);
        Assert.Empty(await Hub.Store.Connectors.ListConnectorsAsync());
    }

    private static string? S(JsonElement element, string name) => element.GetProperty(name).GetString();
}
