using System.Globalization;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Jobs;
using ModelOps.Store.Registry;

namespace ModelOps.Kafka.Inference;

/// <summary>
/// Streams predictions: consumes JSON records from Kafka topics in a consumer group, scores them with a registered
/// model (<see cref="Model"/>) or through a model group (<see cref="Group"/>: routed by its split, sticky by the message
/// key, every score logged in the group's inference table), and produces one output per record to
/// <see cref="KafkaOutputSettings.Topic"/> with the input's key and headers; a message that is not JSON, breaks the model
/// signature or fails scoring goes to <see cref="DeadLetterTopic"/> with headers naming the error. At-least-once: an
/// input offset is committed only after its output (or dead letter) is acknowledged and its log rows are committed.
/// Stops on <see cref="MaxMessages"/>, <see cref="MaxIdleSeconds"/> or a signal, after finishing the batch in hand.
/// </summary>
public sealed record KafkaInferenceJob : Job
{
    /// <summary>The kind name.</summary>
    public const string KindName = "KafkaInferenceJob";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <summary>The cluster: <c>host:port,...</c> (librdkafka's <c>bootstrap.servers</c>).</summary>
    public required string BootstrapServers { get; init; }

    /// <summary>librdkafka properties of both clients (security: <c>security.protocol</c>, <c>sasl.mechanism</c>, <c>ssl.ca.location</c>, ...).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The consumer group and the input topics.</summary>
    public required KafkaConsumerSettings Consumer { get; init; }

    /// <summary>The output topic and producer properties.</summary>
    public required KafkaOutputSettings Output { get; init; }

    /// <summary>Where bad messages go, with their key, value and headers and the error's headers.</summary>
    public required string DeadLetterTopic { get; init; }

    /// <summary>The model: <c>name@alias</c>, <c>name/version</c> or <c>name</c> (the latest); or give <see cref="Group"/>.</summary>
    [ModelReference]
    public string? Model { get; init; }

    /// <summary>A model group: records are routed by its split and logged in its inference table; or give <see cref="Model"/>.</summary>
    public string? Group { get; init; }

    /// <summary>Whether each output carries exact SHAP values (per input column) and their base value.</summary>
    public bool Explain { get; init; }

    /// <summary>Input fields copied into each output first (an id); a record without one is a dead letter.</summary>
    public IReadOnlyList<string> KeepFields { get; init; } = [];

    /// <summary>The most messages scored together.</summary>
    /// <value>Default: 500; 1 to 100,000.</value>
    public int BatchSize { get; init; } = 500;

    /// <summary>How long a batch waits for more messages after its first, in milliseconds.</summary>
    /// <value>Default: 100; 0 to 60,000.</value>
    public int BatchWaitMs { get; init; } = 100;

    /// <summary>Stop after this many messages; unbounded when not set.</summary>
    public long? MaxMessages { get; init; }

    /// <summary>
    /// Stop when no message arrived for this many seconds while partitions are assigned (counted from the assignment);
    /// while none are (joining the group, a rebalance), the bound is at least 60 s. Unbounded when not set.
    /// </summary>
    public double? MaxIdleSeconds { get; init; }

    /// <summary>The problems of a bound job, each naming its config field.</summary>
    internal IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if ((Model is null) == (Group is null))
        {
            problems.Add(Model is null ? "give 'model' (name@alias, name/version) or 'group' (a model group)" : "give either 'model' or 'group', not both");
        }

        if (Consumer.Topics.Count == 0)
        {
            problems.Add("consumer.topics: name at least one topic");
        }

        foreach (var (field, topic) in new[] { ("output.topic", Output.Topic), ("dead_letter_topic", DeadLetterTopic) })
        {
            if (Consumer.Topics.Contains(topic, StringComparer.Ordinal))
            {
                problems.Add($"{field}: '{topic}' is also an input topic; the job would read its own messages");
            }
        }

        if (string.Equals(Output.Topic, DeadLetterTopic, StringComparison.Ordinal))
        {
            problems.Add($"dead_letter_topic: '{DeadLetterTopic}' is also the output topic; keep bad messages apart from predictions");
        }

        foreach (var (field, properties) in new[] { ("properties", Properties), ("consumer.properties", Consumer.Properties), ("output.properties", Output.Properties) })
        {
            foreach (var key in properties.Keys.Where(k => KafkaClientConfigs.Reserved.Contains(k, StringComparer.Ordinal)))
            {
                problems.Add($"{field}.{key}: set by the job (offsets are committed only after delivery; the cluster and group have their own fields); remove it");
            }
        }

        if (BatchSize is < 1 or > 100_000)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"batch_size: must be 1 to 100000 (found {BatchSize})"));
        }

        if (BatchWaitMs is < 0 or > 60_000)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"batch_wait_ms: must be 0 to 60000 (found {BatchWaitMs})"));
        }

        if (MaxMessages is < 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"max_messages: must be at least 1 (found {MaxMessages})"));
        }

        if (MaxIdleSeconds is { } idle && !(idle > 0))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"max_idle_seconds: must be more than 0 (found {idle})"));
        }

        return problems;
    }

    /// <inheritdoc />
    public override async Task<JobResult> RunAsync(JobContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scorer = await CreateScorerAsync(context, null).ConfigureAwait(false);
        await context.Store.SetRunTagsAsync(context.RunId, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["kafka.topics"] = string.Join(",", Consumer.Topics),
            ["kafka.group_id"] = Consumer.GroupId,
            ["kafka.output_topic"] = Output.Topic,
            ["kafka.dead_letter_topic"] = DeadLetterTopic,
        }, context.CancellationToken).ConfigureAwait(false);
        using var pipeline = new KafkaPipeline(this, context, scorer, previous => CreateScorerAsync(context, previous));
        return await Task.Factory.StartNew(pipeline.Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
    }

    /// <summary>The scorer of <see cref="Model"/>, or of <see cref="Group"/>'s members (reusing the loaded versions of <paramref name="previous"/>).</summary>
    private async Task<StreamScorer> CreateScorerAsync(JobContext context, StreamScorer? previous)
    {
        if (Group is null)
        {
            return StreamScorer.ForModel(await context.LoadModelAsync(Model!).ConfigureAwait(false), KeepFields, Explain);
        }

        // The revision first: a change made while the group is read is then seen by the next refresh.
        var revision = await context.Store.Groups.GetGroupsRevisionAsync(CancellationToken.None).ConfigureAwait(false);
        var group = await context.Store.Groups.GetGroupAsync(Group, CancellationToken.None).ConfigureAwait(false);
        var loaded = (previous?.Served ?? []).Concat(previous?.Shadows ?? []).ToDictionary(m => (m.Model, m.Version), m => m.Loaded);
        return await StreamScorer.ForGroupAsync(group, revision, async member =>
        {
            if (loaded.TryGetValue((member.Model, member.Version), out var model))
            {
                return model;
            }

            var version = await context.Store.GetVersionAsync(member.Model, member.Version, CancellationToken.None).ConfigureAwait(false);
            return await context.Store.LoadAsync(version, CancellationToken.None).ConfigureAwait(false);
        }, KeepFields, Explain).ConfigureAwait(false);
    }
}

