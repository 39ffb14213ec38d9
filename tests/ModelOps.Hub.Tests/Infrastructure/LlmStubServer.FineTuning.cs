using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace ModelOps.Hub.Tests.Infrastructure;

/// <summary>One answer of the stub's fine-tuning job to a poll: its status, an event it adds, and its end.</summary>
/// <param name="Status"><c>validating_files</c>, <c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c> or <c>cancelled</c>.</param>
/// <param name="Event">A message the job's events gain at this poll (<c>Step 3/10: training loss=0.52</c>), or <see langword="null"/>.</param>
/// <param name="FineTunedModel">The model id once succeeded.</param>
/// <param name="Error">The error message once failed.</param>
internal sealed record FineTuningPoll(string Status, string? Event = null, string? FineTunedModel = null, string? Error = null);

/// <summary>
/// The stub's side of OpenAI's fine-tuning API (<c>POST /v1/files</c>, <c>POST /v1/fine_tuning/jobs</c>, <c>GET .../{id}</c>,
/// <c>GET .../{id}/events</c>, <c>POST .../{id}/cancel</c>): one job at a time, whose polls answer the scripted
/// <see cref="FineTuningPoll"/>s in order (the last one again once they run out).
/// </summary>
internal sealed partial class LlmStubServer
{
    private readonly ConcurrentQueue<FineTuningPoll> _polls = new();
    private readonly List<JsonObject> _events = [];
    private readonly Lock _fineTuning = new();
    private FineTuningPoll _lastPoll = new("validating_files");
    private string? _jobModel;
    private bool _cancelled;

    /// <summary>The body of each uploaded file (multipart, as sent).</summary>
    public ConcurrentQueue<string> UploadedFiles { get; } = new();

    /// <summary>Queues the answers of the fine-tuning job's polls.</summary>
    public void EnqueueFineTuning(params FineTuningPoll[] polls)
    {
        foreach (var poll in polls)
        {
            _polls.Enqueue(poll);
        }
    }

    private static bool IsFineTuningPath(string path) => path == "/v1/files" || path.StartsWith("/v1/fine_tuning/jobs", StringComparison.Ordinal);

    private async Task AnswerFineTuningAsync(LlmStubRequest request, HttpListenerResponse response)
    {
        var parts = request.Path.StartsWith("/v1/fine_tuning/jobs", StringComparison.Ordinal)
            ? request.Path["/v1/fine_tuning/jobs".Length..].Split('/', StringSplitOptions.RemoveEmptyEntries)
            : [];
        switch (request.Method)
        {
            case "POST" when request.Path == "/v1/files":
                // A multipart field's name may come quoted or not (.NET's MultipartFormDataContent does not quote it).
                if (!(request.Body.Contains("name=\"purpose\"", StringComparison.Ordinal) || request.Body.Contains("name=purpose", StringComparison.Ordinal)) || !request.Body.Contains("fine-tune", StringComparison.Ordinal))
                {
                    await WriteErrorAsync(response, 400, "purpose: expected fine-tune", retryAfter: null);
                    return;
                }

                UploadedFiles.Enqueue(request.Body);
                await WriteAsync(response, 200, "application/json", new JsonObject { ["id"] = "file-stub1", ["object"] = "file", ["purpose"] = "fine-tune", ["bytes"] = request.Body.Length }.ToJsonString());
                return;
            case "POST" when parts.Length == 0:
                lock (_fineTuning)
                {
                    _jobModel = (string?)request.Json?["model"];
                    _cancelled = false;
                    _events.Clear();
                }

                await WriteAsync(response, 200, "application/json", Job(new FineTuningPoll("validating_files")).ToJsonString());
                return;
            case "GET" when parts is [_]:
                FineTuningPoll poll;
                lock (_fineTuning)
                {
                    poll = _cancelled ? new FineTuningPoll("cancelled") : _polls.TryDequeue(out var next) ? next : _lastPoll;
                    _lastPoll = poll;
                    if (poll.Event is { } message)
                    {
                        _events.Insert(0, new JsonObject
                        {
                            ["id"] = "ftevent-" + (_events.Count + 1).ToString(CultureInfo.InvariantCulture),
                            ["object"] = "fine_tuning.job.event",
                            ["created_at"] = 1767225600 + _events.Count,
                            ["level"] = "info",
                            ["message"] = message,
                        });
                    }
                }

                await WriteAsync(response, 200, "application/json", Job(poll).ToJsonString());
                return;
            case "GET" when parts is [_, "events"]:
                JsonArray data;
                lock (_fineTuning)
                {
                    data = [.. _events.Select(e => e.DeepClone())];
                }

                await WriteAsync(response, 200, "application/json", new JsonObject { ["object"] = "list", ["data"] = data, ["has_more"] = false }.ToJsonString());
                return;
            case "POST" when parts is [_, "cancel"]:
                lock (_fineTuning)
                {
                    _cancelled = true;
                }

                await WriteAsync(response, 200, "application/json", Job(new FineTuningPoll("cancelled")).ToJsonString());
                return;
            default:
                await WriteAsync(response, 404, "text/plain; charset=utf-8", "404 page not found");
                return;
        }
    }

    private JsonObject Job(FineTuningPoll poll) => new()
    {
        ["id"] = "ftjob-stub1",
        ["object"] = "fine_tuning.job",
        ["model"] = _jobModel,
        ["status"] = poll.Status,
        ["training_file"] = "file-stub1",
        ["fine_tuned_model"] = poll.FineTunedModel,
        ["trained_tokens"] = poll.Status == "succeeded" ? 123456 : null,
        ["error"] = poll.Error is { } error ? new JsonObject { ["code"] = "invalid_training_file", ["message"] = error, ["param"] = "training_file" } : null,
    };
}
