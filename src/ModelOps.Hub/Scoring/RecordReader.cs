using System.Globalization;
using System.Text.Json;
using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Hub.Errors;

namespace ModelOps.Hub.Scoring;

/// <summary>
/// Turns the JSON records of a predict request into a <see cref="Frame"/> typed by the model
/// signature, collecting every violation (<c>$.records[2].temp: expected a number (float64), got string "hot"</c>).
/// Null is accepted for every input (the signature is nullable); fields outside the signature are ignored.
/// </summary>
internal static class RecordReader
{
    /// <param name="records">An array of records, or one record (an object) when <paramref name="single"/>.</param>
    /// <param name="inputs">The model's input columns.</param>
    /// <param name="errors">Collects the violations.</param>
    /// <param name="path">The JSON path of <paramref name="records"/> in messages.</param>
    /// <param name="single">Whether <paramref name="records"/> is one record rather than an array.</param>
    public static Frame Read(JsonElement records, IReadOnlyList<InputColumn> inputs, JsonBody errors, string path, bool single = false)
    {
        var count = single ? 1 : records.GetArrayLength();
        var builders = new ColumnBuilder[inputs.Count];
        for (var c = 0; c < builders.Length; c++)
        {
            builders[c] = ColumnBuilder.Create(inputs[c].Type, count);
        }

        if (single)
        {
            ReadRecord(records, path, inputs, builders, errors);
        }
        else
        {
            var index = 0;
            foreach (var record in records.EnumerateArray())
            {
                ReadRecord(record, string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]"), inputs, builders, errors);
                index++;
            }
        }

        if (errors.HasErrors)
        {
            return new Frame([]);
        }

        var columns = new Column[inputs.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = builders[c].Build(inputs[c].Name);
        }

        return new Frame(columns);
    }

    private static void ReadRecord(JsonElement record, string at, IReadOnlyList<InputColumn> inputs, ColumnBuilder[] builders, JsonBody errors)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            errors.Error(at, $"expected an object, got {JsonBody.Kind(record)}");
            return;
        }

        for (var c = 0; c < inputs.Count; c++)
        {
            var input = inputs[c];
            if (!record.TryGetProperty(input.Name, out var value))
            {
                errors.Error(at, $"missing field '{input.Name}'");
                continue;
            }

            if (!Append(builders[c], input.Type, value))
            {
                errors.Error($"{at}.{input.Name}", $"expected {Expected(input.Type)}, got {JsonBody.Kind(value)}");
            }
        }
    }

    private static string Expected(ColumnType type) => type switch
    {
        ColumnType.Float64 => "a number (float64)",
        ColumnType.Int64 => "an integer (int64)",
        ColumnType.Bool => "true or false (bool)",
        ColumnType.String => "a string",
        _ => "an ISO 8601 date-time string (datetime)",
    };

    private static bool Append(ColumnBuilder builder, ColumnType type, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            builder.AppendNull();
            return true;
        }

        switch (type)
        {
            case ColumnType.Float64 when value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number):
                ((Float64ColumnBuilder)builder).Append(number);
                return true;
            case ColumnType.Int64 when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var integer):
                ((Int64ColumnBuilder)builder).Append(integer);
                return true;
            case ColumnType.Bool when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                ((BoolColumnBuilder)builder).Append(value.GetBoolean());
                return true;
            case ColumnType.String when value.ValueKind == JsonValueKind.String:
                ((StringColumnBuilder)builder).Append(value.GetString()!);
                return true;
            case ColumnType.DateTime when value.ValueKind == JsonValueKind.String
                && DateTime.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time):
                ((DateTimeColumnBuilder)builder).Append(time);
                return true;
            default:
                return false;
        }
    }
}
