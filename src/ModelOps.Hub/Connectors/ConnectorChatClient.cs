using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using GenerateContentResponse = Google.GenAI.Types.GenerateContentResponse;

namespace ModelOps.Hub.Connectors;

/// <summary>
/// The chat client <see cref="ConnectorClientFactory"/> hands out: around the SDK's own client it holds every call to the
/// connector's timeout, turns whatever the call throws into a <see cref="ConnectorException"/> (a cancellation by the
/// caller's token stays an <see cref="OperationCanceledException"/>), and disposes the SDK client and its HTTP client
/// (the SDKs' chat adapters dispose neither).
/// </summary>
internal sealed class ConnectorChatClient : DelegatingChatClient
{
    private readonly ConnectorEndpoint _endpoint;
    private readonly TimeProvider _time;
    private readonly IDisposable[] _owned;

    public ConnectorChatClient(IChatClient inner, ConnectorEndpoint endpoint, TimeProvider time, params IDisposable[] owned)
        : base(inner)
    {
        _endpoint = endpoint;
        _time = time;
        _owned = owned;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var call = new Call(this, options, cancellationToken);
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, options, call.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw call.Failure(exception);
        }

        if (IsHollow(response))
        {
            throw new ConnectorException(_endpoint.Name, ConnectorErrors.InvalidAnswer(_endpoint, call.Response));
        }

        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var call = new Call(this, options, cancellationToken);
        IAsyncEnumerator<ChatResponseUpdate>? updates = null;
        try
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    // An async iterator's steps need not share one async flow: the call is named again before each step.
                    ConnectorHttpHandler.Current = call.Response;
                    updates ??= base.GetStreamingResponseAsync(messages, options, call.Token).GetAsyncEnumerator(call.Token);
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    update = updates.Current;
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    throw call.Failure(exception);
                }

                yield return update;
            }
        }
        finally
        {
            if (updates is not null)
            {
                await updates.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="response"/> holds nothing a provider sends: no content and no finish reason. OpenAI's and
    /// Anthropic's SDKs refuse JSON of another shape, but Google GenAI reads <c>{"hello":"world"}</c> as an answer without
    /// candidates. A prompt Gemini blocked is a real answer without candidates: it names its block reason.
    /// </summary>
    private static bool IsHollow(ChatResponse response) =>
        response.FinishReason is null
        && response.Messages.All(message => message.Contents.Count == 0)
        && response.RawRepresentation is not GenerateContentResponse { PromptFeedback.BlockReason: not null };

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            foreach (var owned in _owned)
            {
                owned.Dispose();
            }
        }
    }

    /// <summary>One call: its timeout, what the provider answered in it, and the translation of its failure.</summary>
    private sealed class Call : IDisposable
    {
        private readonly ConnectorChatClient _client;
        private readonly string? _model;
        private readonly CancellationTokenSource _timeout;
        private readonly CancellationTokenSource _linked;

        public Call(ConnectorChatClient client, ChatOptions? options, CancellationToken cancellationToken)
        {
            _client = client;
            _model = options?.ModelId;
            _timeout = new CancellationTokenSource(client._endpoint.Timeout, client._time);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timeout.Token);
            Response = new ConnectorResponse(client._time);
            ConnectorHttpHandler.Current = Response;
        }

        public ConnectorResponse Response { get; }

        public CancellationToken Token => _linked.Token;

        /// <summary>The exception to throw for <paramref name="exception"/>: a <see cref="ConnectorException"/> whose texts never show the key.</summary>
        public ConnectorException Failure(Exception exception)
        {
            var endpoint = _client._endpoint;
            var error = ConnectorErrors.Classify(exception, endpoint, _model, Response, _timeout.IsCancellationRequested);
            return new ConnectorException(endpoint.Name, error, endpoint.Shows(exception.ToString()) ? null : exception);
        }

        public void Dispose()
        {
            _linked.Dispose();
            _timeout.Dispose();
        }
    }
}
