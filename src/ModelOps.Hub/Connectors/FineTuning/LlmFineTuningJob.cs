using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Jobs;
using ModelOps.Store.Registry;

namespace ModelOps.Hub.Connectors.FineTuning;

/// <summary>
/// Fine-tunes an LLM through a connector's provider (<c>KIND: LlmFineTuningJob</c>; an <c>openai</c> or
/// <c>openai-compatible</c> connector): checks the JSON-lines training file (one chat example per line), uploads it,
/// creates the provider's fine-tuning job, polls it (its events are the job's log, its <c>Step N/M</c> the progress), and
/// registers the resulting model id as an <c>external</c> version. Cancelling the job cancels the provider's job too; a
/// job the provider fails ends failed with the provider's message.
/// </summary>
public sealed partial record LlmFineTuningJob : Job
{
    /// <summary>The kind name.</summary>
    public const string KindName = "LlmFineTuningJob";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <summary>The connector whose provider trains (its API key is used for the calls, never shown).</summary>
    public required string Connector { get; init; }

    /// <summary>The JSON-lines training file: one object with a <c>messages</c> array per line (the provider's chat format).</summary>
    public required string TrainingFile { get; init; }

    /// <summary>A JSON-lines validation file of the same shape.</summary>
    /// <value>Default <see langword="null"/>: none.</value>
    public string? ValidationFile { get; init; }

    /// <summary>The model fine-tuned.</summary>
    /// <value>Default <see langword="null"/>: the connector's model.</value>
    public string? BaseModel { get; init; }

    /// <summary>A suffix the provider puts in the new model's id.</summary>
    public string? Suffix { get; init; }

    /// <summary>The provider's hyper-parameters (<c>n_epochs</c>, <c>batch_size</c>, <c>learning_rate_multiplier</c>), passed as they are.</summary>
    public IReadOnlyDictionary<string, object>? Hyperparameters { get; init; }

    /// <summary>The registered model the fine-tuned model id becomes the next version of (kind <c>external</c>).</summary>
    public required string ModelName { get; init; }

    /// <summary>How often the provider's job is polled, in seconds.</summary>
    /// <value>Default 10.</value>
    [Range(0.05, 3600)]
    public double PollSeconds { get; init; } = 10;

    /// <inheritdoc />
    public override async Task<JobResult> RunAsync(JobContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var training = await ReadExamplesAsync(TrainingFile, context.CancellationToken).ConfigureAwait(false);
        (byte[] Bytes, int Examples)? validation = ValidationFile is null ? null : await ReadExamplesAsync(ValidationFile, context.CancellationToken).ConfigureAwait(false);
        var credentials = await context.Store.Connectors.OpenConnectorAsync(Connector, context.CancellationToken).ConfigureAwait(false);
        using var client = new OpenAIFineTuningClient(credentials, context.Time);
        var model = BaseModel ?? credentials.Connector.Model;

        var trainingId = await client.UploadAsync(Path.GetFileName(TrainingFile), training.Bytes, context.CancellationToken).ConfigureAwait(false);
        var validationId = validation is { } checkedValidation ? await client.UploadAsync(Path.GetFileName(ValidationFile!), checkedValidation.Bytes, context.CancellationToken).ConfigureAwait(false) : null;
        context.Logger.LogInformation("uploaded {File} ({Examples} examples) to connector {Connector} as {Id}", TrainingFile, training.Examples, Connector, trainingId);
        var job = await client.CreateAsync(model, trainingId, validationId, Suffix, Hyperparameters is null ? null : JsonSerializer.SerializeToNode(Hyperparameters) as JsonObject, context.CancellationToken).ConfigureAwait(false);
        context.Logger.LogInformation("created the provider's fine-tuning job {Job} of {Model}", job.Id, model);
        await context.Store.LogParametersAsync(context.RunId, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["connector"] = Connector,
            ["base_model"] = model,
            ["training_file"] = TrainingFile,
            ["training_examples"] = training.Examples.ToString(CultureInfo.InvariantCulture),
            ["provider_job"] = job.Id,
        }, context.CancellationToken).ConfigureAwait(false);

        job = await FollowAsync(context, client, job).ConfigureAwait(false);
        if (job.Status != "succeeded" || job.FineTunedModel is null)
        {
            throw new ConnectorException(Connector, new ConnectorError(ConnectorErrorKind.Failed, $"the provider's fine-tuning job {job.Id} {job.Status}: {job.Error ?? "no reason given"}"));
        }