/// <summary>What a <see cref="KafkaInferenceJob"/> did.</summary>
public sealed record KafkaInferenceResult : JobResult
{
    /// <summary>Messages consumed (and committed).</summary>
    public required long Consumed { get; init; }

    /// <summary>Predictions produced to the output topic.</summary>
    public required long Produced { get; init; }

    /// <summary>Messages sent to the dead-letter topic.</summary>
    public required long DeadLetters { get; init; }

    /// <summary>Rows appended to the group's inference table (0 without a group).</summary>
    public required long LoggedRows { get; init; }

    /// <summary>Messages whose offsets could not be committed because their partitions moved to another consumer (they may be scored again there).</summary>
    public required long PossibleDuplicates { get; init; }

    /// <summary>The output topic.</summary>
    public required string OutputTopic { get; init; }

    /// <summary>The dead-letter topic.</summary>
    public required string DeadLetterTopic { get; init; }

    /// <summary>Why the job stopped: <c>max_messages</c>, <c>max_idle_seconds</c> or <c>signal</c>.</summary>
    public required string StoppedBy { get; init; }

    /// <inheritdoc />
    public override string Summary => string.Create(
        CultureInfo.InvariantCulture,
        $"consumed {Consumed} messages: {Produced} predictions to {OutputTopic}, {DeadLetters} dead letters to {DeadLetterTopic}{(LoggedRows > 0 ? $", {LoggedRows} rows logged" : string.Empty)}; all committed{(PossibleDuplicates > 0 ? $" but {PossibleDuplicates} whose partitions moved (they may be scored again)" : string.Empty)}; stopped by {StoppedBy}");
}
