using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using ModelOps.Jobs.Jobs;
using ModelOps.Store.Inference;
using ModelOps.Store.Tracking;

namespace ModelOps.Kafka.Inference;

/// <summary>The headers the job adds to outputs and dead letters.</summary>
public static class KafkaHeaderNames
{
    /// <summary>The input message's topic.</summary>
    public const string SourceTopic = "modelops.source.topic";

    /// <summary>The input message's partition (decimal).</summary>
    public const string SourcePartition = "modelops.source.partition";

    /// <summary>The input message's offset (decimal): with the topic and partition, what a consumer dedupes on.</summary>
    public const string SourceOffset = "modelops.source.offset";

    /// <summary>A dead letter's error kind (<see cref="DeadLetterKinds"/>).</summary>
    public const string ErrorKind = "modelops.error.kind";

    /// <summary>A dead letter's error message, naming the field.</summary>
    public const string ErrorMessage = "modelops.error.message";
}

/// <summary>
/// The consume-score-produce-commit loop of <see cref="KafkaInferenceJob"/>, on one thread: gathers a batch, scores it,
/// produces every output and dead letter, and while the cluster acknowledges them gathers and scores the next batch;
/// then waits for the last acknowledgements, appends the group's log rows and commits the batch's offsets (an offset is
/// committed only after its outputs are acknowledged and its rows logged), and produces the next batch. When
/// partitions are revoked (another process joined or left the group) the batch in flight is finished and committed
/// first, and the messages gathered but not yet scored from those partitions are dropped: their new owner scores them.
/// </summary>
internal sealed partial class KafkaPipeline : IDisposable
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan GroupRefreshInterval = TimeSpan.FromSeconds(5);
    private const double JoinWaitSeconds = 60;

    private readonly KafkaInferenceJob _job;
    private readonly JobContext _context;
    private readonly Func<StreamScorer, Task<StreamScorer>> _rebuild;
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly List<ConsumeResult<byte[]?, byte[]?>> _batch = [];
    private StreamScorer _scorer;
    private long _lastMessage;
    private bool _assigned;
    private long _consumed;
    private long _produced;
    private long _deadLetters;
    private long _logged;
    private long _possibleDuplicates;
    private Error? _fatal;
    private InFlight? _inFlight;
    private ExceptionDispatchInfo? _rebalanceFailure;

    public KafkaPipeline(KafkaInferenceJob job, JobContext context, StreamScorer scorer, Func<StreamScorer, Task<StreamScorer>> rebuild)
    {
        _job = job;
        _context = context;
        _scorer = scorer;
        _rebuild = rebuild;
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Consumer(job))
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                // Joining a group takes seconds; the idle bound counts from the first assignment.
                _lastMessage = Stopwatch.GetTimestamp();
                _assigned = true;
                LogAssigned(_context.Logger, Names(partitions));
            })
            .SetPartitionsRevokedHandler((_, partitions) => Revoked(partitions.Select(p => p.TopicPartition), lost: false))
            .SetPartitionsLostHandler((_, partitions) => Revoked(partitions.Select(p => p.TopicPartition), lost: true))
            .SetErrorHandler((_, error) => OnError("consumer", error))
            .SetLogHandler((_, message) => OnLog("consumer", message))
            .Build();
        _producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(job))
            .SetErrorHandler((_, error) => OnError("producer", error))
            .SetLogHandler((_, message) => OnLog("producer", message))
            .Build();
    }

    public KafkaInferenceResult Run()
    {
        _consumer.Subscribe(_job.Consumer.Topics);
        LogStarted(_context.Logger, string.Join(", ", _job.Consumer.Topics), _job.Consumer.GroupId, _job.Output.Topic, _job.DeadLetterTopic);
        _lastMessage = Stopwatch.GetTimestamp();
        var started = Stopwatch.GetTimestamp();
        var lastReport = started;
        var lastRefresh = Stopwatch.GetTimestamp();
        var reported = 0L;
        string stoppedBy;
        while (true)
        {
            if (_context.CancellationToken.IsCancellationRequested)
            {
                stoppedBy = "signal";
                break;
            }

            if (_job.MaxMessages is { } max && _consumed + InFlightCount >= max)
            {
                stoppedBy = "max_messages";
                break;
            }

            // Joining the group takes seconds (the coordinator waits for members): while no partitions are assigned (before
            // the first assignment, during a rebalance) the idle bound is at least a minute, so a short bound stops a job
            // that was idle, not one still joining.
            if (_job.MaxIdleSeconds is { } idle && Stopwatch.GetElapsedTime(_lastMessage).TotalSeconds >= (_assigned ? idle : Math.Max(idle, JoinWaitSeconds)))
            {
                stoppedBy = "max_idle_seconds";
                break;
            }

            ThrowIfFatal();
            if (Stopwatch.GetElapsedTime(lastRefresh) >= GroupRefreshInterval)
            {
                RefreshGroup();
                lastRefresh = Stopwatch.GetTimestamp();
            }

            if (Gather())
            {
                _lastMessage = Stopwatch.GetTimestamp();
            }

            // A revocation while gathering finished the batch in flight; if that failed, nothing more is produced.
            _rebalanceFailure?.Throw();
            if (_batch.Count > 0)
            {
                Process();
            }
            else
            {
                // Idle: nothing to score meanwhile, so finish the batch in flight now; and serve the producer's error and
                // log events (its delivery reports are served by each batch's flush).
                Complete();
                _producer.Poll(TimeSpan.Zero);
            }

            if (Stopwatch.GetElapsedTime(lastReport) >= ReportInterval)
            {
                var rate = (_consumed - reported) / Stopwatch.GetElapsedTime(lastReport).TotalSeconds;
                LogProgress(_context.Logger, _consumed, rate, _produced, _deadLetters);
                LogMetrics((long)Stopwatch.GetElapsedTime(started).TotalSeconds, ("messages_per_second", rate));
                reported = _consumed;
                lastReport = Stopwatch.GetTimestamp();
            }
        }

        // Everything gathered was processed in the loop: commit the last batch, then leave the group at once.
        Complete();
        _consumer.Close();
        LogStopped(_context.Logger, stoppedBy, _consumed, _produced, _deadLetters);
        LogMetrics(0, ("consumed", _consumed), ("produced", _produced), ("dead_letters", _deadLetters), ("logged_rows", _logged));
        return new KafkaInferenceResult
        {
            Consumed = _consumed,
            Produced = _produced,
            DeadLetters = _deadLetters,
            LoggedRows = _logged,
            PossibleDuplicates = _possibleDuplicates,
            OutputTopic = _job.Output.Topic,
            DeadLetterTopic = _job.DeadLetterTopic,
            StoppedBy = stoppedBy,
        };
    }

    public void Dispose()
    {
        // Close (not only dispose) leaves the group at once, also after a failure; it commits at most the batch in flight,
        // once its outputs are acknowledged and its rows logged (the revocation handler), nothing else.
        try
        {
            _consumer.Close();
        }
        catch (Exception error) when (error is KafkaException or ObjectDisposedException or InvalidOperationException)
        {
            // Already closed, or the cluster is gone: the group notices the session timeout.
        }

        _consumer.Dispose();
        _producer.Dispose();
    }

    /// <summary>Gathers up to a batch: waits for a first message, then for more until the batch is full or its wait is over.</summary>
    /// <returns>Whether a message arrived.</returns>
    private bool Gather()
    {
        var limit = _job.BatchSize;
        if (_job.MaxMessages is { } max)
        {
            limit = (int)Math.Min(limit, max - _consumed - InFlightCount);
        }

        var first = _consumer.Consume(PollTimeout);
        if (first is null)
        {
            return false;
        }

        _batch.Add(first);
        var start = Stopwatch.GetTimestamp();
        while (_batch.Count < limit && !_context.CancellationToken.IsCancellationRequested)
        {
            var left = TimeSpan.FromMilliseconds(_job.BatchWaitMs) - Stopwatch.GetElapsedTime(start);
            var next = _consumer.Consume(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            if (next is null)
            {
                if (left <= TimeSpan.Zero)
                {
                    break;
                }

                continue;
            }

            _batch.Add(next);
        }

        return true;
    }

    /// <summary>
    /// Scores the gathered batch (while the batch in flight is being acknowledged), finishes the batch in flight, then
    /// produces this batch's outputs and dead letters: it is in flight until the next <see cref="Complete"/>.
    /// </summary>
    private void Process()
    {
        var batch = _batch.ToArray();
        _batch.Clear();
        var scored = _scorer.Score(batch, _context.Time.GetUtcNow());
        Complete();
        var flight = new InFlight(batch, scored.LogRows);
        Action<DeliveryReport<byte[]?, byte[]?>> delivered = flight.Delivered;
        for (var i = 0; i < batch.Length; i++)
        {
            var input = batch[i];
            var outcome = scored.Outcomes[i];
            var headers = SourceHeaders(input);
            if (outcome.Output is { } value)
            {
                Produce(_job.Output.Topic, new Message<byte[]?, byte[]?> { Key = input.Message.Key, Value = value, Headers = headers }, delivered);
                flight.Produced++;
            }
            else
            {
                headers.Add(KafkaHeaderNames.ErrorKind, Encoding.UTF8.GetBytes(outcome.ErrorKind!));
                headers.Add(KafkaHeaderNames.ErrorMessage, Encoding.UTF8.GetBytes(outcome.Error!));
                Produce(_job.DeadLetterTopic, new Message<byte[]?, byte[]?> { Key = input.Message.Key, Value = input.Message.Value, Headers = headers }, delivered);
                flight.DeadLetters++;
                LogDeadLetter(_context.Logger, Name(input.TopicPartitionOffset), outcome.ErrorKind!, outcome.Error!);
            }
        }

        _inFlight = flight;
    }

    /// <summary>Finishes the batch in flight, if any: waits for every acknowledgement, appends its log rows, commits its offsets.</summary>
    /// <param name="commit">Whether to commit: not when the partitions were lost (they may already be another consumer's).</param>
    private void Complete(bool commit = true)
    {
        if (_inFlight is not { } flight)
        {
            return;
        }

        // Whatever happens next, this batch is not finished twice (after a failure it is scored again on restart).
        _inFlight = null;
        var batch = flight.Batch;
        while (_producer.Flush(TimeSpan.FromSeconds(1)) > 0)
        {
            ThrowIfFatal();
        }

        if (flight.Failures.Count > 0)
        {
            throw new ServiceUnavailableException(string.Create(
                CultureInfo.InvariantCulture,
                $"{flight.Failures.Count} of {batch.Length} messages were not acknowledged by the cluster ({flight.Failures[0]}); the batch from {Name(batch[0].TopicPartitionOffset)} on is not committed, so it is scored again on restart"));
        }

        if (flight.LogRows.Count > 0)
        {
            _context.Store.InferenceLog.AppendInferencesAsync(flight.LogRows, CancellationToken.None).GetAwaiter().GetResult();
        }

        if (commit)
        {
            Commit(batch);
        }
        else
        {
            _possibleDuplicates += batch.Length;
            LogCommitLost(_context.Logger, "partitions lost", batch.Length);
        }

        _consumed += batch.Length;
        _produced += flight.Produced;
        _deadLetters += flight.DeadLetters;
        _logged += flight.LogRows.Count;
    }

    private void Produce(string topic, Message<byte[]?, byte[]?> message, Action<DeliveryReport<byte[]?, byte[]?>> delivered)
    {
        while (true)
        {
            try
            {
                _producer.Produce(topic, message, delivered);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> error) when (error.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The producer's local queue is full: serve delivery reports until there is room.
                _producer.Poll(TimeSpan.FromMilliseconds(100));
            }
        }
    }

    private void Commit(ConsumeResult<byte[]?, byte[]?>[] batch)
    {
        var next = new Dictionary<TopicPartition, long>();
        foreach (var message in batch)
        {
            next[message.TopicPartition] = Math.Max(next.GetValueOrDefault(message.TopicPartition, -1), message.Offset.Value + 1);
        }

        var offsets = next.Select(p => new TopicPartitionOffset(p.Key, new Offset(p.Value))).ToList();
        try
        {
            _consumer.Commit(offsets);
        }
        catch (KafkaException error) when (error.Error.Code is ErrorCode.RebalanceInProgress or ErrorCode.IllegalGeneration or ErrorCode.UnknownMemberId or ErrorCode.Local_State)
        {
            // The partitions moved to another consumer while this batch was scored: it scores them again from the last commit.
            _possibleDuplicates += batch.Length;
            LogCommitLost(_context.Logger, error.Error.Reason, batch.Length);
        }
        catch (KafkaException error)
        {
            throw new ServiceUnavailableException(
                $"the cluster refused to commit the offsets of {batch.Length} scored messages ({error.Error.Reason}); they were produced and are scored again on restart (duplicates possible)",
                error);
        }
    }

    /// <summary>Records the stream's figures as metrics of the job's run (the hub's run page charts them).</summary>
    private void LogMetrics(long step, params (string Key, double Value)[] values)
    {
        var now = _context.Time.GetUtcNow();
        _context.Store.LogMetricsAsync(_context.RunId, [.. values.Select(v => new MetricPoint(v.Key, v.Value, step, now))], CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Partitions revoked (or lost): finishes the batch in flight while they are still this consumer's (when lost, without
    /// committing: they may be another's already), then drops the gathered, unscored messages of those partitions. A
    /// failure is thrown by the loop, not through librdkafka's callback.
    /// </summary>
    private void Revoked(IEnumerable<TopicPartition> partitions, bool lost)
    {
        try
        {
            Complete(commit: !lost);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            _rebalanceFailure ??= ExceptionDispatchInfo.Capture(error);
        }

        Drop(partitions, lost ? "lost" : "revoked");
    }

    /// <summary>Drops the gathered, unscored messages of partitions this consumer no longer owns.</summary>
    private void Drop(IEnumerable<TopicPartition> partitions, string how)
    {
        // A rebalance is not idleness: until the next assignment, the idle bound is the joining one again.
        _assigned = false;
        _lastMessage = Stopwatch.GetTimestamp();
        var gone = partitions.ToHashSet();
        var dropped = _batch.RemoveAll(m => gone.Contains(m.TopicPartition));
        LogRevoked(_context.Logger, how, Names(gone), dropped);
    }

    /// <summary>Rebuilds the group's scorer when the groups changed (a promotion, a new split).</summary>
    private void RefreshGroup()
    {
        if (_scorer.Group is null)
        {
            return;
        }

        var revision = _context.Store.Groups.GetGroupsRevisionAsync(CancellationToken.None).GetAwaiter().GetResult();
        if (revision == _scorer.Revision)
        {
            return;
        }

        var rebuilt = _rebuild(_scorer).GetAwaiter().GetResult();
        if (!rebuilt.Served.Select(m => (m.Model, m.Version, m.Role)).SequenceEqual(_scorer.Served.Select(m => (m.Model, m.Version, m.Role)))
            || !rebuilt.Shadows.Select(m => (m.Model, m.Version)).SequenceEqual(_scorer.Shadows.Select(m => (m.Model, m.Version))))
        {
            LogGroupChanged(_context.Logger, _scorer.Group, string.Join(", ", rebuilt.Served.Concat(rebuilt.Shadows).Select(m => $"{m.Model}/{m.Version} {m.Role}")));
        }

        _scorer = rebuilt;
    }

    private int InFlightCount => _inFlight?.Batch.Length ?? 0;

    private static Headers SourceHeaders(ConsumeResult<byte[]?, byte[]?> input)
    {
        var headers = new Headers();
        if (input.Message.Headers is { } original)
        {
            foreach (var header in original)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        headers.Add(KafkaHeaderNames.SourceTopic, Encoding.UTF8.GetBytes(input.Topic));
        headers.Add(KafkaHeaderNames.SourcePartition, Encoding.UTF8.GetBytes(input.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(KafkaHeaderNames.SourceOffset, Encoding.UTF8.GetBytes(input.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        return headers;
    }

    private void OnError(string client, Error error)
    {
        if (error.IsFatal)
        {
            _fatal = error;
        }

        LogClientError(_context.Logger, client, error.Reason);
    }

    private void ThrowIfFatal()
    {
        if (_fatal is { } error)
        {
            throw new ServiceUnavailableException($"the Kafka client failed: {error.Reason}; nothing after the last commit is committed");
        }
    }

    private void OnLog(string client, LogMessage message)
    {
        if (message.Level <= SyslogLevel.Warning)
        {
            LogClient(_context.Logger, client, message.Facility, message.Message);
        }
    }

    private static string Name(TopicPartitionOffset offset) => string.Create(CultureInfo.InvariantCulture, $"{offset.Topic}[{offset.Partition.Value}]@{offset.Offset.Value}");

    private static string Names(IEnumerable<TopicPartition> partitions) => string.Join(", ", partitions.Select(p => $"{p.Topic}[{p.Partition.Value}]"));

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "consuming {Topics} in group {Group}; predictions to {Output}, dead letters to {DeadLetters}")]
    private static partial void LogStarted(ILogger logger, string topics, string group, string output, string deadLetters);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "assigned {Partitions}")]
    private static partial void LogAssigned(ILogger logger, string partitions);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "partitions {How}: {Partitions}; {Dropped} gathered messages left to their new owner")]
    private static partial void LogRevoked(ILogger logger, string how, string partitions, int dropped);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "consumed {Consumed} messages ({Rate:F0}/s), {Produced} predictions, {DeadLetters} dead letters")]
    private static partial void LogProgress(ILogger logger, long consumed, double rate, long produced, long deadLetters);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "stopped by {Reason}: consumed {Consumed}, produced {Produced}, dead letters {DeadLetters}; all committed")]
    private static partial void LogStopped(ILogger logger, string reason, long consumed, long produced, long deadLetters);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "dead letter {Source}: {Kind}: {Error}")]
    private static partial void LogDeadLetter(ILogger logger, string source, string kind, string error);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "commit refused ({Reason}): the partitions moved; their new owner scores these {Count} messages again")]
    private static partial void LogCommitLost(ILogger logger, string reason, int count);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "group {Group} changed: now {Members}")]
    private static partial void LogGroupChanged(ILogger logger, string group, string members);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Kafka {Client}: {Reason}")]
    private static partial void LogClientError(ILogger logger, string client, string reason);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Kafka {Client} [{Facility}]: {Message}")]
    private static partial void LogClient(ILogger logger, string client, string facility, string message);

    /// <summary>A batch whose outputs were produced: its acknowledgements, log rows and commit are pending.</summary>
    private sealed class InFlight(ConsumeResult<byte[]?, byte[]?>[] batch, IReadOnlyList<InferenceRecord> logRows)
    {
        public ConsumeResult<byte[]?, byte[]?>[] Batch { get; } = batch;

        public IReadOnlyList<InferenceRecord> LogRows { get; } = logRows;

        /// <summary>The messages the cluster refused (delivery reports are served on the pipeline's thread, in flushes and polls).</summary>
        public List<string> Failures { get; } = [];

        public int Produced { get; set; }

        public int DeadLetters { get; set; }

        public void Delivered(DeliveryReport<byte[]?, byte[]?> report)
        {
            if (report.Error.IsError)
            {
                lock (Failures)
                {
                    Failures.Add($"{report.Topic}: {report.Error.Reason}");
                }
            }
        }
    }
}
