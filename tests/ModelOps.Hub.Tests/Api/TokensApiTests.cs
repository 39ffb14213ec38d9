using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ModelOps.Hub.Tests.Infrastructure;

namespace ModelOps.Hub.Tests.Api;

public sealed class TokensApiTests() : HubTests(new SqliteHub())
{
    [Fact]
    public async Task Revoke_TokenInUseByAnotherHub_IsRefusedThereWithinTwoSeconds()
    {
        var other = await StartAsync();
        var made = await CreateAsync(new { name = "ci", role = "viewer" });
        var secret = made.GetProperty("secret").GetString()!;
        var id = made.GetProperty("token").GetProperty("id").GetInt64();
        using var client = other.Client(secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/models")).StatusCode);

        using var revoked = await Hub.Admin.DeleteAsync($"/api/tokens/{id}");
        var clock = Stopwatch.StartNew();
        (int Status, string? Detail) answer;
        do
        {
            answer = await client.GetAsync("/api/models").ProblemAsyncOrOk();
        }
        while (answer.Status == 200 && clock.Elapsed < TimeSpan.FromSeconds(5));

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"refused after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(401, answer.Status);
        Assert.StartsWith("token 'ci' was revoked at ", answer.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithExpiry_AcceptedUntilThenRefusedAfter()
    {
        // 8 s ahead: far more than a loaded CI machine needs to create the token and make one request.
        var expires = DateTimeOffset.UtcNow.AddSeconds(8);
        var made = await CreateAsync(new { name = "short", role = "viewer", expiresAt = expires.ToString("O") });
        using var client = Hub.Client(made.GetProperty("secret").GetString());

        var before = await client.GetAsync("/api/models").ProblemAsyncOrOk();
        await Task.Delay(expires - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(300));
        var after = await client.GetAsync("/api/models").ProblemAsyncOrOk();

        Assert.Equal(200, before.Status);
        Assert.Equal(401, after.Status);
        Assert.StartsWith("token 'short' expired at ", after.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ShowsRolesExpiryRevocationAndLastUse()
    {
        await Hub.Viewer.GetAsync("/api/models");

        var tokens = (await (await Hub.Admin.GetAsync("/api/tokens")).JsonAsync()).EnumerateArray().ToArray();

        var viewer = tokens.Single(t => t.GetProperty("name").GetString() == "viewer-token");
        Assert.Equal("viewer", viewer.GetProperty("role").GetString());
        Assert.True(viewer.TryGetProperty("lastUsedAt", out var used) && used.GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.False(viewer.TryGetProperty("revokedAt", out _));
        Assert.False(viewer.TryGetProperty("secret", out _));
    }

    [Fact]
    public async Task Tokens_NotAdmin_Is403NamingThePermission()
    {
        var (status, detail) = await Hub.Scientist.GetAsync("/api/tokens").ProblemAsync();

        Assert.Equal((403, "token 'scientist-token' has role scientist, which may not manage API tokens and connectors; that needs role admin"), (status, detail));
    }

    [Fact]
    public async Task Create_BadRoleAndPastExpiry_AreRefusedWithWhatIsWrong()
    {
        var role = await Hub.Admin.PostAsJsonAsync("/api/tokens", new { name = "x", role = "root" }).ProblemAsync();
        var past = await Hub.Admin.PostAsJsonAsync("/api/tokens", new { name = "x", role = "viewer", expiresAt = "2020-01-01T00:00:00Z" }).ProblemAsync();
        var unknown = await Hub.Admin.DeleteAsync("/api/tokens/999").ProblemAsync();

        Assert.Equal(400, role.Status);
        Assert.Contains("$.role: 'root' is not a role (admin, scientist, predictor, viewer)", role.Detail, StringComparison.Ordinal);
        Assert.Equal((400, "token expiry 2020-01-01 00:00:00 UTC is not in the future"), past);
        Assert.Equal((404, "token 999 not found; list them with 'modelops tokens list'"), unknown);
    }

    private async Task<JsonElement> CreateAsync(object body)
    {
        using var response = await Hub.Admin.PostAsJsonAsync("/api/tokens", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}

internal static class ProblemOrOk
{
    /// <summary>200 and no detail, or the problem's status and detail.</summary>
    public static async Task<(int Status, string? Detail)> ProblemAsyncOrOk(this Task<HttpResponseMessage> send)
    {
        using var response = await send;
        if (response.IsSuccessStatusCode)
        {
            return ((int)response.StatusCode, null);
        }

        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return ((int)response.StatusCode, json.TryGetProperty("detail", out var detail) ? detail.GetString() : null);
    }
}
