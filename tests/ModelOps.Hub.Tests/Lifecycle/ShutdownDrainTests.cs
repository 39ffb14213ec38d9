using System.Net;
using ModelOps.Hub.Tests.Infrastructure;

namespace ModelOps.Hub.Tests.Lifecycle;

public sealed class ShutdownDrainTests() : HubTests(new SqliteHub())
{
    protected override HubOptions? Options => new() { ShutdownDrain = TimeSpan.FromSeconds(3) };

    [Fact]
    public async Task Stop_WhileDraining_HealthSaysStoppingAndEveryAnswerClosesItsConnection()
    {
        using (var before = await Hub.Anonymous.GetAsync("/health"))
        {
            Assert.Equal("ok", (await before.JsonAsync()).GetProperty("status").GetString());
            Assert.NotEqual(true, before.Headers.ConnectionClose);
        }

        var stopping = Hub.StopAsync();
        var health = await Hub.Anonymous.GetAsync("/health");
        for (var i = 0; i < 100 && health.StatusCode == HttpStatusCode.OK; i++)
        {
            health.Dispose();
            await Task.Delay(20);
            health = await Hub.Anonymous.GetAsync("/health");
        }

        using (health)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal("stopping", (await health.JsonAsync()).GetProperty("status").GetString());
            Assert.True(health.Headers.ConnectionClose);
        }

        using (var metrics = await Hub.Viewer.GetAsync("/api/metrics"))
        {
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.True(metrics.Headers.ConnectionClose);
        }

        await stopping;
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => Hub.Anonymous.GetAsync("/health"));
        Assert.Equal(HttpRequestError.ConnectionError, refused.HttpRequestError);
    }
}
