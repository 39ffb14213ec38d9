using System.Globalization;
using System.Text;
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
    private readonly byte[][] _names;
    private readonly JsonElement[] _values;
    private readonly bool[] _found;
    private ColumnBuilder[] _builders;

    // For each property position of the records read so far, the name found there last and its input (-1: none):
    // records of one producer list their fields in one order, so each property is matched by one comparison.
    private (byte[] Name, int Input)[] _positions = [];

    /// <param name="inputs">The model's input columns.</param>
    /// <param name="capacity">How many records to expect.</param>
    public JsonRecords(IReadOnlyList<InputColumn> inputs, int capacity = 16)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        _inputs = inputs;
        _names = [.. inputs.Select(i => Encoding.UTF8.GetBytes(i.Name))];
        _values = new JsonElement[inputs.Count];
        _found = new bool[inputs.Count];
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

        // Check found every input's value (in one pass over the record's properties).
        for (var c = 0; c < _inputs.Count; c++)
        {
            Append(_builders[c], _inputs[c].Type, _values[c]);
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

        Collect(record);
        var valid = true;
        for (var c = 0; c < _inputs.Count; c++)
        {
            var input = _inputs[c];
            if (!_found[c])
            {
                errors.Add(new JsonRecordError(at, $"missing field '{input.Name}'"));
                valid = false;
            }
            else if (!Append(null, input.Type, _values[c]))
            {
                errors.Add(new JsonRecordError($"{at}.{input.Name}", $"expected {Expected(input.Type)}, got {Kind(_values[c])}"));
                valid = false;
            }
        }

        return valid;
    }

    /// <summary>
    /// Finds each input's value in <paramref name="record"/> in one pass over its properties (a field given twice: its
    /// last value, as <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> finds it).
    /// </summary>
    private void Collect(JsonElement record)
    {
        Array.Clear(_found);
        var position = 0;
        foreach (var property in record.EnumerateObject())
        {
            if (position == _positions.Length)
            {
                Array.Resize(ref _positions, Math.Max(8, position * 2));
            }

            var input = _positions[position].Name is { } name && property.NameEquals(name) ? _positions[position].Input : Match(property, position);
            if (input >= 0)
            {
                _values[input] = property.Value;
                _found[input] = true;
            }

            position++;
        }
    }

    /// <summary>The input that <paramref name="property"/> names (or -1), remembered for its <paramref name="position"/>.</summary>
    private int Match(JsonProperty property, int position)
    {
        var input = -1;
        for (var c = 0; c < _names.Length; c++)
        {
            if (property.NameEquals(_names[c]))
            {
                input = c;
                break;
            }
        }

        _positions[position] = (input >= 0 ? _names[input] : Encoding.UTF8.GetBytes(property.Name), input);
        return input;
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
