using System.ClientModel;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Anthropic.Exceptions;
using Google.GenAI;

namespace ModelOps.Hub.Connectors;

/// <summary>
/// The one place that turns what a call to a provider threw into a <see cref="ConnectorError"/>: the exceptions of the
/// OpenAI SDK (<see cref="ClientResultException"/>), the Anthropic SDK (<see cref="AnthropicApiException"/> and its kin),
/// Google GenAI (<see cref="ClientError"/>, <see cref="ServerError"/>), <see cref="HttpClient"/> and JSON parsing, with
/// what <see cref="ConnectorHttpHandler"/> saw of the answer where the SDK's exception does not keep it.
/// </summary>
internal static partial class ConnectorErrors
{
    /// <summary>Classifies <paramref name="exception"/>, thrown by a call to <paramref name="endpoint"/>.</summary>
    /// <param name="exception">What the call threw.</param>
    /// <param name="endpoint">The connector called.</param>
    /// <param name="model">The model the call asked for, or <see langword="null"/> for the connector's.</param>
    /// <param name="response">What the provider answered in the call, when it was watched.</param>
    /// <param name="timedOut">Whether the call's own timeout ran out.</param>
    public static ConnectorError Classify(Exception exception, ConnectorEndpoint endpoint, string? model, ConnectorResponse? response, bool timedOut)
    {
        if (exception is ConnectorException connectorException)
        {
            return connectorException.Error;
        }

        if (timedOut)
        {
            return Timeout(endpoint);
        }

        if (HttpFailureOf(exception, response) is { } failure)
        {
            return FromStatus(failure, endpoint, string.IsNullOrWhiteSpace(model) ? endpoint.Model : model);
        }

        // Each SDK's own timeout: Anthropic wraps a TimeoutException, OpenAI's network timeout and HttpClient.Timeout cancel.
        if (exception is OperationCanceledException || Find<TimeoutException>(exception) is not null)
        {
            return Timeout(endpoint);
        }

        if (Find<HttpRequestException>(exception) is not null || Find<SocketException>(exception) is not null)
        {
            return new ConnectorError(ConnectorErrorKind.Unreachable, endpoint.Scrub($"cannot reach {endpoint.BaseUrl}: {TransportReason(exception)}"));
        }

        if (response is { Status: >= 200 and < 300 } || IsUnreadableAnswer(exception))
        {
            return InvalidAnswer(endpoint, response);
        }

        return new ConnectorError(ConnectorErrorKind.Failed, endpoint.Scrub($"the call failed ({exception.GetType().Name}): {FirstLine(exception.Message)}"));
    }

    /// <summary>The error of an answer that is not the protocol of <paramref name="endpoint"/>: usually a wrong base URL.</summary>
    public static ConnectorError InvalidAnswer(ConnectorEndpoint endpoint, ConnectorResponse? response)
    {
        var mediaType = response?.MediaType is { } type ? $" (it is {type})" : "";
        return new ConnectorError(
            ConnectorErrorKind.InvalidAnswer,
            $"the answer from {endpoint.BaseUrl} is not {ConnectorClientDefaults.AnswerName(endpoint.Kind)}{mediaType}; is the base URL right?")
        {
            StatusCode = response?.Status is > 0 and var status ? status : null,
        };
    }

