using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ModelOps.Hub.Tests.Infrastructure;

// A stand-in for an LLM provider on 127.0.0.1 that speaks the provider's real wire protocol, for tests of the
// connector clients through the real SDKs. Self-contained (BCL only: HttpListener, System.Text.Json) so that other
// test projects can link this file with <Compile Include="..." Link="..." />.

/// <summary>The wire protocol an <see cref="LlmStubServer"/> speaks.</summary>
internal enum LlmProtocol
{
    /// <summary>OpenAI's chat completions, <c>POST /v1/chat/completions</c> (also what OpenAI-compatible servers speak); key in <c>Authorization: Bearer</c>.</summary>
    OpenAI,

    /// <summary>Anthropic's messages, <c>POST /v1/messages</c> with <c>anthropic-version</c>; key in <c>x-api-key</c> (or <c>Authorization: Bearer</c>, as the .NET SDK 13 sends it).</summary>
    Anthropic,

    /// <summary>Gemini's generateContent, <c>POST /v1beta/models/{model}:generateContent</c>; key in <c>x-goog-api-key</c> or <c>?key=</c>.</summary>
    Gemini,
}

/// <summary>A request the stub received.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, such as <c>/v1/chat/completions</c>.</param>
/// <param name="Query">The query string with its <c>?</c>, or empty.</param>
/// <param name="Headers">The headers (names case-insensitive; repeated headers joined with <c>, </c>).</param>
/// <param name="Body">The body as text.</param>
internal sealed record LlmStubRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>Header <paramref name="name"/>, or <see langword="null"/>.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The body as JSON, or <see langword="null"/> when it is not JSON.</summary>
    public JsonNode? Json
    {
        get
        {
            try
            {
                return JsonNode.Parse(Body);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>The model asked for: the body's <c>model</c> (OpenAI, Anthropic) or the path's (Gemini).</summary>
    public string? Model =>
        LlmStubServer.GeminiPath.Match(Path) is { Success: true } match ? match.Groups["model"].Value : Json?["model"]?.GetValue<string>();

    /// <summary>The text of the last user message: OpenAI's and Anthropic's <c>messages</c>, Gemini's <c>contents</c>; text parts joined.</summary>
    public string? Prompt
    {
        get
        {
            var json = Json;
            var turns = json?["messages"]?.AsArray() ?? json?["contents"]?.AsArray();
            var last = turns?.LastOrDefault(turn => turn?["role"]?.GetValue<string>() == "user");
            if (last is null)
            {
                return null;
            }

            var content = last["content"] ?? last["parts"];
            if (content is JsonValue value)
            {
                return value.GetValue<string>();
            }

            return string.Concat(content!.AsArray().Select(part => part?["text"]?.GetValue<string>() ?? ""));
        }
    }
}

/// <summary>What the stub answers to one request; make them with the static members.</summary>
internal abstract record LlmStubReply
{
    private LlmStubReply()
    {
    }

    /// <summary>A successful answer in the protocol's shape with <paramref name="text"/>, naming <paramref name="model"/> (default: the one asked for).</summary>
    public static LlmStubReply Text(string text, string? model = null) => new TextReply(text, model);

    /// <summary>
    /// An HTTP error in the provider's own error JSON (OpenAI <c>{"error":{"message","type","param","code"}}</c>, Anthropic
    /// <c>{"type":"error","error":{"type","message"}}</c>, Gemini <c>{"error":{"code","message","status","details"}}</c>);
    /// <paramref name="retryAfter"/> goes where the provider puts it: the <c>Retry-After</c> header (OpenAI, Anthropic),
    /// a <c>google.rpc.RetryInfo</c> detail (Gemini).
    /// </summary>
    public static LlmStubReply Error(int status, string message, TimeSpan? retryAfter = null) => new ErrorReply(status, message, retryAfter);

    /// <summary>No answer at all, until the client gives up (or the stub is disposed).</summary>
    public static LlmStubReply Hang() => new HangReply();

    /// <summary>An answer that is not the protocol: <paramref name="body"/> as it is (default: a web server's welcome page).</summary>
    public static LlmStubReply Garbage(
        string body = "<html><head><title>Welcome</title></head><body><h1>It works!</h1></body></html>", string contentType = "text/html; charset=utf-8", int status = 200) =>
        new GarbageReply(body, contentType, status);

    internal sealed record TextReply(string Content, string? Model) : LlmStubReply;

    internal sealed record ErrorReply(int Status, string Message, TimeSpan? RetryAfter) : LlmStubReply;

    internal sealed record HangReply : LlmStubReply;

    internal sealed record GarbageReply(string Body, string ContentType, int Status) : LlmStubReply;
}

/// <summary>
/// An LLM provider's stand-in on 127.0.0.1 (a free port), speaking one <see cref="LlmProtocol"/>: it checks the API key it
/// expects (answering in the provider's error format otherwise), answers with the replies queued by
/// <see cref="Enqueue"/> in order (a text answer <c>OK</c> when none is queued), and records every request.
/// Non-streaming only (the SDKs' <c>GetResponseAsync</c> does not stream): a streaming request gets a scripted error,
/// hang or garbage as any other, and a 400 instead of a text answer.
/// </summary>
internal sealed partial class LlmStubServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly string? _apiKey;
    private readonly ConcurrentQueue<LlmStubReply> _replies = new();
    private readonly ConcurrentQueue<LlmStubRequest> _requests = new();
    private readonly ConcurrentDictionary<Task, bool> _handlers = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private int _served;

    /// <summary>Starts a stub of <paramref name="protocol"/> that expects <paramref name="apiKey"/> (none: any request is let in, as Ollama does).</summary>
    public LlmStubServer(LlmProtocol protocol, string? apiKey)
    {
        Protocol = protocol;
        _apiKey = apiKey;
        (_listener, Port) = Listen();
        Root = $"http://127.0.0.1:{Port}";
        _accepting = AcceptAsync();
    }

    /// <summary>The protocol spoken.</summary>
    public LlmProtocol Protocol { get; }

    /// <summary>The port listened on.</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:PORT</c>.</summary>
    public string Root { get; }

    /// <summary>The base URL a client is given: <c>{Root}/v1</c> for OpenAI (its SDK appends <c>/chat/completions</c>), <see cref="Root"/> for the others.</summary>
    public string BaseUrl => Protocol == LlmProtocol.OpenAI ? Root + "/v1" : Root;

    /// <summary>Every request received so far, in order.</summary>
    public IReadOnlyList<LlmStubRequest> Requests => [.. _requests];

    internal static Regex GeminiPath { get; } = GeminiPathRegex();

    /// <summary>Queues replies, answered in order to the requests that pass the key check.</summary>
    public void Enqueue(params LlmStubReply[] replies)
    {
        foreach (var reply in replies)
        {
            _replies.Enqueue(reply);
        }
    }

    /// <summary>Stops listening; a hanging reply is given up.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Close();
        try
        {
            await _accepting.WaitAsync(TimeSpan.FromSeconds(5));
            await Task.WhenAll(_handlers.Keys).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException or HttpListenerException or ObjectDisposedException)
        {
            // A handler stuck on a dead connection is left behind; the listener is closed.
        }

        _stopping.Dispose();
    }

    private static (HttpListener Listener, int Port) Listen()
    {
        // HttpListener cannot bind port 0: take a port the system just handed out, and try again if another process took it first.
        for (var attempt = 1; ; attempt++)
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return (listener, port);
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close();
            }
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var handler = Task.Run(() => HandleAsync(context));
            _handlers[handler] = true;
            _ = handler.ContinueWith(done => _handlers.TryRemove(done, out _), TaskScheduler.Default);
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            var request = await ReadAsync(context.Request);
            _requests.Enqueue(request);
            await AnswerAsync(request, context.Response);
        }
        catch (Exception exception) when (exception is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The client went away (it gave up on a hang) or the stub is stopping.
        }
        finally
        {
            try
            {
                context.Response.Close();
            }
            catch (Exception exception) when (exception is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                // Already gone.
            }
        }
    }

    private static async Task<LlmStubRequest> ReadAsync(HttpListenerRequest request)
    {
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in request.Headers.AllKeys)
        {
            if (name is not null)
            {
                headers[name] = string.Join(", ", request.Headers.GetValues(name) ?? []);
            }
        }

        return new LlmStubRequest(request.HttpMethod, request.Url!.AbsolutePath, request.Url.Query, headers, body);
    }

    private async Task AnswerAsync(LlmStubRequest request, HttpListenerResponse response)
    {
        if (Protocol == LlmProtocol.OpenAI && IsFineTuningPath(request.Path))
        {
            if (KeyRefusal(request) is { } keyRefusal)
            {
                await WriteErrorAsync(response, keyRefusal.Status, keyRefusal.Message, retryAfter: null);
                return;
            }

            await AnswerFineTuningAsync(request, response);
            return;
        }

        string? model;
        switch (Protocol)
        {
            case LlmProtocol.OpenAI when request is { Method: "POST", Path: "/v1/chat/completions" }:
            case LlmProtocol.Anthropic when request is { Method: "POST", Path: "/v1/messages" }:
                model = request.Model;
                break;
            case LlmProtocol.Gemini when request.Method == "POST" && GeminiPath.Match(request.Path) is { Success: true } match:
                model = match.Groups["model"].Value;
                break;
            default:
                // As a Go server such as Ollama answers an unknown path.
                await WriteAsync(response, 404, "text/plain; charset=utf-8", "404 page not found");
                return;
        }

        if (KeyRefusal(request) is { } refusal)
        {
            await WriteErrorAsync(response, refusal.Status, refusal.Message, retryAfter: null, refusal.GeminiReason);
            return;
        }

        if (Protocol == LlmProtocol.Anthropic && request.Header("anthropic-version") is null)
        {
            await WriteErrorAsync(response, 400, "anthropic-version: header is required", retryAfter: null);
            return;
        }

        var reply = _replies.TryDequeue(out var next) ? next : LlmStubReply.Text("OK");
        var streaming = request.Json?["stream"]?.GetValue<bool>() == true || request.Path.EndsWith(":streamGenerateContent", StringComparison.Ordinal);
        switch (reply)
        {
            case LlmStubReply.TextReply when streaming:
                await WriteErrorAsync(response, 400, "the stub does not stream", retryAfter: null);
                break;
            case LlmStubReply.TextReply text:
                await WriteAsync(response, 200, "application/json", Answer(text.Content, text.Model ?? model ?? "stub-model"));
                break;
            case LlmStubReply.ErrorReply error:
                await WriteErrorAsync(response, error.Status, error.Message, error.RetryAfter);
                break;
            case LlmStubReply.GarbageReply garbage:
                await WriteAsync(response, garbage.Status, garbage.ContentType, garbage.Body);
                break;
            case LlmStubReply.HangReply:
                await Task.Delay(Timeout.InfiniteTimeSpan, _stopping.Token);
                break;
        }
    }

    /// <summary>The provider's answer to a wrong or missing key, or <see langword="null"/> when the key is the expected one.</summary>
    private (int Status, string Message, string? GeminiReason)? KeyRefusal(LlmStubRequest request)
    {
        if (_apiKey is null)
        {
            return null;
        }

        var bearer = request.Header("Authorization") is { } authorization && authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            ? authorization["Bearer ".Length..]
            : null;
        switch (Protocol)
        {
            case LlmProtocol.OpenAI:
                return bearer == _apiKey ? null
                    : bearer is null ? (401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", null)
                    : (401, $"Incorrect API key provided: {Masked(bearer)}. You can find your API key at https://platform.openai.com/account/api-keys.", null);
            case LlmProtocol.Anthropic:
                var key = request.Header("x-api-key") ?? bearer;
                return key == _apiKey ? null
                    : key is null ? (401, "x-api-key header is required", null)
                    : (401, "invalid x-api-key", null);
            default:
                var googleKey = request.Header("x-goog-api-key") ?? QueryValue(request.Query, "key");
                // Gemini answers a wrong key with 400 INVALID_ARGUMENT, a missing one with 403 PERMISSION_DENIED.
                return googleKey == _apiKey ? null
                    : googleKey is null ? (403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.", null)
                    : (400, "API key not valid. Please pass a valid API key.", "API_KEY_INVALID");
        }
    }

    private static string Masked(string key) => key.Length <= 8 ? "****" : key[..3] + new string('*', key.Length - 7) + key[^4..];

    private static string? QueryValue(string query, string name)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts[0] == name)
            {
                return parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : "";
            }
        }

        return null;
    }

    private string Answer(string text, string model)
    {
        var id = Interlocked.Increment(ref _served).ToString(CultureInfo.InvariantCulture);
        JsonNode answer = Protocol switch
        {
            LlmProtocol.OpenAI => new JsonObject
            {
                ["id"] = "chatcmpl-stub" + id,
                ["object"] = "chat.completion",
                ["created"] = 1767225600,
                ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text, ["refusal"] = null },
                    ["logprobs"] = null,
                    ["finish_reason"] = "stop",
                }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 12, ["completion_tokens"] = 1, ["total_tokens"] = 13 },
            },
            LlmProtocol.Anthropic => new JsonObject
            {
                ["id"] = "msg_stub" + id,
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = model,
                ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
                ["stop_reason"] = "end_turn",
                ["stop_sequence"] = null,
                ["usage"] = new JsonObject { ["input_tokens"] = 12, ["output_tokens"] = 1 },
            },
            _ => new JsonObject
            {
                ["candidates"] = new JsonArray(new JsonObject
                {
                    ["content"] = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = text }), ["role"] = "model" },
                    ["finishReason"] = "STOP",
                    ["index"] = 0,
                }),
                ["usageMetadata"] = new JsonObject { ["promptTokenCount"] = 12, ["candidatesTokenCount"] = 1, ["totalTokenCount"] = 13 },
                ["modelVersion"] = model,
                ["responseId"] = "stub" + id,
            },
        };
        return answer.ToJsonString();
    }

    private Task WriteErrorAsync(HttpListenerResponse response, int status, string message, TimeSpan? retryAfter, string? geminiReason = null)
    {
        JsonNode error;
        switch (Protocol)
        {
            case LlmProtocol.OpenAI:
                var (type, code) = status switch
                {
                    401 => ("invalid_request_error", "invalid_api_key"),
                    404 => ("invalid_request_error", "model_not_found"),
                    429 => ("requests", "rate_limit_exceeded"),
                    >= 500 => ("server_error", null),
                    _ => ("invalid_request_error", (string?)null),
                };
                error = new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = code } };
                break;
            case LlmProtocol.Anthropic:
                var errorType = status switch
                {
                    400 => "invalid_request_error",
                    401 => "authentication_error",
                    403 => "permission_error",
                    404 => "not_found_error",
                    413 => "request_too_large",
                    429 => "rate_limit_error",
                    529 => "overloaded_error",
                    _ => "api_error",
                };
                error = new JsonObject
                {
                    ["type"] = "error",
                    ["error"] = new JsonObject { ["type"] = errorType, ["message"] = message },
                    ["request_id"] = "req_stub" + Interlocked.Increment(ref _served).ToString(CultureInfo.InvariantCulture),
                };
                break;
            default:
                var details = new JsonArray();
                if (geminiReason is not null)
                {
                    details.Add(new JsonObject { ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo", ["reason"] = geminiReason, ["domain"] = "googleapis.com" });
                }

                if (retryAfter is { } delay)
                {
                    details.Add(new JsonObject { ["@type"] = "type.googleapis.com/google.rpc.RetryInfo", ["retryDelay"] = string.Create(CultureInfo.InvariantCulture, $"{delay.TotalSeconds}s") });
                }

                var gemini = new JsonObject
                {
                    ["code"] = status,
                    ["message"] = message,
                    ["status"] = status switch
                    {
                        400 => "INVALID_ARGUMENT",
                        401 => "UNAUTHENTICATED",
                        403 => "PERMISSION_DENIED",
                        404 => "NOT_FOUND",
                        429 => "RESOURCE_EXHAUSTED",
                        503 => "UNAVAILABLE",
                        504 => "DEADLINE_EXCEEDED",
                        _ => "INTERNAL",
                    },
                };
                if (details.Count > 0)
                {
                    gemini["details"] = details;
                }

                error = new JsonObject { ["error"] = gemini };
                break;
        }

        if (retryAfter is { } wait && Protocol != LlmProtocol.Gemini)
        {
            response.AddHeader("Retry-After", ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        }

        return WriteAsync(response, status, "application/json", error.ToJsonString());
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
    }

    [GeneratedRegex(@"^/v1beta/models/(?<model>[^/:]+):(generateContent|streamGenerateContent)$")]
    private static partial Regex GeminiPathRegex();
}
