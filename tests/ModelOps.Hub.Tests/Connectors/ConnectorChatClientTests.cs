using Microsoft.Extensions.AI;
using ModelOps.Hub.Connectors;
using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Store.Connectors;

namespace ModelOps.Hub.Tests.Connectors;

/// <summary>The chat clients themselves: what they send, and the exceptions their calls throw.</summary>
public sealed class ConnectorChatClientTests
{
    private readonly ConnectorClientFactory _factory = new();

    public static TheoryData<ConnectorKind> Kinds => [ConnectorKind.OpenAI, ConnectorKind.OpenAICompatible, ConnectorKind.Anthropic, ConnectorKind.Gemini];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task GetResponseAsync_ModelNamedByTheCall_IsTheOneAskedFor(ConnectorKind kind)
    {
        await using var connector = StubConnector.Start(kind);
        using var client = _factory.CreateChatClient(connector.Credentials());

        var response = await client.GetResponseAsync("Map these fields.", new ChatOptions { ModelId = "other-model" });

        Assert.Equal(("OK", "other-model"), (response.Text, response.ModelId));
        var request = Assert.Single(connector.Stub.Requests);
        Assert.Equal(("other-model", "Map these fields."), (request.Model, request.Prompt));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task GetResponseAsync_RateLimited_ThrowsConnectorExceptionWithTheWait(ConnectorKind kind)
    {
        await using var connector = StubConnector.Start(kind);
        connector.Stub.Enqueue(LlmStubReply.Error(429, "Too many requests.", retryAfter: TimeSpan.FromSeconds(7)));
        using var client = _factory.CreateChatClient(connector.Credentials());

        var exception = await Assert.ThrowsAsync<ConnectorException>(() => client.GetResponseAsync("Map these fields."));

        Assert.Equal("Connector 'stub': rate limited (429); retry after 7 s: Too many requests.", exception.Message);
        Assert.Equal(
            new ConnectorError(ConnectorErrorKind.RateLimited, "rate limited (429); retry after 7 s: Too many requests.") { StatusCode = 429, RetryAfter = TimeSpan.FromSeconds(7) },
            exception.Error);
        Assert.Equal("stub", exception.Connector);
        Assert.NotNull(exception.InnerException);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task GetResponseAsync_ConcurrentCalls_EachFailsWithItsOwnAnswer(ConnectorKind kind)
    {
        await using var connector = StubConnector.Start(kind);
        for (var i = 0; i < 4; i++)
        {
            connector.Stub.Enqueue(LlmStubReply.Error(429, "Slow down.", retryAfter: TimeSpan.FromSeconds(9)), LlmStubReply.Error(503, "Overloaded."));
        }

        using var client = _factory.CreateChatClient(connector.Credentials());

        var calls = Enumerable.Range(0, 8).Select(_ => Assert.ThrowsAsync<ConnectorException>(() => client.GetResponseAsync("Map these fields."))).ToList();
        var errors = (await Task.WhenAll(calls)).Select(exception => exception.Error).ToList();

        var rateLimited = new ConnectorError(ConnectorErrorKind.RateLimited, "rate limited (429); retry after 9 s: Slow down.") { StatusCode = 429, RetryAfter = TimeSpan.FromSeconds(9) };
        var overloaded = new ConnectorError(ConnectorErrorKind.HttpError, "the provider answered 503: Overloaded.") { StatusCode = 503 };
        Assert.Equal(4, errors.Count(error => error == rateLimited));
        Assert.Equal(4, errors.Count(error => error == overloaded));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task GetResponseAsync_ProviderEchoesTheKey_NoExceptionTextShowsIt(ConnectorKind kind)
    {
        await using var connector = StubConnector.Start(kind);
        connector.Stub.Enqueue(LlmStubReply.Error(401, $"Incorrect API key provided: {connector.Key}."));
        using var client = _factory.CreateChatClient(connector.Credentials());

        var exception = await Assert.ThrowsAsync<ConnectorException>(() => client.GetResponseAsync("Map these fields."));

        Assert.Equal("Connector 'stub': the provider refused the API key (401): Incorrect API key provided: (hidden).", exception.Message);
        connector.AssertKeyHidden(exception.ToString(), exception.Error.ToString());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task GetResponseAsync_EveryFailure_NoExceptionTextShowsTheKey(ConnectorKind kind)
    {
        await using var connector = StubConnector.Start(kind);
        connector.Stub.Enqueue(LlmStubReply.Error(500, "boom"), LlmStubReply.Garbage(), LlmStubReply.Error(404, "gone"), LlmStubReply.Hang());
        using var client = _factory.CreateChatClient(connector.Credentials(timeout: TimeSpan.FromSeconds(1)));

        for (var call = 0; call < 4; call++)
        {
            var exception = await Assert.ThrowsAsync<ConnectorException>(() => client.GetResponseAsync("Map these fields."));
            connector.AssertKeyHidden(exception.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task GetResponseAsync_CallerCancels_ThrowsOperationCanceled(ConnectorKind kind)
    {
        await using var connector = StubConnector.Start(kind);
        connector.Stub.Enqueue(LlmStubReply.Hang());
        using var client = _factory.CreateChatClient(connector.Credentials());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var exception = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync("Map these fields.", cancellationToken: cancel.Token));

        Assert.IsNotType<ConnectorException>(exception);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_RateLimited_ThrowsConnectorException()
    {
        await using var connector = StubConnector.Start(ConnectorKind.OpenAI);
        connector.Stub.Enqueue(LlmStubReply.Error(429, "Too many requests.", retryAfter: TimeSpan.FromSeconds(3)));
        using var client = _factory.CreateChatClient(connector.Credentials());

        var exception = await Assert.ThrowsAsync<ConnectorException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Map these fields."))
            {
            }
        });

        Assert.Equal((ConnectorErrorKind.RateLimited, TimeSpan.FromSeconds(3)), (exception.Error.Kind, exception.Error.RetryAfter));
    }
}
