using System.Diagnostics;
using ModelOps.Hub.Connectors;
using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Store.Connectors;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Hub.Tests.Connectors;

/// <summary>The connection check of each kind, through its real SDK, against a stub speaking the provider's protocol.</summary>
public sealed class ConnectorCheckTests
{
    private const string Prompt = "Reply with the single word OK.";

    private readonly ConnectorClientFactory _factory = new();

    public static TheoryData<ConnectorKind> Kinds => [ConnectorKind.OpenAI, ConnectorKind.OpenAICompatible, ConnectorKind.Anthropic, ConnectorKind.Gemini];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CheckAsync_ProviderAnswers_ReportsTheModelThatAnsweredAndTheTime(ConnectorKind kind)
    {
        await using var connector = StubConnector.Start(kind);
        connector.Stub.Enqueue(LlmStubReply.Text("OK", model: connector.Model + "-2026-01-01"));

        var check = await _factory.CheckAsync(connector.Credentials());

        Assert.True(check.Succeeded);
        Assert.Equal(connector.Model + "-2026-01-01", check.Model);
        Assert.Equal("OK", check.Answer);
        Assert.Null(check.Error);
        Assert.Equal($"{connector.Model}-2026-01-01 answered in {(long)check.Elapsed.TotalMilliseconds} ms", check.Message);
        var request = Assert.Single(connector.Stub.Requests);
        Assert.Equal((connector.Model, Prompt), (request.Model, request.Prompt));
        Assert.Equal(connector.KeyHeader.Value, request.Header(connector.KeyHeader.Name));
        Assert.Equal(16, MaxOutputTokens(kind, request));
        if (kind == ConnectorKind.Anthropic)
        {
            Assert.NotNull(request.Header("anthropic-version"));
        }
    }

    [Fact]
    public async Task CheckAsync_OpenAICompatibleWithoutKey_SendsNoAuthorization()
    {
        await using var stub = new LlmStubServer(LlmProtocol.OpenAI, apiKey: null);
        var credentials = new ConnectorCredentials(
            new Connector("ollama", ConnectorKind.OpenAICompatible, "llama3.1", DateTimeOffset.UnixEpoch, "tests") { BaseUrl = stub.BaseUrl }, ApiKey: null);

        var check = await _factory.CheckAsync(credentials);

        Assert.True(check.Succeeded, check.Message);
        Assert.Equal("llama3.1", check.Model);
        var request = Assert.Single(stub.Requests);
        Assert.Equal(("/v1/chat/completions", null), (request.Path, request.Header("Authorization")));
    }

