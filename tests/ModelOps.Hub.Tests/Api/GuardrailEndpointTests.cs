using System.Text.Json;
using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Jobs.Tests.Services;

namespace ModelOps.Hub.Tests.Api;

/// <summary>
/// A guardrail end to end: rules set through the API (bad ones named), a simulated worse Challenger (its labels say
/// it is 50 off where the Champion is exact) loses its traffic within a few checks, the audit says who and why, the
/// webhook gets the alert, and the next requests all go to the Champion.
/// </summary>
public sealed class GuardrailEndpointTests() : HubTests(new SqliteHub()), IDisposable
{
    private readonly WebhookServer _webhook = new(200);

    protected override HubOptions Options => new() { GuardrailInterval = TimeSpan.FromMilliseconds(200), AlertWebhook = new Uri(_webhook.Url) };

    public void Dispose() => _webhook.Dispose();

    [Fact]
    public async Task Guardrail_WorseChallenger_LosesItsTrafficWithAuditAndAlert()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 50);
        var (badStatus, badDetail) = await Hub.Scientist.PutAsJsonAsync("/api/groups/rides/guardrails", new { guardrails = new object[] { new { kind = "error_rate" } } }).ProblemAsync();
        using var set = await Hub.Scientist.PutAsJsonAsync("/api/groups/rides/guardrails", new { guardrails = new object[] { new { kind = "champion_better", minPairs = 40 } } });
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());
        Assert.Equal((400, "the guardrails of group 'rides' are invalid: guardrails[0].maxErrorRate: an error_rate guardrail needs a rate strictly between 0 and 1, got none"), (badStatus, badDetail));

        var rows = TestModels.BikeRows(200);
        for (var i = 0; i < 200 && await ChallengerWeightAsync() > 0; i++)
        {
            using var response = await Hub.Predictor.PostAsync("/api/groups/rides/predict", HubHost.Json("{\"explain\":false,\"record\":" + TestModels.RecordJson(rows, i) + "}"));
            var answer = await response.JsonAsync();
            var result = answer.GetProperty("results")[0];
            var prediction = result.GetProperty("prediction").GetDouble();
            var actual = result.GetProperty("role").GetString() == "champion" ? prediction : prediction + 50.0;
            using var feedback = await Hub.Predictor.PostAsJsonAsync("/api/groups/rides/feedback", new { requestId = answer.GetProperty("requestId").GetString(), actual });
            Assert.True(feedback.IsSuccessStatusCode);
        }

        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        while (await ChallengerWeightAsync() > 0 && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var group = await Hub.Viewer.GetFromJsonAsync<JsonElement>("/api/groups/rides");
        Assert.Equal(["champion:1:100", "shadow:2:0"], group.GetProperty("members").EnumerateArray().Select(m => $"{m.GetProperty("role").GetString()}:{m.GetProperty("version").GetInt32()}:{m.GetProperty("weight").GetInt32()}"));
        var audit = (await Hub.Viewer.GetFromJsonAsync<JsonElement>("/api/groups/rides/audit")).EnumerateArray().Last();
        Assert.Equal(("guardrail", "guardrail"), (audit.GetProperty("action").GetString(), audit.GetProperty("actor").GetString()));
        var reason = audit.GetProperty("detail").GetProperty("reason").GetString()!;
        Assert.StartsWith("the champion is better on squared_error: the challenger's mean loss is higher by 2500, anytime-valid 95 % interval [2500, 2500] over ", reason);
        Assert.Equal("champion_better", audit.GetProperty("detail").GetProperty("comparison").GetProperty("verdict").GetString());

        // The alert follows the committed change and the rebuilt routing table: wait for it; then no request reaches v2.
        while (_webhook.Requests.Count == 0 && DateTimeOffset.UtcNow < deadline.AddSeconds(10))
        {
            await Task.Delay(50);
        }

        var alert = Assert.Single(_webhook.Requests);
        using var body = JsonDocument.Parse(alert.Body);
        Assert.Equal("Guardrail champion_better tripped", body.RootElement.GetProperty("title").GetString());
        Assert.Equal($"group 'rides': bike version 2 lost its traffic to the champion bike version 1 and is now a shadow: {reason}", body.RootElement.GetProperty("message").GetString());

        for (var i = 0; i < 20; i++)
        {
            using var response = await Hub.Predictor.PostAsync("/api/groups/rides/predict", HubHost.Json("{\"explain\":false,\"record\":" + TestModels.RecordJson(rows, i) + "}"));
            Assert.Equal(1, (await response.JsonAsync()).GetProperty("results")[0].GetProperty("version").GetInt32());
        }
    }

    private async Task<int> ChallengerWeightAsync() =>
        (await Hub.Viewer.GetFromJsonAsync<JsonElement>("/api/groups/rides")).GetProperty("members").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() == "challenger").Select(m => m.GetProperty("weight").GetInt32()).FirstOrDefault();
}
