using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Anthropic.Exceptions;
using Google.GenAI;
using ModelOps.Hub.Connectors;
using ModelOps.Store.Connectors;

namespace ModelOps.Hub.Tests.Connectors;

/// <summary><see cref="ConnectorError.FromException"/> on exceptions the SDKs throw, outside the factory's clients.</summary>
public sealed class ConnectorErrorTests
{
    private const string Key = "sk-ant-test-0123456789abcdef";

    private static readonly ConnectorCredentials Anthropic =
        new(new Connector("claude", ConnectorKind.Anthropic, "claude-sonnet-4-5", DateTimeOffset.UnixEpoch, "tests") { Timeout = TimeSpan.FromSeconds(30) }, Key);

    private static readonly ConnectorCredentials Gemini =
        new(new Connector("gemini", ConnectorKind.Gemini, "gemini-2.5-flash", DateTimeOffset.UnixEpoch, "tests"), "AIzaTest0123456789abcdef");

    [Fact]
    public void FromException_AnthropicRateLimit_IsRateLimitedWithTheProvidersMessage()
    {
        var exception = new AnthropicRateLimitException
        {
            StatusCode = HttpStatusCode.TooManyRequests,
            ResponseBody = """{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit."}}""",
        };

        var error = ConnectorError.FromException(exception, Anthropic);

        Assert.Equal(new ConnectorError(ConnectorErrorKind.RateLimited, "rate limited (429): Number of requests has exceeded your rate limit.") { StatusCode = 429 }, error);
    }

    [Fact]
    public void FromException_AnthropicBodyShowsTheKey_MessageHidesIt()
    {
        var exception = new AnthropicUnauthorizedException
        {
            StatusCode = HttpStatusCode.Unauthorized,
            ResponseBody = $$$"""{"type":"error","error":{"type":"authentication_error","message":"invalid key {{{Key}}}"}}""",
        };

        var error = ConnectorError.FromException(exception, Anthropic);

        Assert.Equal("the provider refused the API key (401): invalid key (hidden)", error.Message);
    }

    [Fact]
    public void FromException_GeminiInvalidKey_IsKeyRefused()
    {
        var exception = new ClientError("API key not valid. Please pass a valid API key.\nDetails: {\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\"}", 400, "INVALID_ARGUMENT");

        var error = ConnectorError.FromException(exception, Gemini);

        Assert.Equal(new ConnectorError(ConnectorErrorKind.KeyRefused, "the provider refused the API key (400): API key not valid. Please pass a valid API key.") { StatusCode = 400 }, error);
    }

    [Fact]
    public void FromException_GeminiServerError_IsHttpError()
    {
        var error = ConnectorError.FromException(new ServerError("The model is overloaded. Please try again later.", 503, "UNAVAILABLE"), Gemini);

        Assert.Equal(new ConnectorError(ConnectorErrorKind.HttpError, "the provider answered 503: The model is overloaded. Please try again later.") { StatusCode = 503 }, error);
    }

    [Fact]
    public void FromException_ConnectionRefused_IsUnreachableAtTheProvidersUrl()
    {
        var exception = new AnthropicIOException("I/O exception", new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (api.anthropic.com:443)", new SocketException((int)SocketError.ConnectionRefused)));

        var error = ConnectorError.FromException(exception, Anthropic);

        Assert.Equal(new ConnectorError(ConnectorErrorKind.Unreachable, "cannot reach https://api.anthropic.com: connection refused"), error);
    }

    [Fact]
    public void FromException_HostNotFound_IsUnreachable()
    {
        var exception = new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (generativelanguage.googleapis.com:443)");

        var error = ConnectorError.FromException(exception, Gemini);

        Assert.Equal(new ConnectorError(ConnectorErrorKind.Unreachable, "cannot reach https://generativelanguage.googleapis.com: host not found"), error);
    }

    [Fact]
    public void FromException_SdkTimeout_IsTimeoutWithTheConnectorsTimeout()
    {
        var exception = new TaskCanceledException("The request was canceled due to the configured client timeout of 00:00:30 elapsing.", new TimeoutException());

        Assert.Equal(new ConnectorError(ConnectorErrorKind.Timeout, "no answer within 30 s"), ConnectorError.FromException(exception, Anthropic));
        Assert.Equal(new ConnectorError(ConnectorErrorKind.Timeout, "no answer within 60 s"), ConnectorError.FromException(exception, Gemini));
    }

    [Fact]
    public void FromException_UnreadableJson_IsInvalidAnswer()
    {
        var error = ConnectorError.FromException(new JsonException("'<' is an invalid start of a value."), Gemini);

        Assert.Equal(
            new ConnectorError(ConnectorErrorKind.InvalidAnswer, "the answer from https://generativelanguage.googleapis.com is not a Gemini generateContent response; is the base URL right?"),
            error);
    }

    [Fact]
    public void FromException_ConnectorException_GivesItsError()
    {
        var inner = new ConnectorError(ConnectorErrorKind.RateLimited, "rate limited (429); retry after 3 s") { StatusCode = 429, RetryAfter = TimeSpan.FromSeconds(3) };

        Assert.Same(inner, ConnectorError.FromException(new ConnectorException("claude", inner), Anthropic));
    }

    [Fact]
    public void FromException_AnythingElse_IsFailedWithItsMessage()
    {
        var error = ConnectorError.FromException(new InvalidOperationException($"bad state near {Key}\nsecond line"), Anthropic);

        Assert.Equal(new ConnectorError(ConnectorErrorKind.Failed, "the call failed (InvalidOperationException): bad state near (hidden)"), error);
    }
}
