using ModelOps.Store.Connectors;

namespace ModelOps.Hub.Connectors;

/// <summary>The constants of the connector clients, each with its reason.</summary>
internal static class ConnectorClientDefaults
{
    /// <summary>OpenAI's API; the SDK appends <c>/chat/completions</c>.</summary>
    public const string OpenAIBaseUrl = "https://api.openai.com/v1";

    /// <summary>Anthropic's API; the SDK appends <c>/v1/messages</c>.</summary>
    public const string AnthropicBaseUrl = "https://api.anthropic.com";

    /// <summary>The Gemini API; the SDK appends <c>/v1beta/models/{model}:generateContent</c>.</summary>
    public const string GeminiBaseUrl = "https://generativelanguage.googleapis.com";

    /// <summary>What a connection check asks: one word back is enough to prove the key, the model and the route.</summary>
    public const string CheckPrompt = "Reply with the single word OK.";

    /// <summary>
    /// The most output tokens a connection check asks for: enough for one word, few enough that a check
    /// costs next to nothing (a model that thinks first may stop before it writes; that still answers the check).
    /// </summary>
    public const int CheckMaxOutputTokens = 16;

    /// <summary>
    /// The shortest API key that messages are scrubbed of. Every provider's keys are dozens of characters long;
    /// replacing a 1-character "key" in a message would mangle its words and hide nothing.
    /// </summary>
    public const int MinScrubbedKeyLength = 8;

    /// <summary>The most characters of an error body kept for its message when the body is not the provider's error JSON.</summary>
    public const int MaxBodyExcerpt = 200;

    /// <summary>The most characters of an error body read at all (a provider's error JSON is a few hundred).</summary>
    public const int MaxErrorBody = 64 * 1024;

    /// <summary>The provider's own base URL for <paramref name="kind"/>, or <see langword="null"/> when it has none.</summary>
    public static string? BaseUrl(ConnectorKind kind) => kind switch
    {
        ConnectorKind.OpenAI => OpenAIBaseUrl,
        ConnectorKind.Anthropic => AnthropicBaseUrl,
        ConnectorKind.Gemini => GeminiBaseUrl,
        _ => null,
    };

    /// <summary>What a good answer of <paramref name="kind"/>'s protocol is called, for messages.</summary>
    public static string AnswerName(ConnectorKind kind) => kind switch
    {
        ConnectorKind.Anthropic => "an Anthropic message",
        ConnectorKind.Gemini => "a Gemini generateContent response",
        _ => "an OpenAI chat completion",
    };
}
