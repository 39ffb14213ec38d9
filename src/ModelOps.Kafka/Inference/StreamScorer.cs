using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Scoring;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;
using ModelOps.Store.Registry;

namespace ModelOps.Kafka.Inference;

/// <summary>What became of one input message: its output's value, or why it is a dead letter.</summary>
/// <param name="Output">The output message's value (a JSON object), or <see langword="null"/> for a dead letter.</param>
/// <param name="ErrorKind">For a dead letter: <see cref="DeadLetterKinds"/>.</param>
/// <param name="Error">For a dead letter: what is wrong, naming the field.</param>
internal readonly record struct MessageOutcome(byte[]? Output, string? ErrorKind, string? Error);

/// <summary>What a batch of messages became: one outcome per message, in order, and the inference-log rows.</summary>
internal sealed record ScoredBatch(MessageOutcome[] Outcomes, IReadOnlyList<InferenceRecord> LogRows);

/// <summary>The kinds of dead letter, as the <c>modelops.error.kind</c> header names them.</summary>
public static class DeadLetterKinds
{
    /// <summary>The value is empty or not JSON.</summary>
    public const string InvalidJson = "invalid_json";

    /// <summary>The value is JSON but not an object.</summary>
    public const string NotARecord = "not_a_record";

    /// <summary>The record breaks the model signature: a field missing or of the wrong type.</summary>
    public const string Schema = "schema";

    /// <summary>The model failed to score the record.</summary>
    public const string Scoring = "scoring";
}

/// <summary>A model that scores streamed records: a registered version, or a member of a group with its role.</summary>
internal sealed record StreamMember(string Model, int Version, GroupRole? Role, LoadedModel Loaded);

