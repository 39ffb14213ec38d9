using Confluent.Kafka;

namespace ModelOps.Kafka.Inference;

/// <summary>Where <see cref="KafkaInferenceJob"/> reads: the consumer group and its topics.</summary>
public sealed record KafkaConsumerSettings
{
    /// <summary>The consumer group: processes with the same group share the topics' partitions.</summary>
    public required string GroupId { get; init; }

    /// <summary>The input topics.</summary>
    public required IReadOnlyList<string> Topics { get; init; }

    /// <summary>
    /// librdkafka consumer properties (<c>auto.offset.reset</c>, <c>session.timeout.ms</c>, ...), passed through as
    /// written; they override the job's defaults (<c>auto.offset.reset: earliest</c>). Offsets are the job's own:
    /// <c>enable.auto.commit</c> and <c>enable.auto.offset.store</c> are refused.
    /// </summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>Where <see cref="KafkaInferenceJob"/> writes its predictions.</summary>
public sealed record KafkaOutputSettings
{
    /// <summary>The output topic.</summary>
    public required string Topic { get; init; }

    /// <summary>
    /// librdkafka producer properties (<c>compression.type</c>, <c>linger.ms</c>, ...), passed through as written; they
    /// override the job's defaults (<c>acks: all</c>, <c>enable.idempotence: true</c>, <c>linger.ms: 5</c>, and Confluent.Kafka's
    /// <c>dotnet.producer.enable.background.poll: false</c>, <c>dotnet.producer.delivery.report.fields: none</c>).
    /// </summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>The librdkafka configurations of the job's clients: the job's defaults, then the config's properties.</summary>
internal static class KafkaClientConfigs
{
    /// <summary>Properties the job sets itself because its delivery guarantee depends on them.</summary>
    public static readonly IReadOnlyList<string> Reserved = ["enable.auto.commit", "enable.auto.offset.store", "group.id", "bootstrap.servers"];

    public static ConsumerConfig Consumer(KafkaInferenceJob job)
    {
        var properties = Merge(job, new Dictionary<string, string>(StringComparer.Ordinal) { ["auto.offset.reset"] = "earliest" }, job.Consumer.Properties);
        properties["group.id"] = job.Consumer.GroupId;
        properties["enable.auto.commit"] = "false";
        properties["enable.auto.offset.store"] = "false";
        return new ConsumerConfig(properties);
    }

    public static ProducerConfig Producer(KafkaInferenceJob job)
    {
        var properties = Merge(
            job,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["acks"] = "all", ["enable.idempotence"] = "true", ["linger.ms"] = "5" },
            job.Output.Properties);

        // The pipeline serves the producer's events itself: delivery reports while it flushes each batch, the rest
        // when idle. With Confluent.Kafka's background poll thread serving them instead, a flush notices its last
        // acknowledgement only on its next 10 ms wake-up, so every batch waited at least 10 ms.
        properties["dotnet.producer.enable.background.poll"] = "false";

        // Each delivery report is read for its error only: no copies of the message's headers and other fields.
        properties["dotnet.producer.delivery.report.fields"] = "none";
        return new ProducerConfig(properties);
    }

    /// <summary>The client's defaults, then the job's shared properties, then the client's own, then the cluster.</summary>
    private static Dictionary<string, string> Merge(KafkaInferenceJob job, Dictionary<string, string> defaults, IReadOnlyDictionary<string, string> own)
    {
        defaults["client.id"] = "modelops-kafka-inference";
        defaults["log_level"] = "4";
        Overlay(defaults, job.Properties);
        Overlay(defaults, own);
        defaults["bootstrap.servers"] = job.BootstrapServers;
        return defaults;
    }

    private static void Overlay(Dictionary<string, string> properties, IReadOnlyDictionary<string, string> overrides)
    {
        foreach (var (key, value) in overrides)
        {
            properties[key] = value;
        }
    }
}
