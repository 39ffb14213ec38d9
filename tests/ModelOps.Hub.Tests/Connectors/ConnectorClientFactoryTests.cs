using ModelOps.Hub.Connectors;
using ModelOps.Store.Connectors;

namespace ModelOps.Hub.Tests.Connectors;

public sealed class ConnectorClientFactoryTests
{
    private readonly ConnectorClientFactory _factory = new();

    [Fact]
    public void CreateChatClient_OpenAICompatibleWithoutBaseUrlOrModel_ListsBothProblems()
    {
        var credentials = new ConnectorCredentials(new Connector("local", ConnectorKind.OpenAICompatible, " ", DateTimeOffset.UnixEpoch, "tests"), ApiKey: null);

        var exception = Assert.Throws<ArgumentException>(() => _factory.CreateChatClient(credentials));

        Assert.Equal(
            "Connector 'local' (openai-compatible) cannot be called: it names no model; " +
            "an openai-compatible connector needs a base URL (such as http://localhost:11434/v1 for Ollama). (Parameter 'credentials')",
            exception.Message);
    }

    [Theory]
    [InlineData(ConnectorKind.OpenAI, "openai")]
    [InlineData(ConnectorKind.Anthropic, "anthropic")]
    [InlineData(ConnectorKind.Gemini, "gemini")]
    public void CreateChatClient_ProviderWithoutKey_SaysItNeedsOne(ConnectorKind kind, string name)
    {
        var credentials = new ConnectorCredentials(new Connector("main", kind, "some-model", DateTimeOffset.UnixEpoch, "tests"), ApiKey: null);

        var exception = Assert.Throws<ArgumentException>(() => _factory.CreateChatClient(credentials));

        Assert.Equal($"Connector 'main' ({name}) cannot be called: a {name} connector needs an API key. (Parameter 'credentials')", exception.Message);
    }

    [Fact]
    public void CreateChatClient_BaseUrlNotHttp_SaysSo()
    {
        var credentials = new ConnectorCredentials(
            new Connector("main", ConnectorKind.OpenAI, "gpt-4o-mini", DateTimeOffset.UnixEpoch, "tests") { BaseUrl = "ftp://example.org/v1", Timeout = TimeSpan.Zero },
            "sk-test-0123456789abcdef");

        var exception = Assert.Throws<ArgumentException>(() => _factory.CreateChatClient(credentials));

        Assert.Equal(
            "Connector 'main' (openai) cannot be called: its base URL 'ftp://example.org/v1' is not an http or https URL; its timeout 00:00:00 is not positive. (Parameter 'credentials')",
            exception.Message);
    }
}
