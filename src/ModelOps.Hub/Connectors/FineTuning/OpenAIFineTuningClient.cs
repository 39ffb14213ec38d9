using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ModelOps.Store.Connectors;

namespace ModelOps.Hub.Connectors.FineTuning;

/// <summary>One state of a provider's fine-tuning job.</summary>
/// <param name="Id">The provider's job id (<c>ftjob-...</c>).</param>
/// <param name="Status"><c>validating_files</c>, <c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c> or <c>cancelled</c>.</param>
/// <param name="FineTunedModel">The new model's id once succeeded (<c>ft:gpt-4o-mini:org::id</c>).</param>
/// <param name="TrainedTokens">The tokens trained on, once known.</param>
/// <param name="Error">The provider's error once failed (<c>message (code)</c>).</param>
internal sealed record ProviderFineTuningJob(string Id, string Status, string? FineTunedModel, long? TrainedTokens, string? Error);

/// <summary>One event of a provider's fine-tuning job.</summary>
internal sealed record ProviderFineTuningEvent(string Id, string Level, string Message);

/// <summary>
/// OpenAI's fine-tuning API (also served by OpenAI-compatible endpoints such as Azure OpenAI): upload the training file,
/// create the job, read it and its events, cancel it. Calls go through <see cref="ConnectorHttpHandler"/>, and every
/// failure becomes a <see cref="ConnectorException"/> classified as the connectors' other calls are (bad key, rate limit,
/// timeout, unreachable), never showing the key.
/// </summary>
internal sealed class OpenAIFineTuningClient : IDisposable
{
    private readonly ConnectorEndpoint _endpoint;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    public OpenAIFineTuningClient(ConnectorCredentials credentials, TimeProvider time)
    {
        _endpoint = ConnectorEndpoint.Resolve(credentials);
        if (_endpoint.Kind is not (ConnectorKind.OpenAI or ConnectorKind.OpenAICompatible))
        {
            throw new ConnectorException(_endpoint.Name, new ConnectorError(ConnectorErrorKind.Failed, $"fine-tuning goes through an openai or openai-compatible connector; '{_endpoint.Name}' is {_endpoint.Kind.ToName()}"));
        }

        _time = time;
        _http = new HttpClient(new ConnectorHttpHandler(new SocketsHttpHandler())) { BaseAddress = new Uri(_endpoint.BaseUrl + "/"), Timeout = _endpoint.Timeout };
        if (_endpoint.ApiKey is { } key)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
    }

    /// <summary>Uploads <paramref name="content"/> as a fine-tuning file named <paramref name="fileName"/>; returns its id.</summary>
    public async Task<string> UploadAsync(string fileName, byte[] content, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent { { new StringContent("fine-tune"), "purpose" } };
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
        form.Add(file, "file", fileName);
        var answer = await SendAsync(HttpMethod.Post, "files", form, cancellationToken).ConfigureAwait(false);
        return Text(answer, "id");
    }

    /// <summary>Creates the job: <paramref name="model"/> trained on file <paramref name="trainingFile"/>.</summary>
    public async Task<ProviderFineTuningJob> CreateAsync(string model, string trainingFile, string? validationFile, string? suffix, JsonObject? hyperparameters, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["model"] = model, ["training_file"] = trainingFile };
        if (validationFile is not null)
        {
            body["validation_file"] = validationFile;
        }

        if (suffix is not null)
        {
            body["suffix"] = suffix;
        }

        if (hyperparameters is not null)
        {
            body["hyperparameters"] = hyperparameters;
        }

        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        return Job(await SendAsync(HttpMethod.Post, "fine_tuning/jobs", content, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The job's state now.</summary>
    public async Task<ProviderFineTuningJob> GetAsync(string id, CancellationToken cancellationToken) =>
        Job(await SendAsync(HttpMethod.Get, $"fine_tuning/jobs/{Uri.EscapeDataString(id)}", null, cancellationToken).ConfigureAwait(false));

    /// <summary>The job's latest events, oldest first.</summary>
    public async Task<IReadOnlyList<ProviderFineTuningEvent>> EventsAsync(string id, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(HttpMethod.Get, $"fine_tuning/jobs/{Uri.EscapeDataString(id)}/events?limit=50", null, cancellationToken).ConfigureAwait(false);
        var events = answer["data"] as JsonArray ?? throw Invalid();
        return [.. events.OfType<JsonObject>().Select(e => new ProviderFineTuningEvent((string?)e["id"] ?? string.Empty, (string?)e["level"] ?? "info", (string?)e["message"] ?? string.Empty)).Reverse()];
    }

    /// <summary>Cancels the job.</summary>
    public async Task CancelAsync(string id, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Post, $"fine_tuning/jobs/{Uri.EscapeDataString(id)}/cancel", null, cancellationToken).ConfigureAwait(false);

    public void Dispose() => _http.Dispose();

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        var observed = new ConnectorResponse(_time);
        ConnectorHttpHandler.Current = observed;
        try
        {
            using var request = new HttpRequestMessage(method, path) { Content = content };
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return JsonNode.Parse(text) as JsonObject ?? throw Invalid(observed);
        }
        catch (Exception error) when (error is not ConnectorException && !cancellationToken.IsCancellationRequested)
        {
            throw new ConnectorException(_endpoint.Name, ConnectorErrors.Classify(error, _endpoint, null, observed, timedOut: error is TaskCanceledException), error);
        }
        finally
        {
            ConnectorHttpHandler.Current = null;
        }
    }

    private ProviderFineTuningJob Job(JsonObject answer)
    {
        var error = answer["error"] is JsonObject failure ? $"{(string?)failure["message"]} ({(string?)failure["code"]})" : null;
        return new ProviderFineTuningJob(
            Text(answer, "id"),
            Text(answer, "status"),
            (string?)answer["fine_tuned_model"],
            answer["trained_tokens"] is JsonValue tokens && tokens.TryGetValue<long>(out var count) ? count : null,
            error);
    }

    private string Text(JsonObject answer, string name) => (string?)answer[name] ?? throw Invalid();

    private ConnectorException Invalid(ConnectorResponse? response = null) =>
        new(_endpoint.Name, new ConnectorError(ConnectorErrorKind.InvalidAnswer, $"the answer from {_endpoint.BaseUrl} is not OpenAI's fine-tuning API; does the endpoint offer fine-tuning?") { StatusCode = response?.Status });
}
