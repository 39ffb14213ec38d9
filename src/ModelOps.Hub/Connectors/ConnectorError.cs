using ModelOps.Store.Connectors;

namespace ModelOps.Hub.Connectors;

/// <summary>
/// Why a call to an LLM provider failed, in plain words and classified, whichever SDK made the call: what the connection
/// check reports and what the import's calls act on (wait <see cref="RetryAfter"/> on <see cref="ConnectorErrorKind.RateLimited"/>,
/// stop on <see cref="ConnectorErrorKind.KeyRefused"/>). The message never shows the API key.
/// </summary>
/// <param name="Kind">Which kind of failure it is.</param>
/// <param name="Message">
/// One line that says what failed, with the provider's own message where it sent one:
/// <c>the provider refused the API key (401): invalid x-api-key</c>, <c>rate limited (429); retry after 20 s</c>,
/// <c>no answer within 5 s</c>, <c>cannot reach http://127.0.0.1:9/v1: connection refused</c>.
/// </param>
public sealed record ConnectorError(ConnectorErrorKind Kind, string Message)
{
    /// <summary>The HTTP status the provider answered, or <see langword="null"/> when no answer came (a timeout, an unreachable host).</summary>
    public int? StatusCode { get; init; }

    /// <summary>
    /// How long the provider asked to wait before the next call (its <c>Retry-After</c> header, or Gemini's <c>RetryInfo</c>),
    /// or <see langword="null"/> when it did not say.
    /// </summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// Classifies an exception thrown by a call to the provider of <paramref name="credentials"/>: a
    /// <see cref="ConnectorException"/> gives its own error; the exceptions of the OpenAI, Anthropic and Google GenAI
    /// SDKs, of <see cref="HttpClient"/> and of JSON parsing are told apart by their status codes and causes.
    /// </summary>
    /// <remarks>
    /// The clients of <see cref="ConnectorClientFactory"/> already throw <see cref="ConnectorException"/>, which also
    /// knows what the HTTP answer said when an SDK's exception does not (Anthropic's and Gemini's keep no headers, so no
    /// <see cref="RetryAfter"/> here); use this for exceptions from elsewhere. An <see cref="OperationCanceledException"/>
    /// counts as a timeout: check your own cancellation token before calling this.
    /// </remarks>
    /// <param name="exception">What the call threw.</param>
    /// <param name="credentials">The connector that was called (its base URL and timeout go into messages; its key is kept out of them).</param>
    /// <param name="model">The model the call asked for; default: the connector's.</param>
    public static ConnectorError FromException(Exception exception, ConnectorCredentials credentials, string? model = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception is ConnectorException connectorException
            ? connectorException.Error
            : ConnectorErrors.Classify(exception, ConnectorEndpoint.Describe(credentials), model, response: null, timedOut: false);
    }
}

/// <summary>The kinds of <see cref="ConnectorError"/>.</summary>
public enum ConnectorErrorKind
{
    /// <summary>The provider refused the API key: 401 or 403 (and Gemini's 400 <c>API_KEY_INVALID</c>). Calling again will not help.</summary>
    KeyRefused,

    /// <summary>The provider limits the calls (429); <see cref="ConnectorError.RetryAfter"/> says how long to wait when it said.</summary>
    RateLimited,

    /// <summary>No answer came within the connector's timeout.</summary>
    Timeout,

    /// <summary>The base URL cannot be reached: connection refused, host not found, TLS failure, connection closed.</summary>
    Unreachable,

    /// <summary>The provider has no such model (404), or nothing is at the base URL.</summary>
    ModelNotFound,

    /// <summary>Any other HTTP error status, with the provider's message.</summary>
    HttpError,

    /// <summary>An answer came but is not the provider's protocol (an HTML page, JSON of another shape): usually a wrong base URL.</summary>
    InvalidAnswer,

    /// <summary>Anything else; the message carries the cause.</summary>
    Failed,
}