/// <summary>
/// Scores batches of Kafka messages with one registered model, or through a model group: each record is routed by
/// the group's split (sticky by the message key, <see cref="TrafficSplit"/>, as the hub routes), its Shadows score
/// every record, and every score is returned as inference-log rows for the group's table. Reads each message as a JSON
/// record with <see cref="JsonRecords"/> and scores the valid ones together with <see cref="ModelScoring.Score"/>.
/// </summary>
internal sealed class StreamScorer
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;
    private readonly IReadOnlyList<string> _keepFields;
    private readonly bool _explain;

    private StreamScorer(string? group, long revision, TrafficSplit? split, IReadOnlyList<StreamMember> served, IReadOnlyList<StreamMember> shadows, IReadOnlyList<string> keepFields, bool explain)
    {
        Group = group;
        Revision = revision;
        Split = split;
        Served = served;
        Shadows = shadows;
        Inputs = served[0].Loaded.Model.Inputs;
        _keepFields = keepFields;
        _explain = explain;
        _writer = new Utf8JsonWriter(_buffer);
    }

    /// <summary>The group whose table receives the rows, or <see langword="null"/> when scoring with one model.</summary>
    public string? Group { get; }

    /// <summary>The groups' revision (<c>GetGroupsRevisionAsync</c>) read before the group was, or -1 without a group.</summary>
    public long Revision { get; }

    /// <summary>The group's split, or <see langword="null"/>.</summary>
    public TrafficSplit? Split { get; }

    /// <summary>The models that answer (one without a group; the Champion and the Challengers with one).</summary>
    public IReadOnlyList<StreamMember> Served { get; }

    /// <summary>The group's Shadows.</summary>
    public IReadOnlyList<StreamMember> Shadows { get; }

    /// <summary>The input columns every model reads.</summary>
    public IReadOnlyList<InputColumn> Inputs { get; }

    public static StreamScorer ForModel(LoadedModel model, IReadOnlyList<string> keepFields, bool explain) =>
        new(null, -1, null, [new StreamMember(model.Version.Model, model.Version.Version, null, model)], [], keepFields, explain);

    /// <param name="group">The group.</param>
    /// <param name="revision">The groups' revision read before <paramref name="group"/> was.</param>
    /// <param name="load">Loads a member's version.</param>
    /// <param name="keepFields">Input fields copied to the outputs.</param>
    /// <param name="explain">Whether to compute SHAP.</param>
    public static async Task<StreamScorer> ForGroupAsync(ModelGroup group, long revision, Func<GroupMember, Task<LoadedModel>> load, IReadOnlyList<string> keepFields, bool explain)
    {
        var split = new TrafficSplit(group);
        var served = new List<StreamMember>();
        foreach (var member in split.Served)
        {
            served.Add(new StreamMember(member.Model, member.Version, member.Role, await load(member).ConfigureAwait(false)));
        }

        var shadows = new List<StreamMember>();
        foreach (var member in split.Shadows)
        {
            shadows.Add(new StreamMember(member.Model, member.Version, member.Role, await load(member).ConfigureAwait(false)));
        }

        return new StreamScorer(group.Name, revision, split, served, shadows, keepFields, explain);
    }

    /// <summary>The request id of a message in the inference log: <c>kafka:TOPIC:PARTITION:OFFSET</c> (feedback labels it by this id).</summary>
    public static string RequestId(TopicPartitionOffset source) =>
        string.Create(CultureInfo.InvariantCulture, $"kafka:{source.Topic}:{source.Partition.Value}:{source.Offset.Value}");

    /// <summary>Scores <paramref name="messages"/>: one outcome per message, in order.</summary>
    /// <param name="messages">The batch.</param>
    /// <param name="now">When they are scored (the log rows' timestamp).</param>
    public ScoredBatch Score(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> messages, DateTimeOffset now)
    {
        var outcomes = new MessageOutcome[messages.Count];
        var documents = new JsonDocument?[messages.Count];
        var rowOf = new int[messages.Count];
        var records = new JsonRecords(Inputs, messages.Count);
        var errors = new List<JsonRecordError>();
        try
        {
            for (var i = 0; i < messages.Count; i++)
            {
                rowOf[i] = -1;
                (documents[i], outcomes[i]) = Read(messages[i].Message.Value, records, errors);
                if (outcomes[i].ErrorKind is null)
                {
                    rowOf[i] = records.Count - 1;
                }
            }

            var frame = records.Build();
            var messageOf = new int[frame.RowCount];
            for (var i = 0; i < rowOf.Length; i++)
            {
                if (rowOf[i] >= 0)
                {
                    messageOf[rowOf[i]] = i;
                }
            }

            var logRows = new List<InferenceRecord>();
            ScoreServed(messages, frame, messageOf, documents, outcomes, logRows, now);
            ScoreShadows(messages, frame, messageOf, logRows, now);
            return new ScoredBatch(outcomes, logRows);
        }
        finally
        {
            foreach (var document in documents)
            {
                document?.Dispose();
            }
        }
    }

    private (JsonDocument? Document, MessageOutcome Outcome) Read(byte[]? value, JsonRecords records, List<JsonRecordError> errors)
    {
        if (value is null || value.Length == 0)
        {
            return (null, new MessageOutcome(null, DeadLetterKinds.InvalidJson, "the message has no value; expected a JSON object (a record)"));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(value);
        }
        catch (JsonException error)
        {
            var reason = error.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return (null, new MessageOutcome(null, DeadLetterKinds.InvalidJson, string.Create(
                CultureInfo.InvariantCulture,
                $"not JSON: {(cut > 0 ? reason[..cut] : reason)} (line {(error.LineNumber ?? 0) + 1}, byte {(error.BytePositionInLine ?? 0) + 1})")));
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (document, new MessageOutcome(null, DeadLetterKinds.NotARecord, $"expected a JSON object (a record), got {JsonRecords.Kind(root)}"));
        }

        errors.Clear();
        foreach (var field in _keepFields)
        {
            if (!root.TryGetProperty(field, out _))
            {
                errors.Add(new JsonRecordError("$", $"missing field '{field}' (named in keep_fields)"));
            }
        }

        if (errors.Count > 0)
        {
            // A record missing a kept field is a dead letter (with the signature's violations too) and is not appended.
            records.Check(root, "$", errors);
        }
        else if (records.TryAppend(root, "$", errors))
        {
            return (document, default);
        }

        return (document, new MessageOutcome(null, DeadLetterKinds.Schema, string.Join("; ", errors)));
    }

    private void ScoreServed(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> messages, Frame frame, int[] messageOf, JsonDocument?[] documents, MessageOutcome[] outcomes, List<InferenceRecord> logRows, DateTimeOffset now)
    {
        // Route each record to its served member (sticky by the message key, else by its place in the topic).
        var rowsOf = new List<int>[Served.Count];
        for (var m = 0; m < rowsOf.Length; m++)
        {
            rowsOf[m] = [];
        }

        for (var row = 0; row < frame.RowCount; row++)
        {
            rowsOf[Split is null ? 0 : Split.Pick(RoutingKey(messages[messageOf[row]]) ?? RequestId(messages[messageOf[row]].TopicPartitionOffset))].Add(row);
        }

        for (var m = 0; m < Served.Count; m++)
        {
            if (rowsOf[m].Count == 0)
            {
                continue;
            }

            var member = Served[m];
            var rows = rowsOf[m].ToArray();
            var part = rows.Length == frame.RowCount ? frame : frame.Take(rows);
            var (scores, latency, error) = ScoreWith(member, part);
            for (var r = 0; r < rows.Length; r++)
            {
                var i = messageOf[rows[r]];
                outcomes[i] = scores is null
                    ? new MessageOutcome(null, DeadLetterKinds.Scoring, string.Create(CultureInfo.InvariantCulture, $"model {member.Model}/{member.Version} failed to score the record: {error}"))
                    : new MessageOutcome(Output(documents[i]!.RootElement, member, scores, r), null, null);
                if (Group is not null)
                {
                    logRows.Add(LogRow(messages[i], now, member, scores, r, latency, error));
                }
            }
        }
    }

    private void ScoreShadows(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> messages, Frame frame, int[] messageOf, List<InferenceRecord> logRows, DateTimeOffset now)
    {
        if (frame.RowCount == 0)
        {
            return;
        }

        foreach (var shadow in Shadows)
        {
            // A Shadow never changes an answer: its failure is logged in its rows only.
            var (scores, latency, error) = ScoreWith(shadow, frame);
            for (var row = 0; row < frame.RowCount; row++)
            {
                logRows.Add(LogRow(messages[messageOf[row]], now, shadow, scores, row, latency, error));
            }
        }
    }

    private (ModelScores? Scores, double LatencyMs, string? Error) ScoreWith(StreamMember member, Frame frame)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var options = _explain ? new ScoringOptions { Explainer = member.Loaded.Explainer } : ScoringOptions.PredictionsOnly;
            var scores = ModelScoring.Score(member.Loaded.Model, frame, options);
            return (scores, Stopwatch.GetElapsedTime(start).TotalMilliseconds / frame.RowCount, null);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            return (null, Stopwatch.GetElapsedTime(start).TotalMilliseconds / frame.RowCount, error.Message);
        }
    }

    /// <summary>An output's value: the kept fields, the model, its role in a group, the prediction, the probability (classifiers) and the SHAP values with their base value.</summary>
    private byte[] Output(JsonElement record, StreamMember member, ModelScores scores, int row)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        foreach (var field in _keepFields)
        {
            _writer.WritePropertyName(field);
            record.GetProperty(field).WriteTo(_writer);
        }

        _writer.WriteString("model", member.Model);
        _writer.WriteNumber("version", member.Version);
        if (member.Role is { } role)
        {
            _writer.WriteString("role", role.ToName());
        }

        _writer.WriteNumber("prediction", scores.Predictions[row]);
        if (scores.Probabilities is { } probabilities)
        {
            _writer.WriteNumber("probability", probabilities[row]);
        }

        if (scores.Shap is { } shap)
        {
            _writer.WritePropertyName("shap");
            shap.WriteRow(_writer, row);
            _writer.WriteNumber("base_value", shap.BaseValue);
        }

        _writer.WriteEndObject();
        _writer.Flush();
        return _buffer.WrittenSpan.ToArray();
    }

    private InferenceRecord LogRow(ConsumeResult<byte[]?, byte[]?> message, DateTimeOffset now, StreamMember member, ModelScores? scores, int row, double latency, string? error) => new(
        Group!,
        RequestId(message.TopicPartitionOffset),
        0,
        now,
        member.Model,
        member.Version,
        member.Role!.Value,
        RoutingKey(message),
        Encoding.UTF8.GetString(message.Message.Value!),
        scores?.Predictions[row],
        scores?.Probabilities?[row],
        scores?.Shap is { } shap ? ShapJson(shap, row) : null,
        latency,
        error);

    private string ShapJson(Core.Explain.ShapValues shap, int row)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        shap.WriteRow(_writer, row);
        _writer.Flush();
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    private static string? RoutingKey(ConsumeResult<byte[]?, byte[]?> message) => message.Message.Key is { Length: > 0 } key ? Encoding.UTF8.GetString(key) : null;
}
