using System.Globalization;
using System.Text.Json;
using ModelOps.Core.Data;
using ModelOps.Core.Features;

namespace ModelOps.Core.Scoring;

/// <summary>A field of a JSON record that breaks the model signature.</summary>
/// <param name="Path">Where: the record's path and the field (<c>$.records[2].temp</c>).</param>
/// <param name="Message">What is wrong (<c>expected a number (float64), got string "hot"</c>).</param>
public readonly record struct JsonRecordError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>
/// Reads JSON records (objects keyed by input column name) into columns typed by a model signature: the one
/// way the hub's predict endpoint and the Kafka job turn records into a <see cref="Frame"/>. Null is accepted
/// for every input (the signature is nullable); fields outside the signature are ignored. A record is appended
/// whole or not at all, so one bad record never shifts the columns of the others.
/// </summary>
public sealed class JsonRecords
{
    private readonly IReadOnlyList<InputColumn> _inputs;
    private ColumnBuilder[] _builders;

    /// <param name="inputs">The model's input columns.</param>
    /// <param name="capacity">How many records to expect.</param>
    public JsonRecords(IReadOnlyList<InputColumn> inputs, int capacity = 16)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        _inputs = inputs;
        _builders = NewBuilders(inputs, capacity);
    }

    /// <summary>How many records were appended.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Appends <paramref name="record"/> when every input field is present with a value of its column's type;
    /// otherwise appends nothing and adds every violation to <paramref name="errors"/>.
    /// </summary>
    /// <param name="record">The record: a JSON object.</param>
    /// <param name="at">The record's path in messages (<c>$.records[2]</c>, <c>$</c>).</param>
    /// <param name="errors">Collects the violations.</param>
    /// <returns>Whether the record was appended.</returns>
    public bool TryAppend(JsonElement record, string at, ICollection<JsonRecordError> errors)
    {
        if (!Check(record, at, errors))
        {
            return false;
        }

        for (var c = 0; c < _inputs.Count; c++)
        {
            Append(_builders[c], _inputs[c].Type, record.GetProperty(_inputs[c].Name));
        }

        Count++;
        return true;
    }

    /// <summary>Checks <paramref name="record"/> against the signature without appending it; adds every violation to <paramref name="errors"/>.</summary>
    /// <param name="record">The record: a JSON object.</param>
    /// <param name="at">The record's path in messages.</param>
    /// <param name="errors">Collects the violations.</param>
    /// <returns>Whether the record fits the signature.</returns>
    public bool Check(JsonElement record, string at, ICollection<JsonRecordError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (record.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new JsonRecordError(at, $"expected an object, got {Kind(record)}"));
            return false;
        }

        var valid = true;
        foreach (var input in _inputs)
        {
            if (!record.TryGetProperty(input.Name, out var value))
            {
                errors.Add(new JsonRecordError(at, $"missing field '{input.Name}'"));
                valid = false;
            }
            else if (!Append(null, input.Type, value))
            {
                errors.Add(new JsonRecordError($"{at}.{input.Name}", $"expected {Expected(input.Type)}, got {Kind(value)}"));
                valid = false;
            }
        }

        return valid;
    }

    /// <summary>The records appended so far as a frame of the signature's columns; the reader starts empty again.</summary>
    public Frame Build()
    {
        var columns = new Column[_inputs.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = _builders[c].Build(_inputs[c].Name);
        }

        _builders = NewBuilders(_inputs, 16);
        Count = 0;
        return new Frame(columns);
    }

    /// <summary>A JSON value described for a message: <c>string "hot"</c>, <c>number 3</c>, <c>an array</c>.</summary>
    public static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"string {Shorten(value.GetRawText())}",
        JsonValueKind.Number => $"number {Shorten(value.GetRawText())}",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";

    private static ColumnBuilder[] NewBuilders(IReadOnlyList<InputColumn> inputs, int capacity)
    {
        var builders = new ColumnBuilder[inputs.Count];
        for (var c = 0; c < builders.Length; c++)
        {
            builders[c] = ColumnBuilder.Create(inputs[c].Type, capacity);
        }

        return builders;
    }

    private static string Expected(ColumnType type) => type switch
    {
        ColumnType.Float64 => "a number (float64)",
        ColumnType.Int64 => "an integer (int64)",
        ColumnType.Bool => "true or false (bool)",
        ColumnType.String => "a string",
        _ => "an ISO 8601 date-time string (datetime)",
    };

    /// <summary>Checks <paramref name="value"/> against <paramref name="type"/> and, with a builder, appends it.</summary>
    private static bool Append(ColumnBuilder? builder, ColumnType type, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            builder?.AppendNull();
            return true;
        }

        switch (type)
        {
            case ColumnType.Float64 when value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number):
                (builder as Float64ColumnBuilder)?.Append(number);
                return true;
            case ColumnType.Int64 when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var integer):
                (builder as Int64ColumnBuilder)?.Append(integer);
                return true;
            case ColumnType.Bool when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                (builder as BoolColumnBuilder)?.Append(value.GetBoolean());
                return true;
            case ColumnType.String when value.ValueKind == JsonValueKind.String:
                (builder as StringColumnBuilder)?.Append(value.GetString()!);
                return true;
            case ColumnType.DateTime when value.ValueKind == JsonValueKind.String
                && DateTime.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time):
                (builder as DateTimeColumnBuilder)?.Append(time);
                return true;
            default:
                return false;
        }
    }
}
