using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOps.Core.Data;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>The transforms of <see cref="MappingTransform"/>, one value at a time. None of them makes a value up: each reads the one it is given or says why it cannot.</summary>
internal static class ValueTransforms
{
    /// <summary>Transforms <paramref name="value"/> by <paramref name="rule"/>'s transform.</summary>
    /// <param name="rule">The rule (its transform and delimiter).</param>
    /// <param name="value">The source value.</param>
    /// <param name="node">The transformed value.</param>
    /// <param name="why">When it cannot be transformed: the words that follow the value's path (<c>is string "ninety", not a percentage</c>).</param>
    public static bool TryApply(MappingRule rule, JsonElement value, out JsonNode? node, out string why)
    {
        why = string.Empty;
        node = null;
        var got = ModelMetadataSchema.Got(value);
        switch (rule.Transform)
        {
            case MappingTransform.None:
                node = ToNode(value);
                return true;
            case MappingTransform.ScalePercent:
                if (Number(value, allowPercent: true) is { } percent)
                {
                    node = JsonValue.Create(Scale(percent));
                    return true;
                }

                why = $"is {got}, not a percentage";
                return false;
            case MappingTransform.TextToNumber:
                if (value.ValueKind == JsonValueKind.String && value.GetString()!.Contains('%', StringComparison.Ordinal))
                {
                    why = $"is {got}, a percentage; use scale_percent";
                    return false;
                }

                if (Number(value, allowPercent: false) is { } number)
                {
                    node = JsonValue.Create(number);
                    return true;
                }

                why = $"is {got}, not a number";
                return false;
            case MappingTransform.SplitList:
                if (value.ValueKind != JsonValueKind.String)
                {
                    why = $"is {got}, not text to split";
                    return false;
                }

                var list = new JsonArray();
                foreach (var part in value.GetString()!.Split(rule.Delimiter ?? ",", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    list.Add(part);
                }

                node = list;
                return true;
            case MappingTransform.Keys or MappingTransform.Values:
                if (value.ValueKind != JsonValueKind.Object)
                {
                    why = $"is {got}, not an object";
                    return false;
                }

                var items = new JsonArray();
                foreach (var member in value.EnumerateObject())
                {
                    items.Add(rule.Transform == MappingTransform.Keys ? JsonValue.Create(member.Name) : ToNode(member.Value));
                }

                node = items;
                return true;
            case MappingTransform.ColumnType:
                if (value.ValueKind == JsonValueKind.String && MetadataVocabulary.TryColumnType(value.GetString()!, out var type))
                {
                    node = type.ToName();
                    return true;
                }

                why = $"is {got}, not a column type ({ColumnTypeNames.Accepted}, or a synonym such as double, long, object, category, timestamp)";
                return false;
            case MappingTransform.TaskName:
                if (value.ValueKind != JsonValueKind.String)
                {
                    why = $"is {got}, not a task";
                    return false;
                }

                if (MetadataVocabulary.TryTask(value.GetString()!, out var task, out var reason))
                {
                    node = task;
                    return true;
                }

                why = $"is {got}, which {reason}";
                return false;
            default:
                throw new ArgumentOutOfRangeException(nameof(rule), rule.Transform, "Unknown transform.");
        }
    }

    /// <summary>A JSON value as a node; numbers as doubles, so <c>84.0</c> and <c>84</c> are one value.</summary>
    public static JsonNode? ToNode(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => JsonValue.Create(value.GetDouble()),
        JsonValueKind.Array => new JsonArray([.. value.EnumerateArray().Select(ToNode)]),
        JsonValueKind.Object => new JsonObject(value.EnumerateObject().Select(m => KeyValuePair.Create(m.Name, ToNode(m.Value)))),
        _ => JsonNode.Parse(value.GetRawText()),
    };

    /// <summary>A number, or text that is one (trimmed; with <paramref name="allowPercent"/>, a trailing <c>%</c> allowed).</summary>
    private static double? Number(JsonElement value, bool allowPercent)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.GetDouble();
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var text = value.GetString()!.Trim();
        if (allowPercent && text.EndsWith('%'))
        {
            text = text[..^1].TrimEnd();
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) ? number : null;
    }

    /// <summary>A percentage as a fraction, in decimal so that 91.2 gives 0.912, not 0.9120000000000001.</summary>
    private static double Scale(double percent)
    {
        if (Math.Abs(percent) < 1e15
            && decimal.TryParse(percent.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var exact))
        {
            return (double)(exact / 100m);
        }

        return percent / 100;
    }
}