    /// <summary>Formats a timeout or elapsed time for messages: <c>500 ms</c>, <c>5 s</c>, <c>2.5 s</c>.</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalMilliseconds} ms");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.#} s");
    }

    private static ConnectorError Timeout(ConnectorEndpoint endpoint) =>
        new(ConnectorErrorKind.Timeout, $"no answer within {Duration(endpoint.Timeout)}");

    private static ConnectorError FromStatus(HttpFailure failure, ConnectorEndpoint endpoint, string model)
    {
        var (providerMessage, isProviderJson) = ProviderMessage(failure.Body);
        providerMessage ??= failure.Message;
        var said = providerMessage is null ? "" : $": {providerMessage}";
        var retryAfter = failure.RetryAfter ?? GeminiRetryDelay(failure.Body);
        var (kind, message) = failure.Status switch
        {
            401 or 403 => (ConnectorErrorKind.KeyRefused, $"the provider refused the API key ({failure.Status}){said}"),
            // Gemini answers a wrong key with 400 INVALID_ARGUMENT and the reason API_KEY_INVALID.
            400 when IsGeminiKeyRefusal(failure) => (ConnectorErrorKind.KeyRefused, $"the provider refused the API key ({failure.Status}){said}"),
            429 => (ConnectorErrorKind.RateLimited, $"rate limited (429){RetryAfterText(retryAfter)}{said}"),
            404 when isProviderJson || failure.Body is null => (ConnectorErrorKind.ModelNotFound, $"model '{model}' not found (404){said}"),
            404 => (ConnectorErrorKind.ModelNotFound, $"not found (404){said}; is the base URL {endpoint.BaseUrl} right?"),
            _ => (ConnectorErrorKind.HttpError, $"the provider answered {failure.Status}{said}"),
        };
        return new ConnectorError(kind, endpoint.Scrub(message))
        {
            StatusCode = failure.Status,
            RetryAfter = failure.Status == 429 ? retryAfter : null,
        };
    }

    private static string RetryAfterText(TimeSpan? retryAfter) =>
        retryAfter is { } wait ? string.Create(CultureInfo.InvariantCulture, $"; retry after {Math.Ceiling(wait.TotalSeconds)} s") : "";

    /// <summary>The HTTP error status of the call and what came with it, from the watched answer or else from the SDK's exception.</summary>
    private static HttpFailure? HttpFailureOf(Exception exception, ConnectorResponse? response)
    {
        if (response is { Status: >= 400 })
        {
            return new HttpFailure(response.Status, response.ErrorBody, null, response.RetryAfter);
        }

        if (Find<ClientResultException>(exception) is { Status: >= 400 } openAI)
        {
            var raw = openAI.GetRawResponse();
            string? body = null;
            TimeSpan? retryAfter = null;
            if (raw is not null)
            {
                try
                {
                    body = raw.Content.ToString();
                }
                catch (InvalidOperationException)
                {
                    // The body was not buffered; the status alone has to do.
                }

                if (raw.Headers.TryGetValue("Retry-After", out var header) && double.TryParse(header, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                {
                    retryAfter = TimeSpan.FromSeconds(seconds);
                }
            }

            return new HttpFailure(openAI.Status, body, null, retryAfter);
        }

        if (Find<AnthropicApiException>(exception) is { } anthropic)
        {
            return new HttpFailure((int)anthropic.StatusCode, anthropic.ResponseBody, null, null);
        }

        // Google GenAI keeps the error's message (and its details after a line "Details: ...") but not the body.
        if (Find<ClientError>(exception) is { StatusCode: >= 400 } geminiClient)
        {
            return new HttpFailure(geminiClient.StatusCode, null, FirstLine(geminiClient.Message), null, geminiClient.Message);
        }

        if (Find<ServerError>(exception) is { StatusCode: >= 400 } geminiServer)
        {
            return new HttpFailure(geminiServer.StatusCode, null, FirstLine(geminiServer.Message), null, geminiServer.Message);
        }

        if (Find<HttpRequestException>(exception) is { StatusCode: { } status })
        {
            return new HttpFailure((int)status, null, null, null);
        }

        return null;
    }

    /// <summary>
    /// The provider's message in an error body: <c>error.message</c> (OpenAI, Anthropic, Gemini), <c>error</c> as a string
    /// (Ollama), <c>detail</c> or <c>message</c> (vLLM and other servers); else the body's text, tags dropped, cut short.
    /// </summary>
    private static (string? Message, bool IsProviderJson) ProviderMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, false);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                    {
                        return (Excerpt(message.GetString()), true);
                    }

                    if (error.ValueKind == JsonValueKind.String)
                    {
                        return (Excerpt(error.GetString()), true);
                    }
                }

                foreach (var name in (ReadOnlySpan<string>)["detail", "message"])
                {
                    if (root.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String)
                    {
                        return (Excerpt(text.GetString()), true);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: an HTML error page or plain text.
        }

        return (Excerpt(Tags().Replace(body, " ")), false);
    }

    /// <summary>Gemini's wait before the next call: <c>error.details[]</c> of type <c>google.rpc.RetryInfo</c>, <c>retryDelay</c> such as <c>"20s"</c>.</summary>
    private static TimeSpan? GeminiRetryDelay(string? body)
    {
        if (body is null || !body.Contains("RetryInfo", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
            {
                foreach (var detail in details.EnumerateArray())
                {
                    if (detail.ValueKind == JsonValueKind.Object
                        && detail.TryGetProperty("@type", out var type) && type.GetString()?.EndsWith("google.rpc.RetryInfo", StringComparison.Ordinal) == true
                        && detail.TryGetProperty("retryDelay", out var delay) && delay.GetString() is { } text && text.EndsWith('s')
                        && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                    {
                        return TimeSpan.FromSeconds(seconds);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not Gemini's error JSON.
        }

        return null;
    }

    private static bool IsGeminiKeyRefusal(HttpFailure failure) =>
        (failure.Body ?? failure.FullMessage)?.Contains("API_KEY_INVALID", StringComparison.Ordinal) == true;

    /// <summary>Why a connection failed, in a few words.</summary>
    private static string TransportReason(Exception exception)
    {
        if (Find<SocketException>(exception) is { } socket)
        {
            switch (socket.SocketErrorCode)
            {
                case SocketError.ConnectionRefused:
                    return "connection refused";
                case SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain:
                    return "host not found";
                case SocketError.NetworkUnreachable or SocketError.NetworkDown:
                    return "network unreachable";
                case SocketError.HostUnreachable or SocketError.HostDown:
                    return "host unreachable";
                case SocketError.TimedOut:
                    return "connection timed out";
                case SocketError.ConnectionReset or SocketError.ConnectionAborted:
                    return "connection reset";
            }
        }

        var http = Find<HttpRequestException>(exception);
        return http?.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "host not found",
            HttpRequestError.SecureConnectionError => "the TLS handshake failed",
            HttpRequestError.ResponseEnded => "the connection closed before the answer was complete",
            HttpRequestError.InvalidResponse => "the answer is not HTTP",
            HttpRequestError.ProxyTunnelError => "the proxy refused the connection",
            HttpRequestError.ConnectionError => "the connection failed",
            _ => FirstLine((http ?? exception).Message),
        };
    }

    /// <summary>Whether <paramref name="exception"/> says an answer could not be read as the protocol (when the answer itself was not watched).</summary>
    private static bool IsUnreadableAnswer(Exception exception) =>
        Find<JsonException>(exception) is not null || Find<FormatException>(exception) is not null || Find<AnthropicInvalidDataException>(exception) is not null;

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }

            if (current is AggregateException { InnerExceptions.Count: 1 } aggregate)
            {
                return Find<T>(aggregate.InnerExceptions[0]);
            }
        }

        return null;
    }

    private static string FirstLine(string text)
    {
        var end = text.AsSpan().IndexOfAny('\r', '\n');
        return (end < 0 ? text : text[..end]).Trim();
    }

    private static string? Excerpt(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var oneLine = Whitespace().Replace(text, " ").Trim();
        return oneLine.Length <= ConnectorClientDefaults.MaxBodyExcerpt ? oneLine : string.Concat(oneLine.AsSpan(0, ConnectorClientDefaults.MaxBodyExcerpt), "...");
    }

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>An HTTP error answer: its status, body (when known), the SDK's message of it (when the body is not known) and its wait.</summary>
    private sealed record HttpFailure(int Status, string? Body, string? Message, TimeSpan? RetryAfter, string? FullMessage = null);
}
