namespace ModelOps.Store.Connectors;

/// <summary>Which provider a connector calls, and so which protocol its client speaks.</summary>
public enum ConnectorKind
{
    /// <summary>OpenAI's chat completions (<c>openai</c>); default base URL <c>https://api.openai.com/v1</c>.</summary>
    OpenAI,

    /// <summary>Anthropic's messages API (<c>anthropic</c>); default base URL <c>https://api.anthropic.com</c>.</summary>
    Anthropic,

    /// <summary>Google Gemini's generateContent (<c>gemini</c>); default base URL <c>https://generativelanguage.googleapis.com</c>.</summary>
    Gemini,

    /// <summary>Any endpoint that speaks OpenAI's chat completions at a base URL it must be given (<c>openai-compatible</c>): Azure OpenAI, Ollama, vLLM, LM Studio.</summary>
    OpenAICompatible,
}

/// <summary>The names of <see cref="ConnectorKind"/> values.</summary>
public static class ConnectorKindNames
{
    /// <summary>The accepted kind names, for messages.</summary>
    public const string Accepted = "openai, anthropic, gemini, openai-compatible";

    /// <summary><c>openai</c>, <c>anthropic</c>, <c>gemini</c> or <c>openai-compatible</c>.</summary>
    public static string ToName(this ConnectorKind kind) => kind switch
    {
        ConnectorKind.OpenAI => "openai",
        ConnectorKind.Anthropic => "anthropic",
        ConnectorKind.Gemini => "gemini",
        ConnectorKind.OpenAICompatible => "openai-compatible",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown connector kind."),
    };

    /// <summary>Parses a kind name (case-insensitive); <see langword="false"/> when it is none.</summary>
    public static bool TryParse(string? name, out ConnectorKind kind)
    {
        switch (name?.ToLowerInvariant())
        {
            case "openai":
                kind = ConnectorKind.OpenAI;
                return true;
            case "anthropic":
                kind = ConnectorKind.Anthropic;
                return true;
            case "gemini":
                kind = ConnectorKind.Gemini;
                return true;
            case "openai-compatible":
                kind = ConnectorKind.OpenAICompatible;
                return true;
            default:
                kind = default;
                return false;
        }
    }
}

/// <summary>A connector to an LLM provider as stored and shown: never its API key, only the key's last 4 characters and when it was set.</summary>
/// <param name="Name">The connector's name (what <c>--connector NAME</c> picks).</param>
/// <param name="Kind">The provider's protocol.</param>
/// <param name="Model">The model its calls use unless a call names another (<c>gpt-4o-mini</c>, <c>claude-sonnet-4-5</c>, <c>gemini-2.5-flash</c>, <c>llama3.1</c>).</param>
/// <param name="CreatedAt">When it was added (UTC).</param>
/// <param name="CreatedBy">Who added it (the token's name, or the CLI user).</param>
public sealed record Connector(string Name, ConnectorKind Kind, string Model, DateTimeOffset CreatedAt, string CreatedBy)
{
    /// <summary>The endpoint's base URL, or <see langword="null"/> for the provider's own (required for <see cref="ConnectorKind.OpenAICompatible"/>).</summary>
    public string? BaseUrl { get; init; }

    /// <summary>How long one call may take, or <see langword="null"/> for the default (<see cref="ConnectorDefaults.Timeout"/>).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The API key's last 4 characters (<c>...x9Qz</c> is how they are shown), or <see langword="null"/> when the connector has no key (a local endpoint) or one of 8 characters or fewer.</summary>
    public string? KeyHint { get; init; }

    /// <summary>When the API key was last set, or <see langword="null"/> when the connector has no key.</summary>
    public DateTimeOffset? KeySetAt { get; init; }

    /// <summary>When the connector was last changed (UTC).</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>What <see cref="IConnectorStore.AddConnectorAsync"/> adds.</summary>
/// <param name="Name">1 to 100 characters: letters, digits, <c>-</c>, <c>_</c> and <c>.</c>.</param>
/// <param name="Kind">The provider's protocol.</param>
/// <param name="Model">The default model of its calls.</param>
public sealed record NewConnector(string Name, ConnectorKind Kind, string Model)
{
    /// <summary>The endpoint's base URL (http or https); required for <see cref="ConnectorKind.OpenAICompatible"/>.</summary>
    /// <value>Default: <see langword="null"/>, the provider's own.</value>
    public string? BaseUrl { get; init; }

    /// <summary>The API key; encrypted before it is stored and never returned.</summary>
    /// <value>Default: <see langword="null"/>, allowed only for <see cref="ConnectorKind.OpenAICompatible"/> (Ollama and vLLM need none).</value>
    public string? ApiKey { get; init; }

    /// <summary>How long one call may take (1 second to 10 minutes).</summary>
    /// <value>Default: <see langword="null"/>, <see cref="ConnectorDefaults.Timeout"/>.</value>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Keeps the API key out of logs and messages.</summary>
    public override string ToString() => $"NewConnector {{ Name = {Name}, Kind = {Kind.ToName()}, Model = {Model}, BaseUrl = {BaseUrl}, ApiKey = {(ApiKey is null ? "none" : "(hidden)")}, Timeout = {Timeout} }}";
}

/// <summary>What <see cref="IConnectorStore.UpdateConnectorAsync"/> changes: the properties that are set.</summary>
public sealed record ConnectorChange
{
    /// <summary>A new default model, or <see langword="null"/> to keep it.</summary>
    public string? Model { get; init; }

    /// <summary>A new base URL, or <see langword="null"/> to keep it (an empty string goes back to the provider's own).</summary>
    public string? BaseUrl { get; init; }

    /// <summary>A new API key, or <see langword="null"/> to keep it; the old key is overwritten, never shown.</summary>
    public string? ApiKey { get; init; }

    /// <summary>A new timeout, or <see langword="null"/> to keep it.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Keeps the API key out of logs and messages.</summary>
    public override string ToString() => $"ConnectorChange {{ Model = {Model}, BaseUrl = {BaseUrl}, ApiKey = {(ApiKey is null ? "unchanged" : "(hidden)")}, Timeout = {Timeout} }}";
}

/// <summary>A connector with its API key decrypted, to make a call with and then drop; its text never shows the key.</summary>
/// <param name="Connector">The connector.</param>
/// <param name="ApiKey">The decrypted API key, or <see langword="null"/> when the connector has none.</param>
public sealed record ConnectorCredentials(Connector Connector, string? ApiKey)
{
    /// <summary>Keeps the API key out of logs and messages.</summary>
    public override string ToString() => $"ConnectorCredentials {{ Connector = {Connector}, ApiKey = (hidden) }}";
}

/// <summary>Connector defaults.</summary>
public static class ConnectorDefaults
{
    /// <summary>How long a call may take when the connector does not say: 60 seconds.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
}

/// <summary>What <see cref="IConnectorStore.RotateMasterKeyAsync"/> did.</summary>
/// <param name="CurrentKeyId">The id of the master key every API key is now encrypted under.</param>
/// <param name="RetiredKeyIds">The ids of the keys no longer needed (drop them from <c>MODELOPS_SECRET_KEY</c> on every hub).</param>
/// <param name="Reencrypted">How many API keys were re-encrypted.</param>
/// <param name="KeyFile">The key file that now holds only the new key (copy it to every hub), or <see langword="null"/> when the keys came from <c>MODELOPS_SECRET_KEY</c>.</param>
public sealed record MasterKeyRotation(string CurrentKeyId, IReadOnlyList<string> RetiredKeyIds, int Reencrypted, string? KeyFile);
