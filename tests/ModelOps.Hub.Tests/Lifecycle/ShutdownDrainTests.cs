using System.Net;
using System.Net.Sockets;
using System.Text;
using ModelOps.Hub.Tests.Infrastructure;

namespace ModelOps.Hub.Tests.Lifecycle;

public sealed class ShutdownDrainTests() : HubTests(new SqliteHub())
{
    private static readonly TimeSpan ShutdownDrainTime = TimeSpan.FromSeconds(3);

    protected override HubOptions? Options => new() { ShutdownDrain = ShutdownDrainTime };

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

    [Fact]
    public async Task Stop_ConnectionAcceptedDuringDrainSendsLate_IsStillAnswered()
    {
        var stopping = Hub.StopAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Hub.BaseAddress.Port));

        // The request comes after the drain ended and the gate closed: the stopping server waits for it, it does not close the idle connection.
        await Task.Delay(ShutdownDrainTime + TimeSpan.FromSeconds(1));
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /health HTTP/1.1\r\nHost: {Hub.BaseAddress.Authority}\r\n\r\n"));
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        for (var read = await socket.ReceiveAsync(buffer); read > 0; read = await socket.ReceiveAsync(buffer))
        {
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await stopping;
        var text = answer.ToString();
        Assert.StartsWith("HTTP/1.1 503 Service Unavailable\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nConnection: close\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"stopping\"", text, StringComparison.Ordinal);
    }
}
