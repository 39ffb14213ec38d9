using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Jobs;

namespace ModelOps.Kafka;

/// <summary>
/// Sends a data file to a topic, one message per row (<c>modelops kafka produce</c>): a JSON-lines file line by line as
/// written (so deliberately bad lines reach the topic too; blank lines are skipped), any other format read as a frame
/// and each row written as a JSON object (<see cref="Dataset.WriteJsonLines(Stream, Core.Data.Frame, CancellationToken)"/>).
/// </summary>
public static class FileProducer
{
    /// <summary>Produces every row of <paramref name="path"/> and waits until the cluster acknowledged each.</summary>
    /// <param name="path">A CSV or JSON-lines file.</param>
    /// <param name="bootstrapServers">The cluster.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="keyField">A field whose value (as text) is each message's key, or <see langword="null"/> for no key.</param>
    /// <param name="properties">librdkafka producer properties passed through (security).</param>
    /// <param name="cancellationToken">Stops reading the file.</param>
    /// <returns>How many messages were produced.</returns>
    /// <exception cref="DatasetException">The file cannot be read.</exception>
    /// <exception cref="ServiceUnavailableException">The cluster did not acknowledge a message.</exception>
    public static long Produce(string path, string bootstrapServers, string topic, string? keyField, IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var config = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["client.id"] = "modelops-kafka-produce",
            ["acks"] = "all",
            ["enable.idempotence"] = "true",
            ["linger.ms"] = "5",
            ["log_level"] = "4",
        };
        foreach (var (key, value) in properties)
        {
            config[key] = value;
        }

        config["bootstrap.servers"] = bootstrapServers;
        string? failure = null;
        using var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig(config)).Build();
        void Delivered(DeliveryReport<byte[]?, byte[]> report)
        {
            if (report.Error.IsError)
            {
                Interlocked.CompareExchange(ref failure, $"{report.TopicPartitionOffset}: {report.Error.Reason}", null);
            }
        }

        var count = 0L;
        foreach (var line in Lines(path, cancellationToken))
        {
            var message = new Message<byte[]?, byte[]> { Key = keyField is null ? null : Key(line, keyField), Value = line };
            while (true)
            {
                try
                {
                    producer.Produce(topic, message, Delivered);
                    break;
                }
                catch (ProduceException<byte[]?, byte[]> error) when (error.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(100));
                }
            }

            count++;
        }

        while (producer.Flush(TimeSpan.FromSeconds(1)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return failure is null ? count : throw new ServiceUnavailableException($"the cluster did not acknowledge every message of {path} to topic {topic} (first: {failure})");
    }

    private static IEnumerable<byte[]> Lines(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new DatasetException($"{path}: file not found");
        }

        if (Dataset.FormatOf(path) == DatasetFormat.JsonLines)
        {
            foreach (var line in File.ReadLines(path, Encoding.UTF8))
            {
                if (!string.IsNullOrWhiteSpace(line))
                {
                    yield return Encoding.UTF8.GetBytes(line);
                }
            }

            yield break;
        }

        using var json = new MemoryStream();
        Dataset.WriteJsonLines(json, Dataset.Read(path, cancellationToken: cancellationToken), cancellationToken);
        var bytes = json.GetBuffer().AsMemory(0, (int)json.Length);
        while (bytes.Length > 0)
        {
            var end = bytes.Span.IndexOf((byte)'\n');
            var line = end < 0 ? bytes : bytes[..end];
            yield return line.ToArray();
            bytes = end < 0 ? Memory<byte>.Empty : bytes[(end + 1)..];
        }
    }

    private static byte[]? Key(byte[] line, string field)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                return Encoding.UTF8.GetBytes(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText());
            }
        }
        catch (JsonException)
        {
            // A line that is not JSON is sent without a key.
        }

        return null;
    }
}
