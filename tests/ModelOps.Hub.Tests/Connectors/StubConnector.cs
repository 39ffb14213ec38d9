using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Store.Connectors;

namespace ModelOps.Hub.Tests.Connectors;

/// <summary>A connector of one kind and the stub of its provider's protocol, for one test.</summary>
internal sealed class StubConnector : IAsyncDisposable
{
    private StubConnector(ConnectorKind kind, LlmStubServer stub, string model, string key)
    {
        Kind = kind;
        Stub = stub;
        Model = model;
        Key = key;
    }

    public ConnectorKind Kind { get; }

    public LlmStubServer Stub { get; }

    /// <summary>The connector's model.</summary>
    public string Model { get; }

    /// <summary>The key the stub expects.</summary>
    public string Key { get; }

    /// <summary>The header the kind's SDK sends the key in, and its value.</summary>
    public (string Name, string Value) KeyHeader => Kind switch
    {
        ConnectorKind.Gemini => ("x-goog-api-key", Key),
        // Anthropic's .NET SDK 13 sends an API key as a bearer token (12.x sent X-Api-Key).
        _ => ("Authorization", "Bearer " + Key),
    };

    public static StubConnector Start(ConnectorKind kind) => kind switch
    {
        ConnectorKind.OpenAI => new(kind, new LlmStubServer(LlmProtocol.OpenAI, "sk-test-0123456789abcdef"), "gpt-4o-mini", "sk-test-0123456789abcdef"),
        ConnectorKind.OpenAICompatible => new(kind, new LlmStubServer(LlmProtocol.OpenAI, "vllm-key-0123456789abcdef"), "llama3.1", "vllm-key-0123456789abcdef"),
        ConnectorKind.Anthropic => new(kind, new LlmStubServer(LlmProtocol.Anthropic, "sk-ant-test-0123456789abcdef"), "claude-sonnet-4-5", "sk-ant-test-0123456789abcdef"),
        _ => new(kind, new LlmStubServer(LlmProtocol.Gemini, "AIzaTest0123456789abcdef"), "gemini-2.5-flash", "AIzaTest0123456789abcdef"),
    };

    /// <summary>The connector at the stub, with the key the stub expects unless <paramref name="key"/> says another.</summary>
    public ConnectorCredentials Credentials(string? key = null, TimeSpan? timeout = null, string? baseUrl = null) =>
        new(new Connector("stub", Kind, Model, DateTimeOffset.UnixEpoch, "tests") { BaseUrl = baseUrl ?? Stub.BaseUrl, Timeout = timeout }, key ?? Key);

    /// <summary>Asserts that no text the caller can see shows the key.</summary>
    public void AssertKeyHidden(params string?[] texts)
    {
        foreach (var text in texts)
        {
            Assert.DoesNotContain(Key, text ?? "", StringComparison.Ordinal);
        }
    }

    public ValueTask DisposeAsync() => Stub.DisposeAsync();
}
