using System.ClientModel;
using Anthropic;
using Google.GenAI;
using Google.GenAI.Types;
using Microsoft.Extensions.AI;
using ModelOps.Hub.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace ModelOps.Jobs.Tests.Import.Metadata;

/// <summary>
/// A provider's real SDK client, as an <see cref="IChatClient"/>, at a local stub of the provider's wire protocol, for one
/// test. Built here from the SDKs directly rather than through the hub's connector factory: Jobs and its tests do not
/// depend on the hub. Retries are off, as the hub sets them.
/// </summary>
internal sealed class StubLlm : IAsyncDisposable
{
    private readonly IDisposable? _sdkClient;

    private StubLlm(LlmStubServer stub, string model, IChatClient client, IDisposable? sdkClient)
    {
        Stub = stub;
        Model = model;
        Client = client;
        _sdkClient = sdkClient;
    }

    public LlmStubServer Stub { get; }

    /// <summary>The model the client asks for.</summary>
    public string Model { get; }

    public IChatClient Client { get; }

    public static StubLlm Start(LlmProtocol protocol)
    {
        switch (protocol)
        {
            case LlmProtocol.OpenAI:
                var openAI = new LlmStubServer(protocol, "sk-test-0123456789abcdef");
                var chat = new ChatClient(
                    "gpt-4o-mini",
                    new ApiKeyCredential("sk-test-0123456789abcdef"),
                    new OpenAIClientOptions { Endpoint = new Uri(openAI.BaseUrl), RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(maxRetries: 0) });
                return new StubLlm(openAI, "gpt-4o-mini", chat.AsIChatClient(), null);
            case LlmProtocol.Anthropic:
                var anthropic = new LlmStubServer(protocol, "sk-ant-test-0123456789abcdef");
                var messages = new AnthropicClient(new Anthropic.Core.ClientOptions { ApiKey = "sk-ant-test-0123456789abcdef", BaseUrl = anthropic.BaseUrl, MaxRetries = 0 });
                return new StubLlm(anthropic, "claude-sonnet-4-5", messages.AsIChatClient("claude-sonnet-4-5"), messages);
            default:
                var gemini = new LlmStubServer(protocol, "AIzaTest0123456789abcdef");
                var genAI = new Client(
                    enterprise: false,
                    apiKey: "AIzaTest0123456789abcdef",
                    httpOptions: new HttpOptions { BaseUrl = gemini.BaseUrl, RetryOptions = new HttpRetryOptions { Attempts = 1 } });
                return new StubLlm(gemini, "gemini-2.5-flash", genAI.AsIChatClient("gemini-2.5-flash"), genAI);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _sdkClient?.Dispose();
        await Stub.DisposeAsync();
    }
}
