using System.Buffers.Text;
using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using ModelOps.Kafka;
using static System.FormattableString;

namespace ModelOps.Bench.Kafka;

/// <summary>
/// The Confluent.Kafka side of the bench on one mock cluster: the input topics, the plain consume-and-produce pipe,
/// and the read-back check of an output topic.
/// </summary>
/// <param name="cluster">The mock cluster.</param>
/// <param name="meter">Reads the CPU counters at the start and end of the plain pipe's measured time.</param>
/// <param name="partitions">
/// Partitions of every input and output topic. A mock partition keeps about 5 MiB (older message sets are dropped), so
/// RECORDS messages of up to ~700 bytes (an output with SHAP and its headers) need RECORDS * 700 / partitions well under
/// that: 1,000,000 over 256 partitions is ~2.7 MB a partition; <see cref="Verify"/> checks nothing was dropped.
/// </param>
internal sealed class KafkaBench(MockCluster cluster, CpuMeter meter, int partitions)
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan BatchWait = TimeSpan.FromMilliseconds(100);

    private readonly MockCluster _cluster = cluster;
    private readonly CpuMeter _meter = meter;
    private readonly int _partitions = partitions;

    /// <summary>Creates <paramref name="topic"/> and its dead-letter topic.</summary>
    public void CreateOutput(string topic)
    {
        _cluster.CreateTopic(topic, _partitions);
        _cluster.CreateTopic(topic + "-dead", 1);
    }

    /// <summary>Produces <paramref name="count"/> messages to a new topic: message i has key i (decimal) and value <c>lines[i % lines.Length]</c>, on partition i % partitions.</summary>
    public void ProduceInputs(string topic, byte[][] lines, int count)
    {
        _cluster.CreateTopic(topic, _partitions);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            Acks = Acks.All,
            LingerMs = 20,
        }).Build();
        string? failure = null;
        void Delivered(DeliveryReport<byte[], byte[]> report)
        {
            if (report.Error.IsError)
            {
                failure ??= report.Error.Reason;
            }
        }

        for (var i = 0; i < count; i++)
        {
            var message = new Message<byte[], byte[]> { Key = Key(i), Value = lines[i % lines.Length] };
            Produce(producer, new TopicPartition(topic, new Partition(i % _partitions)), message, Delivered);
        }

        producer.Flush();
        if (failure is not null)
        {
            throw new InvalidOperationException($"producing the inputs failed: {failure}");
        }

        var (low, high, _) = Watermarks(topic);
        if (low != 0 || high != count)
        {
            throw new InvalidOperationException(Invariant($"topic {topic} holds offsets {low}..{high} after producing {count} messages: the mock dropped some (more partitions needed)"));
        }
    }

    /// <summary>
    /// The plain pipe: in a fresh consumer group with the job's consumer settings (manual offsets), gathers batches as the
    /// job does (up to <paramref name="batchSize"/> messages, waiting at most 100 ms after the first), produces each message
    /// unchanged (key, value, headers) to <paramref name="output"/> with the job's producer settings (KafkaSettings.cs:
    /// acks, idempotence, linger, and delivery reports served by the flush itself, no background poll thread), waits for
    /// every acknowledgement (flush) and commits the batch's offsets; stops after <paramref name="total"/> messages and closes.
    /// </summary>
    public PipelineRun PlainPipe(string input, string output, int batchSize, int total)
    {
        _cluster.CreateTopic(output, _partitions);
        long assignedAt = 0;
        CpuReading assignedCpu = default;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["bootstrap.servers"] = _cluster.BootstrapServers,
            ["group.id"] = $"plain-{output}-{Guid.NewGuid():N}",
            ["client.id"] = "bench-plain-pipe",
            ["auto.offset.reset"] = "earliest",
            ["enable.auto.commit"] = "false",
            ["enable.auto.offset.store"] = "false",
            ["session.timeout.ms"] = "6000",
            ["log_level"] = "4",
        }))
            .SetPartitionsAssignedHandler((_, _) =>
            {
                if (assignedAt == 0)
                {
                    assignedAt = Stopwatch.GetTimestamp();
                    assignedCpu = _meter.Read();
                }
            })
            .Build();
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["bootstrap.servers"] = _cluster.BootstrapServers,
            ["client.id"] = "bench-plain-pipe",
            ["acks"] = "all",
            ["enable.idempotence"] = "true",
            ["linger.ms"] = "5",
            ["log_level"] = "4",
            ["dotnet.producer.enable.background.poll"] = "false",
            ["dotnet.producer.delivery.report.fields"] = "none",
        })).Build();
        string? failure = null;
        void Delivered(DeliveryReport<byte[]?, byte[]?> report)
        {
            if (report.Error.IsError)
            {
                failure ??= report.Error.Reason;
            }
        }

        var start = Stopwatch.GetTimestamp();
        consumer.Subscribe(input);
        var batch = new List<ConsumeResult<byte[]?, byte[]?>>(batchSize);
        var consumed = 0;
        while (consumed < total)
        {
            var limit = Math.Min(batchSize, total - consumed);
            if (consumer.Consume(PollTimeout) is not { } first)
            {
                continue;
            }

            batch.Add(first);
            var gathering = Stopwatch.GetTimestamp();
            while (batch.Count < limit)
            {
                var left = BatchWait - Stopwatch.GetElapsedTime(gathering);
                var next = consumer.Consume(left > TimeSpan.Zero ? left : TimeSpan.Zero);
                if (next is null)
                {
                    if (left <= TimeSpan.Zero)
                    {
                        break;
                    }

                    continue;
                }

                batch.Add(next);
            }

            foreach (var message in batch)
            {
                Produce(producer, new TopicPartition(output, Partition.Any), new Message<byte[]?, byte[]?> { Key = message.Message.Key, Value = message.Message.Value, Headers = message.Message.Headers }, Delivered);
            }

            while (producer.Flush(TimeSpan.FromSeconds(1)) > 0)
            {
            }

            if (failure is not null)
            {
                throw new InvalidOperationException($"the plain pipe's output was not acknowledged: {failure}");
            }

            var offsets = new Dictionary<TopicPartition, long>();
            foreach (var message in batch)
            {
                offsets[message.TopicPartition] = Math.Max(offsets.GetValueOrDefault(message.TopicPartition, -1), message.Offset.Value + 1);
            }

            consumer.Commit(offsets.Select(p => new TopicPartitionOffset(p.Key, new Offset(p.Value))));
            consumed += batch.Count;
            batch.Clear();
        }

        consumer.Close();
        var end = Stopwatch.GetTimestamp();
        var endCpu = _meter.Read();
        return new PipelineRun(
            Stopwatch.GetElapsedTime(assignedAt, end).TotalSeconds,
            Stopwatch.GetElapsedTime(start, assignedAt).TotalSeconds,
            assignedCpu.Until(endCpu),
            Invariant($"consumed and produced {consumed}; {assignedCpu.GcUntil(endCpu)}"));
    }

    /// <summary>
    /// Counts the messages of <paramref name="topic"/> by its partitions' watermarks, without reading them: all
    /// <paramref name="total"/> there, none dropped (every partition still starts at offset 0). For the plain pipe, whose
    /// outputs are its inputs: reading a topic back costs the mock a scan of the partition's message sets per fetch, about
    /// a minute and a half for 1,000,000 messages produced in batches of 500 over 256 partitions.
    /// </summary>
    /// <returns>What was checked, for the table.</returns>
    public string Count(string topic, int total)
    {
        var (low, high, maxLow) = Watermarks(topic);
        if (maxLow != 0 || high - low != total)
        {
            throw new InvalidOperationException(Invariant($"{topic}: {high - low} of {total} outputs, largest partition start offset {maxLow} (the mock dropped older data when it is not 0)"));
        }

        return Invariant($"{total:N0} outputs (counted by watermarks), none dropped");
    }

    /// <summary>
    /// Reads every message of <paramref name="topic"/> (by partition assignment, from the beginning) and checks that
    /// each of the <paramref name="total"/> keys arrived exactly once, that no partition dropped data (its low watermark
    /// is 0), that the dead-letter topic is empty and, with <paramref name="expected"/>, that each output's prediction is
    /// the model's for its record (and, with <paramref name="shap"/>, that its SHAP values add up to it).
    /// </summary>
    /// <returns>What was checked, for the table.</returns>
    public string Verify(string topic, int total, double[]? expected, bool shap)
    {
        var (low, high, maxLow) = Watermarks(topic);
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = "verify-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, _partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var seen = new bool[total];
        long read = 0, duplicates = 0, wrong = 0;
        var idle = Stopwatch.StartNew();
        while (idle.Elapsed < TimeSpan.FromSeconds(read < total ? 10 : 1))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is not { } message)
            {
                continue;
            }

            idle.Restart();
            read++;
            if (!Utf8Parser.TryParse(message.Message.Key, out int key, out var used) || used != message.Message.Key.Length || key < 0 || key >= total)
            {
                throw new InvalidOperationException($"{topic}: a message with an unexpected key");
            }

            duplicates += seen[key] ? 1 : 0;
            seen[key] = true;
            if (expected is not null && !Correct(message.Message.Value, expected[key % expected.Length], shap))
            {
                wrong++;
            }
        }

        var missing = seen.Count(s => !s);
        var deadLetters = expected is null ? 0 : Watermarks(topic + "-dead", 1).High;
        if (read != total || duplicates != 0 || missing != 0 || wrong != 0 || maxLow != 0 || high - low != read || deadLetters != 0)
        {
            throw new InvalidOperationException(Invariant(
                $"{topic}: read {read} of {total} outputs, {duplicates} duplicates, {missing} missing, {wrong} wrong predictions, {deadLetters} dead letters, largest partition start offset {maxLow} (the mock dropped older data when it is not 0)"));
        }

        return Invariant($"{read:N0} outputs, each key once, none dropped{(expected is null ? string.Empty : shap ? ", predictions and SHAP sums right" : ", predictions right")}");
    }

    private static bool Correct(byte[] value, double prediction, bool shap)
    {
        using var document = JsonDocument.Parse(value);
        var root = document.RootElement;
        if (root.GetProperty("prediction").GetDouble() != prediction || !root.TryGetProperty("instant", out _))
        {
            return false;
        }

        if (!shap)
        {
            return !root.TryGetProperty("shap", out _);
        }

        var sum = root.GetProperty("base_value").GetDouble();
        foreach (var contribution in root.GetProperty("shap").EnumerateObject())
        {
            sum += contribution.Value.GetDouble();
        }

        return Math.Abs(sum - prediction) <= 1e-6 * Math.Max(1, Math.Abs(prediction));
    }

    /// <summary>Summed low and high watermarks of <paramref name="topic"/>'s partitions, and the largest low watermark.</summary>
    private (long Low, long High, long MaxLow) Watermarks(string topic, int? partitions = null)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = "watermarks-" + Guid.NewGuid().ToString("N"),
        }).Build();
        long low = 0, high = 0, maxLow = 0;
        for (var p = 0; p < (partitions ?? _partitions); p++)
        {
            var offsets = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10));
            low += offsets.Low.Value;
            high += offsets.High.Value;
            maxLow = Math.Max(maxLow, offsets.Low.Value);
        }

        return (low, high, maxLow);
    }

    private static byte[] Key(int i) => System.Text.Encoding.ASCII.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static void Produce<TKey, TValue>(IProducer<TKey, TValue> producer, TopicPartition partition, Message<TKey, TValue> message, Action<DeliveryReport<TKey, TValue>> delivered)
    {
        while (true)
        {
            try
            {
                producer.Produce(partition, message, delivered);
                return;
            }
            catch (ProduceException<TKey, TValue> error) when (error.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(100));
            }
        }
    }
}