    [Theory]
    [InlineData(ConnectorKind.OpenAI, "the provider refused the API key (401): Incorrect API key provided: wro*************6789. You can find your API key at https://platform.openai.com/account/api-keys.", 401)]
    [InlineData(ConnectorKind.OpenAICompatible, "the provider refused the API key (401): Incorrect API key provided: wro*************6789. You can find your API key at https://platform.openai.com/account/api-keys.", 401)]
    [InlineData(ConnectorKind.Anthropic, "the provider refused the API key (401): invalid x-api-key", 401)]
    [InlineData(ConnectorKind.Gemini, "the provider refused the API key (400): API key not valid. Please pass a valid API key.", 400)]
    public async Task CheckAsync_WrongKey_SaysTheProviderRefusedIt(ConnectorKind kind, string message, int status)
    {
        await using var connector = StubConnector.Start(kind);

        var check = await _factory.CheckAsync(connector.Credentials(key: "wrong-key-0123456789"));

        Assert.False(check.Succeeded);
        Assert.Equal(message, check.Message);
        Assert.Equal((ConnectorErrorKind.KeyRefused, status, (TimeSpan?)null), (check.Error!.Kind, check.Error.StatusCode, check.Error.RetryAfter));
        Assert.Single(connector.Stub.Requests);
        Assert.DoesNotContain("wrong-key-0123456789", check.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CheckAsync_RateLimited_SaysWhenToRetryAndDoesNotRetry(ConnectorKind kind)
    {
        await using var connector = StubConnector.Start(kind);
        connector.Stub.Enqueue(LlmStubReply.Error(429, "Rate limit reached for requests per minute.", retryAfter: TimeSpan.FromSeconds(20)));

        var check = await _factory.CheckAsync(connector.Credentials());

        Assert.Equal("rate limited (429); retry after 20 s: Rate limit reached for requests per minute.", check.Message);
        Assert.Equal((ConnectorErrorKind.RateLimited, 429, TimeSpan.FromSeconds(20)), (check.Error!.Kind, check.Error.StatusCode, check.Error.RetryAfter));
        Assert.Single(connector.Stub.Requests);
        connector.AssertKeyHidden(check.Message);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CheckAsync_RateLimitedWithoutRetryAfter_SaysRateLimited(ConnectorKind kind)
    {
        await using var connector = StubConnector.Start(kind);
        connector.Stub.Enqueue(LlmStubReply.Error(429, "You exceeded your current quota."));

        var check = await _factory.CheckAsync(connector.Credentials());

        Assert.Equal("rate limited (429): You exceeded your current quota.", check.Message);
        Assert.Equal((ConnectorErrorKind.RateLimited, (TimeSpan?)null), (check.Error!.Kind, check.Error.RetryAfter));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CheckAsync_NoAnswer_FailsAtTheConnectorsTimeoutWithoutRetrying(ConnectorKind kind)
    {
        await using var connector = StubConnector.Start(kind);
        connector.Stub.Enqueue(LlmStubReply.Hang(), LlmStubReply.Hang());
        var watch = Stopwatch.StartNew();

        var check = await _factory.CheckAsync(connector.Credentials(timeout: TimeSpan.FromSeconds(2)));

        Assert.Equal("no answer within 2 s", check.Message);
        Assert.Equal((ConnectorErrorKind.Timeout, (int?)null), (check.Error!.Kind, check.Error.StatusCode));
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(5));
        Assert.Single(connector.Stub.Requests);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CheckAsync_NothingListens_SaysItCannotReachTheBaseUrl(ConnectorKind kind)
    {
        await using var connector = StubConnector.Start(kind);
        var port = FreePort.Next();
        var baseUrl = kind is ConnectorKind.OpenAI or ConnectorKind.OpenAICompatible ? $"http://127.0.0.1:{port}/v1" : $"http://127.0.0.1:{port}";

        var check = await _factory.CheckAsync(connector.Credentials(baseUrl: baseUrl));

        Assert.Equal($"cannot reach {baseUrl}: connection refused", check.Message);
        Assert.Equal((ConnectorErrorKind.Unreachable, (int?)null), (check.Error!.Kind, check.Error.StatusCode));
    }

    [Theory]
    [InlineData(ConnectorKind.OpenAI, "an OpenAI chat completion")]
    [InlineData(ConnectorKind.OpenAICompatible, "an OpenAI chat completion")]
    [InlineData(ConnectorKind.Anthropic, "an Anthropic message")]
    [InlineData(ConnectorKind.Gemini, "a Gemini generateContent response")]
    public async Task CheckAsync_AnswerIsAWebPage_SaysItIsNotTheProtocol(ConnectorKind kind, string answer)
    {
        await using var connector = StubConnector.Start(kind);
        connector.Stub.Enqueue(LlmStubReply.Garbage());

        var check = await _factory.CheckAsync(connector.Credentials());

        Assert.Equal($"the answer from {connector.Stub.BaseUrl} is not {answer} (it is text/html); is the base URL right?", check.Message);
        Assert.Equal((ConnectorErrorKind.InvalidAnswer, 200), (check.Error!.Kind, check.Error.StatusCode));
    }

    [Theory]
    [InlineData(ConnectorKind.OpenAI, "an OpenAI chat completion")]
    [InlineData(ConnectorKind.OpenAICompatible, "an OpenAI chat completion")]
    [InlineData(ConnectorKind.Anthropic, "an Anthropic message")]
    [InlineData(ConnectorKind.Gemini, "a Gemini generateContent response")]
    public async Task CheckAsync_AnswerIsJsonOfAnotherShape_SaysItIsNotTheProtocol(ConnectorKind kind, string answer)
    {
        await using var connector = StubConnector.Start(kind);
        connector.Stub.Enqueue(LlmStubReply.Garbage("{\"hello\":\"world\"}", "application/json"), LlmStubReply.Garbage("[1, 2", "application/json"));

        var shape = await _factory.CheckAsync(connector.Credentials());
        var broken = await _factory.CheckAsync(connector.Credentials());

        var message = $"the answer from {connector.Stub.BaseUrl} is not {answer} (it is application/json); is the base URL right?";
        Assert.Equal((false, message, ConnectorErrorKind.InvalidAnswer), (shape.Succeeded, shape.Message, shape.Error!.Kind));
        Assert.Equal((false, message, ConnectorErrorKind.InvalidAnswer), (broken.Succeeded, broken.Message, broken.Error!.Kind));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CheckAsync_UnknownModel_SaysTheModelIsNotFound(ConnectorKind kind)
    {
        await using var connector = StubConnector.Start(kind);
        connector.Stub.Enqueue(LlmStubReply.Error(404, "no such model"));

        var check = await _factory.CheckAsync(connector.Credentials());

        Assert.Equal($"model '{connector.Model}' not found (404): no such model", check.Message);
        Assert.Equal((ConnectorErrorKind.ModelNotFound, 404), (check.Error!.Kind, check.Error.StatusCode));
    }

    [Fact]
    public async Task CheckAsync_BaseUrlWithoutTheApiPath_SaysNotFoundAndNamesTheBaseUrl()
    {
        await using var connector = StubConnector.Start(ConnectorKind.OpenAICompatible);

        var check = await _factory.CheckAsync(connector.Credentials(baseUrl: connector.Stub.Root));

        Assert.Equal($"not found (404): 404 page not found; is the base URL {connector.Stub.Root} right?", check.Message);
        Assert.Equal(ConnectorErrorKind.ModelNotFound, check.Error!.Kind);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CheckAsync_ServerError_GivesTheStatusAndTheProvidersMessage(ConnectorKind kind)
    {
        await using var connector = StubConnector.Start(kind);
        connector.Stub.Enqueue(LlmStubReply.Error(503, "The service is temporarily overloaded."));

        var check = await _factory.CheckAsync(connector.Credentials());

        Assert.Equal("the provider answered 503: The service is temporarily overloaded.", check.Message);
        Assert.Equal((ConnectorErrorKind.HttpError, 503), (check.Error!.Kind, check.Error.StatusCode));
        Assert.Single(connector.Stub.Requests);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CheckAsync_ProviderEchoesTheKey_MessageHidesIt(ConnectorKind kind)
    {
        await using var connector = StubConnector.Start(kind);
        connector.Stub.Enqueue(LlmStubReply.Error(403, $"key {connector.Key} may not use this model"));

        var check = await _factory.CheckAsync(connector.Credentials());

        Assert.Equal("the provider refused the API key (403): key (hidden) may not use this model", check.Message);
        connector.AssertKeyHidden(check.Message, check.Error!.Message);
    }

    private static int? MaxOutputTokens(ConnectorKind kind, LlmStubRequest request) => kind switch
    {
        ConnectorKind.Anthropic => request.Json?["max_tokens"]?.GetValue<int>(),
        ConnectorKind.Gemini => request.Json?["generationConfig"]?["maxOutputTokens"]?.GetValue<int>(),
        _ => request.Json?["max_completion_tokens"]?.GetValue<int>(),
    };
}
