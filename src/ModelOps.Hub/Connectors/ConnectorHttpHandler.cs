namespace ModelOps.Hub.Connectors;

/// <summary>
/// Sits in every connector client's <see cref="HttpClient"/> and notes, for the call in progress, what the provider
/// answered: status, content type, <c>Retry-After</c> and, for an error status, the body. The SDKs' exceptions do not all
/// keep these (Anthropic's and Gemini's keep no headers), and the error of a call is classified from them.
/// </summary>
/// <remarks>
/// The call in progress is an <see cref="AsyncLocal{T}"/> set by <see cref="ConnectorChatClient"/> around each call: it
/// flows down into the SDK's send, so concurrent calls through one client each see their own answer. Outside a call
/// the handler only passes requests on.
/// </remarks>
internal sealed class ConnectorHttpHandler : DelegatingHandler
{
    private static readonly AsyncLocal<ConnectorResponse?> CurrentCall = new();

    /// <summary>Creates the handler; <paramref name="inner"/> is <see langword="null"/> where the SDK attaches its own.</summary>
    public ConnectorHttpHandler(HttpMessageHandler? inner = null)
    {
        if (inner is not null)
        {
            InnerHandler = inner;
        }
    }

    /// <summary>What the provider answered in the call in progress on this async flow.</summary>
    public static ConnectorResponse? Current
    {
        get => CurrentCall.Value;
        set => CurrentCall.Value = value;
    }

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (CurrentCall.Value is { } call)
        {
            await call.ObserveAsync(response, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }
}

/// <summary>What the provider answered in one call (the last answer, as the SDKs make one request per call with their retries off).</summary>
internal sealed class ConnectorResponse(TimeProvider time)
{
    /// <summary>The HTTP status, or 0 when no answer came.</summary>
    public int Status { get; private set; }

    /// <summary>The media type of the answer's body, such as <c>text/html</c>.</summary>
    public string? MediaType { get; private set; }

    /// <summary>The <c>Retry-After</c> header as a wait from now, or <see langword="null"/>.</summary>
    public TimeSpan? RetryAfter { get; private set; }

    /// <summary>The body of an error answer (at most <see cref="ConnectorClientDefaults.MaxErrorBody"/> characters), or <see langword="null"/>.</summary>
    public string? ErrorBody { get; private set; }

    /// <summary>Notes <paramref name="response"/>; an error body is buffered so the SDK still reads it.</summary>
    public async Task ObserveAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        Status = (int)response.StatusCode;
        MediaType = response.Content.Headers.ContentType?.MediaType;
        RetryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow() is { } wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
            _ => null,
        };
        ErrorBody = null;
        if (!response.IsSuccessStatusCode)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            ErrorBody = body.Length > ConnectorClientDefaults.MaxErrorBody ? body[..ConnectorClientDefaults.MaxErrorBody] : body;
        }
    }
}
