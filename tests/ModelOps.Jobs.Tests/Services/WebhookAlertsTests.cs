using System.Text.Json;
using ModelOps.Jobs.Services;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Jobs.Tests.Services;

public sealed class WebhookAlertsTests
{
    // Attempts that should be answered at once get a generous timeout: on a loaded CI machine the
    // test server once took more than the default 5 s, and the retry then counted an extra request.
    private const double NoTimeout = 60;

    private static WebhookAlertSink Sink(string url, RecordingLogger log, int retries = 2, double timeoutSeconds = NoTimeout) =>
        new(new WebhookAlerts { Url = url, Retries = retries, TimeoutSeconds = timeoutSeconds }, handler: null, TimeProvider.System, log)
        {
            Backoff = TimeSpan.FromMilliseconds(20),
        };

    [Fact]
    public async Task Notify_EndpointAnswers200_PostsTitleAndMessageAsJson()
    {
        using var server = new WebhookServer(200);
        var log = new RecordingLogger("ModelOps.Alerts");
        await using var sink = Sink(server.Url, log);

        await sink.NotifyAsync("Training done", "bikes v3 registered, \"rmse\" 41.2");

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("application/json; charset=utf-8", request.ContentType);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(JsonValueKind.Object, body.RootElement.ValueKind);
        Assert.Equal(["title", "message"], body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Training done", body.RootElement.GetProperty("title").GetString());
        Assert.Equal("bikes v3 registered, \"rmse\" 41.2", body.RootElement.GetProperty("message").GetString());
        Assert.Equal([$"Debug ModelOps.Alerts[21] alert 'Training done' sent to {server.Url}"], log.Entries);
    }

    [Fact]
    public async Task Notify_500Then200_RetriesAndSucceeds()
    {
        using var server = new WebhookServer(500, 200);
        var log = new RecordingLogger();
        await using var sink = Sink(server.Url, log);

        await sink.NotifyAsync("Done", "ok");

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(server.Requests[0].Body, server.Requests[1].Body);
        Assert.Equal([$"Debug test[21] alert 'Done' sent to {server.Url}"], log.Entries);
    }

    [Fact]
    public async Task Notify_Always500_LogsWarningAfterEveryAttemptWithoutThrowing()
    {
        using var server = new WebhookServer(500);
        var log = new RecordingLogger();
        await using var sink = new WebhookAlertSink(new WebhookAlerts { Url = server.Url, TimeoutSeconds = NoTimeout }, null, TimeProvider.System, log);

        await sink.NotifyAsync("Done", "ok");

        Assert.Equal(3, server.Requests.Count);
        Assert.Equal([$"Warning test[20] alert 'Done' not sent to {server.Url}: HTTP 500 (Internal Server Error) after 3 attempts"], log.Entries);
    }

    [Fact]
    public async Task Notify_404_IsNotRetried()
    {
        using var server = new WebhookServer(404);
        var log = new RecordingLogger();
        await using var sink = Sink(server.Url, log, retries: 5);

        await sink.NotifyAsync("Done", "ok");

        Assert.Single(server.Requests);
        Assert.Equal([$"Warning test[20] alert 'Done' not sent to {server.Url}: HTTP 404 (Not Found) after 1 attempt"], log.Entries);
    }

    [Fact]
    public async Task Notify_NoAnswer_TimesOutAndLogsWarning()
    {
        using var server = new WebhookServer(0);
        var log = new RecordingLogger();
        await using var sink = Sink(server.Url, log, retries: 1, timeoutSeconds: 0.25);

        await sink.NotifyAsync("Done", "ok");

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal([$"Warning test[20] alert 'Done' not sent to {server.Url}: no answer within 0.25 s after 2 attempts"], log.Entries);
    }

    [Fact]
    public async Task Notify_ConnectionRefused_LogsWarning()
    {
        var port = FreePort.Next();
        var url = $"http://127.0.0.1:{port}/hook";
        var log = new RecordingLogger();
        await using var sink = Sink(url, log, retries: 1);

        await sink.NotifyAsync("Done", "ok");

        Assert.Equal([$"Warning test[20] alert 'Done' not sent to {url}: cannot connect: Connection refused (127.0.0.1:{port}) after 2 attempts"], log.Entries);
    }

    [Fact]
    public async Task Notify_UrlWithPassword_MessagesOmitIt()
    {
        var port = FreePort.Next();
        var log = new RecordingLogger();
        await using var sink = Sink($"http://bot:s3cret@127.0.0.1:{port}/hook", log, retries: 0);

        await sink.NotifyAsync("Done", "ok");

        Assert.Equal($"http://127.0.0.1:{port}/hook", sink.DisplayUrl);
        Assert.DoesNotContain("s3cret", Assert.Single(log.Entries), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notify_CallerCancels_Throws()
    {
        using var server = new WebhookServer(0);
        await using var sink = Sink(server.Url, new RecordingLogger());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sink.NotifyAsync("Done", "ok", cancel.Token));
    }

    [Theory]
    [InlineData("ftp://example.com/x", 5, 2, "url must be an absolute http:// or https:// URL, found 'ftp://example.com/x'")]
    [InlineData("hooks/x", 5, 2, "url must be an absolute http:// or https:// URL, found 'hooks/x'")]
    [InlineData("https://example.com/x", 0, 2, "timeout_seconds must be above 0 and at most 300, found 0")]
    [InlineData("https://example.com/x", 5, 11, "retries must be between 0 and 10, found 11")]
    [InlineData("https://example.com/x", 5, -1, "retries must be between 0 and 10, found -1")]
    public void Validate_BadOption_NamesFieldAndValue(string url, double timeout, int retries, string expected)
    {
        var problems = new WebhookAlerts { Url = url, TimeoutSeconds = timeout, Retries = retries }.Validate();

        Assert.Equal([expected], problems);
    }
}