        var metadata = new JsonObject
        {
            ["name"] = job.FineTunedModel,
            ["description"] = $"{model} fine-tuned through connector {Connector} (provider job {job.Id})",
            ["tags"] = new JsonObject { ["connector"] = Connector, ["base_model"] = model, ["provider_job"] = job.Id, ["provider_model"] = job.FineTunedModel },
        };
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal) { ["training_examples"] = training.Examples };
        if (job.TrainedTokens is { } tokens)
        {
            metrics["trained_tokens"] = tokens;
        }

        await context.Store.LogMetricsAsync(context.RunId, [.. metrics.Select(m => new Store.Tracking.MetricPoint(m.Key, m.Value, 0, context.Time.GetUtcNow()))], context.CancellationToken).ConfigureAwait(false);
        var version = await context.Store.RegisterExternalAsync(
            ModelName,
            context.RunId,
            Encoding.UTF8.GetBytes(metadata.ToJsonString(new JsonSerializerOptions { WriteIndented = true })),
            signature: null,
            $"{job.FineTunedModel}: {model} fine-tuned through connector {Connector}",
            metrics,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["connector"] = Connector, ["base_model"] = model, ["provider_job"] = job.Id, ["provider_model"] = job.FineTunedModel },
            context.CancellationToken).ConfigureAwait(false);
        return new LlmFineTuningResult { ModelName = version.Model, Version = version.Version, ProviderModel = job.FineTunedModel, ProviderJob = job.Id, TrainedTokens = job.TrainedTokens };
    }

    // Polls until the provider's job ends; its new events go to the log, its step to the progress. A cancel cancels it at the provider.
    private async Task<ProviderFineTuningJob> FollowAsync(JobContext context, OpenAIFineTuningClient client, ProviderFineTuningJob job)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var step = context.Progress.Start($"Fine-tuning {BaseModel ?? "the connector's model"} at connector {Connector} ({job.Id})", 100);
        var done = 0.0;
        try
        {
            while (job.Status is not ("succeeded" or "failed" or "cancelled"))
            {
                await Task.Delay(TimeSpan.FromSeconds(PollSeconds), context.Time, context.CancellationToken).ConfigureAwait(false);
                job = await client.GetAsync(job.Id, context.CancellationToken).ConfigureAwait(false);
                foreach (var item in await client.EventsAsync(job.Id, context.CancellationToken).ConfigureAwait(false))
                {
                    if (!seen.Add(item.Id))
                    {
                        continue;
                    }

                    context.Logger.Log(item.Level == "error" ? LogLevel.Error : item.Level == "warn" ? LogLevel.Warning : LogLevel.Information, "provider: {Message}", item.Message);
                    if (Step().Match(item.Message) is { Success: true } match && long.Parse(match.Groups["total"].Value, CultureInfo.InvariantCulture) is > 0 and var total)
                    {
                        var now = 100.0 * long.Parse(match.Groups["step"].Value, CultureInfo.InvariantCulture) / total;
                        if (now > done)
                        {
                            step.Advance(now - done);
                            done = now;
                        }
                    }
                }

                context.Logger.LogInformation("provider job {Job}: {Status}", job.Id, job.Status);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await client.CancelAsync(job.Id, bound.Token).ConfigureAwait(false);
            context.Logger.LogWarning("cancelled the provider's fine-tuning job {Job}", job.Id);
            throw;
        }

        if (job.Status == "succeeded")
        {
            step.Complete();
        }

        return job;
    }

    // The file's bytes and its examples, each line checked to be a chat example; a bad line is named.
    private static async Task<(byte[] Bytes, int Examples)> ReadExamplesAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"{path}: cannot be read: {error.Message}");
        }

        var examples = 0;
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            JsonNode? node;
            try
            {
                node = JsonNode.Parse(lines[i]);
            }
            catch (JsonException error)
            {
                throw new DatasetException(string.Create(CultureInfo.InvariantCulture, $"{path} line {i + 1}: not JSON: {error.Message}"));
            }

            if (node is not JsonObject example || example["messages"] is not JsonArray { Count: > 0 })
            {
                throw new DatasetException(string.Create(CultureInfo.InvariantCulture, $"{path} line {i + 1}: a training example is an object with a non-empty messages array ({{\"messages\": [{{\"role\": \"user\", \"content\": ...}}, ...]}})"));
            }

            examples++;
        }

        return examples == 0 ? throw new DatasetException($"{path}: no training examples (one JSON object with a messages array per line)") : (bytes, examples);
    }

    [GeneratedRegex(@"Step (?<step>\d+)/(?<total>\d+)")]
    private static partial Regex Step();
}

/// <summary>What an <see cref="LlmFineTuningJob"/> registered.</summary>
public sealed record LlmFineTuningResult : JobResult
{
    /// <summary>The registered model.</summary>
    public required string ModelName { get; init; }

    /// <summary>The new (external) version.</summary>
    public required int Version { get; init; }

    /// <summary>The provider's id of the fine-tuned model.</summary>
    public required string ProviderModel { get; init; }

    /// <summary>The provider's job id.</summary>
    public required string ProviderJob { get; init; }

    /// <summary>The tokens trained on, when the provider says.</summary>
    public long? TrainedTokens { get; init; }

    /// <inheritdoc/>
    public override string Summary => $"registered {ModelName} version {Version} = {ProviderModel} (provider job {ProviderJob})";
}

/// <summary>The job kinds of the hub's project: <see cref="LlmFineTuningJob"/>.</summary>
public static class HubJobKinds
{
    /// <summary>Registers <see cref="LlmFineTuningJob"/>.</summary>
    public static ConfigKinds AddConnectorJobs(this ConfigKinds kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        return kinds.Add<Job, LlmFineTuningJob>(LlmFineTuningJob.KindName);
    }
}
