using ModelOps.Store.Connectors;

namespace ModelOps.Hub.Connectors;

/// <summary>
/// A connector as its calls see it: the base URL in force (the connector's, else the provider's own), the timeout in
/// force and the API key; and the one place that keeps that key out of messages. Its text never shows the key.
/// </summary>
internal sealed class ConnectorEndpoint
{
    private ConnectorEndpoint(Connector connector, string baseUrl, string? apiKey)
    {
        Name = connector.Name;
        Kind = connector.Kind;
        Model = connector.Model;
        BaseUrl = baseUrl;
        Timeout = connector.Timeout ?? ConnectorDefaults.Timeout;
        ApiKey = string.IsNullOrEmpty(apiKey) ? null : apiKey;
    }

    /// <summary>The connector's name.</summary>
    public string Name { get; }

    /// <summary>The provider's protocol.</summary>
    public ConnectorKind Kind { get; }

    /// <summary>The default model of the calls.</summary>
    public string Model { get; }

    /// <summary>The base URL in force, without a trailing <c>/</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>How long one call may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The API key, or <see langword="null"/> when there is none.</summary>
    public string? ApiKey { get; }

    /// <summary>
    /// The endpoint of <paramref name="credentials"/> as it is, valid or not (for messages about a failure: an
    /// OpenAI-compatible connector without a base URL shows <c>(no base URL)</c>).
    /// </summary>
    public static ConnectorEndpoint Describe(ConnectorCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var connector = credentials.Connector;
        var baseUrl = string.IsNullOrWhiteSpace(connector.BaseUrl)
            ? ConnectorClientDefaults.BaseUrl(connector.Kind) ?? "(no base URL)"
            : connector.BaseUrl.Trim().TrimEnd('/');
        return new ConnectorEndpoint(connector, baseUrl, credentials.ApiKey);
    }

    /// <summary>The endpoint of <paramref name="credentials"/>, checked once for everything a client needs.</summary>
    /// <exception cref="ArgumentException">The connector cannot be called; the message lists every problem.</exception>
    public static ConnectorEndpoint Resolve(ConnectorCredentials credentials)
    {
        var endpoint = Describe(credentials);
        var connector = credentials.Connector;
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(connector.Model))
        {
            problems.Add("it names no model");
        }

        if (string.IsNullOrWhiteSpace(connector.BaseUrl))
        {
            if (connector.Kind == ConnectorKind.OpenAICompatible)
            {
                problems.Add("an openai-compatible connector needs a base URL (such as http://localhost:11434/v1 for Ollama)");
            }
        }
        else if (!Uri.TryCreate(endpoint.BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"its base URL '{endpoint.BaseUrl}' is not an http or https URL");
        }

        if (endpoint.ApiKey is null && connector.Kind != ConnectorKind.OpenAICompatible)
        {
            problems.Add($"a {connector.Kind.ToName()} connector needs an API key");
        }

        if (endpoint.Timeout <= TimeSpan.Zero)
        {
            problems.Add($"its timeout {endpoint.Timeout} is not positive");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Connector '{connector.Name}' ({connector.Kind.ToName()}) cannot be called: {string.Join("; ", problems)}.", nameof(credentials));
        }

        return endpoint;
    }

    /// <summary><paramref name="text"/> with every occurrence of the API key replaced by <c>(hidden)</c>.</summary>
    public string Scrub(string text) =>
        ApiKey is { Length: >= ConnectorClientDefaults.MinScrubbedKeyLength } key ? text.Replace(key, "(hidden)", StringComparison.Ordinal) : text;

    /// <summary>Whether <paramref name="text"/> shows the API key.</summary>
    public bool Shows(string text) =>
        ApiKey is { Length: >= ConnectorClientDefaults.MinScrubbedKeyLength } key && text.Contains(key, StringComparison.Ordinal);

    /// <summary>Keeps the API key out of logs and messages.</summary>
    public override string ToString() => $"{Name} ({Kind.ToName()}, {BaseUrl}, model {Model}, timeout {Timeout})";
}
