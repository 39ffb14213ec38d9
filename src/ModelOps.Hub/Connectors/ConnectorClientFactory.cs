using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using Anthropic;
using Google.GenAI;
using Google.GenAI.Types;
using Microsoft.Extensions.AI;
using ModelOps.Store.Connectors;
using OpenAI;
using OpenAI.Chat;

namespace ModelOps.Hub.Connectors;

/// <summary>
/// Makes the <see cref="IChatClient"/> of a connector, through each provider's own SDK: OpenAI's for <c>openai</c> and
/// <c>openai-compatible</c>, Anthropic's, Google GenAI's for <c>gemini</c>; and checks a connector with one small call.
/// </summary>
/// <remarks>
/// A client calls the connector's base URL (else the provider's own), with its API key (an openai-compatible connector
/// without one sends no <c>Authorization</c> header), its model unless <see cref="ChatOptions.ModelId"/> names another,
/// and its timeout for the whole call. The SDKs' own retries are off, so a 429 or a 5xx surfaces at once, as a
/// <see cref="ConnectorException"/> whose <see cref="ConnectorError"/> says what failed. Dispose the client when done:
/// it owns its HTTP connections. The SDKs' environment variables do not override the connector (<c>OPENAI_API_KEY</c>,
/// <c>ANTHROPIC_API_KEY</c>, <c>ANTHROPIC_BASE_URL</c>, <c>GEMINI_API_KEY</c>, <c>GOOGLE_GEMINI_BASE_URL</c>,
/// <c>GOOGLE_GENAI_USE_VERTEXAI</c>): key, URL and endpoint are always given.
/// </remarks>
/// <param name="timeProvider">The clock of the timeouts, of <c>Retry-After</c> dates and of the check's elapsed time; default <see cref="TimeProvider.System"/>.</param>
public sealed class ConnectorClientFactory(TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>A chat client that calls the connector of <paramref name="credentials"/>; dispose it when done.</summary>
    /// <param name="credentials">The connector and its decrypted key.</param>
    /// <exception cref="ArgumentException">
    /// The connector cannot be called: no model, an openai-compatible connector without a base URL, a base URL that is not
    /// http or https, an openai, anthropic or gemini connector without an API key, a timeout that is not positive; the
    /// message lists every problem.
    /// </exception>
    public IChatClient CreateChatClient(ConnectorCredentials credentials)
    {
        var endpoint = ConnectorEndpoint.Resolve(credentials);
        return endpoint.Kind switch
        {
            ConnectorKind.OpenAI or ConnectorKind.OpenAICompatible => CreateOpenAI(endpoint),
            ConnectorKind.Anthropic => CreateAnthropic(endpoint),
            ConnectorKind.Gemini => CreateGemini(endpoint),
            _ => throw new ArgumentOutOfRangeException(nameof(credentials), endpoint.Kind, "Unknown connector kind."),
        };
    }

    /// <summary>
    /// Checks the connector of <paramref name="credentials"/> with one small call (a one-word prompt, at most
    /// 16 output tokens): which model answered and how long it took, or what failed in plain words.
    /// </summary>
    /// <param name="credentials">The connector and its decrypted key.</param>
    /// <param name="cancellationToken">Cancels the check (an <see cref="OperationCanceledException"/>, not a failed check).</param>
    /// <exception cref="ArgumentException">The connector cannot be called (as <see cref="CreateChatClient"/>).</exception>
    public async Task<ConnectorCheck> CheckAsync(ConnectorCredentials credentials, CancellationToken cancellationToken = default)
    {
        using var client = CreateChatClient(credentials);
        var started = _time.GetTimestamp();
        try
        {
            var response = await client.GetResponseAsync(
                [new Microsoft.Extensions.AI.ChatMessage(ChatRole.User, ConnectorClientDefaults.CheckPrompt)],
                new ChatOptions { MaxOutputTokens = ConnectorClientDefaults.CheckMaxOutputTokens },
                cancellationToken).ConfigureAwait(false);
            return ConnectorCheck.Answered(response.ModelId ?? credentials.Connector.Model, response.Text, _time.GetElapsedTime(started));
        }
        catch (ConnectorException exception)
        {
            return ConnectorCheck.Failed(exception.Error, _time.GetElapsedTime(started));
        }
    }

    private ConnectorChatClient CreateOpenAI(ConnectorEndpoint endpoint)
    {
        var http = new HttpClient(new ConnectorHttpHandler(NewSocketsHandler())) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri(endpoint.BaseUrl),
            NetworkTimeout = endpoint.Timeout,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            Transport = new HttpClientPipelineTransport(http),
        };
#pragma warning disable OPENAI001 // The constructor that takes an authentication policy is the one way to send no key (Ollama, vLLM without --api-key).
        var chat = endpoint.ApiKey is { } key
            ? new ChatClient(endpoint.Model, new ApiKeyCredential(key), options)
            : new ChatClient(endpoint.Model, new NoAuthentication(), options);
#pragma warning restore OPENAI001
        return new ConnectorChatClient(chat.AsIChatClient(), endpoint, _time, http);
    }

    private ConnectorChatClient CreateAnthropic(ConnectorEndpoint endpoint)
    {
        // The client keeps its own HttpClient (no timeout of its own, decompression on); the handler goes in front of it.
        var client = new AnthropicClient(new Anthropic.Core.ClientOptions
        {
            ApiKey = endpoint.ApiKey,
            BaseUrl = endpoint.BaseUrl,
            MaxRetries = 0,
            Timeout = endpoint.Timeout,
            Handlers = [new ConnectorHttpHandler()],
        });
        return new ConnectorChatClient(client.AsIChatClient(endpoint.Model), endpoint, _time, client);
    }

    private ConnectorChatClient CreateGemini(ConnectorEndpoint endpoint)
    {
        // Given an HttpClient, the SDK does not apply HttpOptions.Timeout to it: the timeout is set here, as the SDK would.
        var http = new HttpClient(new ConnectorHttpHandler(NewSocketsHandler())) { Timeout = endpoint.Timeout };
        var client = new Client(
            enterprise: false,
            apiKey: endpoint.ApiKey,
            httpOptions: new HttpOptions { BaseUrl = endpoint.BaseUrl, RetryOptions = new HttpRetryOptions { Attempts = 1 } },
            clientOptions: new Google.GenAI.Types.ClientOptions { HttpClientFactory = () => http });
        return new ConnectorChatClient(client.AsIChatClient(endpoint.Model), endpoint, _time, client, http);
    }

    private static SocketsHttpHandler NewSocketsHandler() => new()
    {
        AutomaticDecompression = DecompressionMethods.All,
        // A client may live for a whole import: pick up DNS changes of the provider's hosts.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    /// <summary>Sends no credential: an OpenAI-compatible endpoint that takes no key.</summary>
    private sealed class NoAuthentication : AuthenticationPolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
            ProcessNext(message, pipeline, currentIndex);

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
            ProcessNextAsync(message, pipeline, currentIndex);
    }
}
