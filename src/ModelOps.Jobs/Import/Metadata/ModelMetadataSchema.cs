using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using ModelOps.Core.Data;
using ModelOps.Core.Text;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>
/// The JSON Schema (draft 2020-12) of model-metadata documents (<see cref="ModelMetadata"/>), the schema the hub
/// publishes and every import is validated against, and the validator that names each error by its instance path
/// in the house's words (<c>/metrics/accuracy: must be at most 1, got 91.2</c>).
/// </summary>
/// <remarks>
/// The schema is generated from the product's names (tasks, column types, the fraction metrics) and built once per
/// process with JsonSchema.Net, in a registry of its own: building a second schema with the same <c>$id</c> throws.
/// Beyond the schema, <see cref="Validate(JsonNode?)"/> checks what a schema cannot say: feature names are unique,
/// and a confusion matrix has one row and one column per label.
/// </remarks>
public static class ModelMetadataSchema
{
    /// <summary>The schema's <c>$id</c>.</summary>
    public const string Id = "urn:modelops:schema:model-metadata:v1";

    private static readonly JsonObject Document = Generate();

    private static readonly JsonSchema Schema = JsonSchema.FromText(
        Document.ToJsonString(),
        new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List };

    /// <summary>The schema as indented JSON text (what the hub publishes).</summary>
    public static string Text { get; } = Document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>
    /// Validates a metadata document: every schema violation and every duplicate feature name or misshapen confusion
    /// matrix, each with its instance path (JSON Pointer; <c>/</c> for the document itself), in document order.
    /// </summary>
    /// <returns>The errors; empty when the document is valid.</returns>
    public static IReadOnlyList<MetadataValidationError> Validate(JsonNode? document)
    {
        using var parsed = JsonDocument.Parse(document?.ToJsonString() ?? "null");
        return Validate(parsed.RootElement);
    }

    /// <inheritdoc cref="Validate(JsonNode?)"/>
    public static IReadOnlyList<MetadataValidationError> Validate(JsonElement document)
    {
        var results = Schema.Evaluate(document, Evaluation);
        var errors = new List<MetadataValidationError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in results.Details ?? [])
        {
            if (node.IsValid || node.Errors is null)
            {
                continue;
            }

            var at = Segments(node.InstanceLocation.ToString());
            var instance = Resolve(document, at);
            var schema = SchemaAt(node.SchemaLocation);
            foreach (var (keyword, libraryMessage) in node.Errors)
            {
                foreach (var error in Describe(keyword, libraryMessage, at, instance, schema))
                {
                    if (seen.Add(error.ToString()))
                    {
                        errors.Add(error);
                    }
                }
            }
        }

        if (results.IsValid || errors.Count == 0)
        {
            CheckBeyondSchema(document, errors);
        }

        // JsonSchema.Net lists errors in the schema's order; the user reads the document's.
        return [.. errors.OrderBy(e => e.InstancePath, new DocumentOrder(document))];
    }

    /// <summary>The JSON Pointer of <paramref name="segments"/>, <c>/</c> for the document itself.</summary>
    internal static string PathText(IReadOnlyList<string> segments)
    {
        if (segments.Count == 0)
        {
            return "/";
        }

        var text = new System.Text.StringBuilder();
        foreach (var segment in segments)
        {
            text.Append('/').Append(segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
        }

        return text.ToString();
    }

    /// <summary>The unescaped segments of a JSON Pointer.</summary>
    private static string[] Segments(string pointer) =>
        pointer.Length == 0
            ? []
            : Array.ConvertAll(pointer[1..].Split('/'), s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));

    private static IEnumerable<MetadataValidationError> Describe(string keyword, string libraryMessage, string[] at, JsonElement? instance, JsonNode? schema)
    {
        var path = PathText(at);
        var got = instance is { } value ? Got(value) : "nothing";
        switch (keyword)
        {
            case "type":
                yield return new(path, $"must be {TypeWords(schema?["type"])}, got {got}");
                break;
            case "required":
                foreach (var name in schema?["required"]?.AsArray() ?? [])
                {
                    var property = (string)name!;
                    if (instance is { ValueKind: JsonValueKind.Object } obj && !obj.TryGetProperty(property, out _))
                    {
                        yield return new(PathText([.. at, property]), "is required but missing");
                    }
                }

                break;
            case "enum":
                yield return new(path, $"must be one of {Words(schema?["enum"])}, got {got}");
                break;
            case "minimum":
                yield return new(path, $"must be at least {schema?["minimum"]}, got {got}");
                break;
            case "maximum":
                yield return new(path, $"must be at most {schema?["maximum"]}, got {got}");
                break;
            case "minLength":
                yield return new(path, "must not be empty");
                break;
            case "minItems":
                yield return new(path, $"must have at least {schema?["minItems"]} items, got {got}");
                break;
            case "pattern":
                yield return new(path, PatternWords(at, schema));
                break;
            case "":
                // The false schema of "additionalProperties": false, reached for a member the parent does not name.
                yield return new(path, UnknownMember(at));
                break;
            default:
                yield return new(path, libraryMessage);
                break;
        }
    }

    private static string PatternWords(string[] at, JsonNode? schema)
    {
        var name = at.Length > 0 ? at[^1] : string.Empty;
        return $"name '{name}' must be snake_case (match {schema?["pattern"]})";
    }

    /// <summary>"unknown member; expected one of ..." with the parent's member names and the closest one.</summary>
    private static string UnknownMember(string[] at)
    {
        var names = KnownMembers(at);
        if (names.Count == 0)
        {
            return "is not allowed here";
        }

        var name = at[^1];
        return $"unknown member{NameSuggestions.Hint(name, names)}; expected one of {string.Join(", ", names)}";
    }

    /// <summary>The member names the schema allows in the object that holds <paramref name="at"/>.</summary>
    private static List<string> KnownMembers(string[] at)
    {
        // Walk the instance path down the schema: objects by "properties", arrays by "items", following "$ref".
        JsonNode? schema = Document;
        for (var i = 0; i < at.Length - 1 && schema is not null; i++)
        {
            var obj = Follow(schema) as JsonObject;
            schema = obj?["properties"]?[at[i]] ?? obj?["items"];
        }

        var parent = schema is null ? null : Follow(schema) as JsonObject;
        var names = new List<string>();
        foreach (var (name, _) in parent?["properties"]?.AsObject() ?? [])
        {
            names.Add(name);
        }

        return names;
    }

    private static JsonNode? Follow(JsonNode schema) =>
        schema is JsonObject obj && (string?)obj["$ref"] is { } reference && reference.StartsWith("#/", StringComparison.Ordinal)
            ? Pointer(reference[1..])
            : schema;

    /// <summary>
    /// The schema object at a schema location. JsonSchema.Net 8.0.5 may insert the name of the member that holds the
    /// instance after <c>additionalProperties</c> or <c>items</c> (<c>#/properties/metrics/additionalProperties/metrics</c>,
    /// <c>#/properties/charts/properties/roc/items/roc/properties/tpr</c>): a segment that does not resolve is skipped.
    /// </summary>
    private static JsonNode? SchemaAt(Uri location)
    {
        var fragment = Uri.UnescapeDataString(location.Fragment.TrimStart('#'));
        return Pointer(fragment);
    }

    private static JsonNode? Pointer(string fragment)
    {
        JsonNode? node = Document;
        foreach (var raw in fragment.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            var next = node switch
            {
                JsonObject obj => obj[segment],
                JsonArray array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < array.Count => array[index],
                _ => null,
            };
            if (next is not null)
            {
                node = next;
            }
        }

        return node;
    }

    private static JsonElement? Resolve(JsonElement document, string[] at)
    {
        var current = document;
        foreach (var segment in at)
        {
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var member))
            {
                current = member;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>What a value is, for messages: <c>string "91.2%"</c>, <c>91.2</c>, <c>an object</c>, <c>an array of 3 items</c>, <c>null</c>.</summary>
    internal static string Got(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "string " + JsonText.Quote(value.GetString()!),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => value.GetArrayLength() == 1 ? "an array of 1 item" : $"an array of {value.GetArrayLength()} items",
        _ => "nothing",
    };

    private static string TypeWords(JsonNode? type) => type switch
    {
        JsonArray types => string.Join(" or ", types.Select(t => TypeWord((string)t!))),
        JsonValue single => TypeWord((string)single!),
        _ => "of another type",
    };

    private static string TypeWord(string type) => type switch
    {
        "number" => "a number",
        "integer" => "an integer",
        "string" => "a string",
        "boolean" => "true or false",
        "object" => "an object",
        "array" => "an array",
        _ => type,
    };

    private static string Words(JsonNode? values) =>
        values is JsonArray array ? string.Join(", ", array.Select(v => v is JsonValue text && text.TryGetValue<string>(out var s) ? s : v?.ToJsonString())) : string.Empty;

    private static void CheckBeyondSchema(JsonElement document, List<MetadataValidationError> errors)
    {
        if (document.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (document.TryGetProperty("features", out var features) && features.ValueKind == JsonValueKind.Array)
        {
            var first = new Dictionary<string, int>(StringComparer.Ordinal);
            var index = 0;
            foreach (var feature in features.EnumerateArray())
            {
                if (feature.ValueKind == JsonValueKind.Object && feature.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    if (first.TryGetValue(name.GetString()!, out var earlier))
                    {
                        errors.Add(new(FormattableString.Invariant($"/features/{index}/name"), FormattableString.Invariant($"duplicate feature name {JsonText.Quote(name.GetString()!)} (also /features/{earlier}/name)")));
                    }
                    else
                    {
                        first.Add(name.GetString()!, index);
                    }
                }

                index++;
            }
        }

        if (document.TryGetProperty("charts", out var charts) && charts.ValueKind == JsonValueKind.Object
            && charts.TryGetProperty(MetadataNames.ConfusionMatrix, out var confusion) && confusion.ValueKind == JsonValueKind.Object
            && confusion.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Array
            && confusion.TryGetProperty("matrix", out var matrix) && matrix.ValueKind == JsonValueKind.Array)
        {
            var size = labels.GetArrayLength();
            const string at = "/charts/confusion_matrix/matrix";
            if (matrix.GetArrayLength() != size)
            {
                errors.Add(new(at, FormattableString.Invariant($"must have one row per label ({size}), got {matrix.GetArrayLength()} rows")));
            }

            var row = 0;
            foreach (var counts in matrix.EnumerateArray())
            {
                if (counts.ValueKind == JsonValueKind.Array && counts.GetArrayLength() != size)
                {
                    errors.Add(new(FormattableString.Invariant($"{at}/{row}"), FormattableString.Invariant($"must have one count per label ({size}), got {counts.GetArrayLength()}")));
                }

                row++;
            }
        }
    }

    private static JsonObject Generate()
    {
        static JsonObject Number() => new() { ["type"] = "number" };
        static JsonObject Fraction() => new() { ["type"] = "number", ["minimum"] = 0, ["maximum"] = 1 };
        static JsonObject Text(string description) => new() { ["type"] = "string", ["minLength"] = 1, ["description"] = description };
        static JsonArray Names(IEnumerable<string> names) => new([.. names.Select(n => (JsonNode)JsonValue.Create(n))]);
        static JsonObject Closed(JsonObject properties, params string[] required) => new()
        {
            ["type"] = "object",
            ["required"] = Names(required),
            ["additionalProperties"] = false,
            ["properties"] = properties,
        };
        static JsonObject ArrayOf(JsonObject items, string description) => new() { ["type"] = "array", ["description"] = description, ["items"] = items };

        var fractionMetrics = new JsonObject();
        foreach (var name in MetadataNames.FractionMetrics)
        {
            fractionMetrics[name] = new JsonObject { ["$ref"] = "#/$defs/fraction" };
        }

        var columnTypes = new[] { ColumnType.Int64, ColumnType.Float64, ColumnType.Bool, ColumnType.String, ColumnType.DateTime };
        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = Id,
            ["title"] = "ModelOps model metadata",
            ["description"] = "A model's name, description, task, features, metrics, charts and tags, as ModelOps imports and keeps them.",
            ["type"] = "object",
            ["required"] = Names(["name"]),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["name"] = Text("The model's name."),
                ["description"] = new JsonObject { ["type"] = "string", ["description"] = "What the model is." },
                ["task"] = new JsonObject { ["enum"] = Names(MetadataNames.Tasks), ["description"] = "What the model predicts." },
                ["features"] = ArrayOf(new JsonObject { ["$ref"] = "#/$defs/feature" }, "The input features, in order."),
                ["metrics"] = new JsonObject
                {
                    ["type"] = "object",
                    ["description"] = "Metric values by snake_case name; the catalog's names (accuracy, roc_auc, rmse, ...) where they apply. Fractions are between 0 and 1.",
                    ["propertyNames"] = new JsonObject { ["pattern"] = "^[a-z0-9][a-z0-9_]*$" },
                    ["properties"] = fractionMetrics,
                    ["additionalProperties"] = Number(),
                },
                ["charts"] = Closed(new JsonObject
                {
                    [MetadataNames.Roc] = ArrayOf(Closed(new JsonObject { ["fpr"] = Fraction(), ["tpr"] = Fraction(), ["threshold"] = Number() }, "fpr", "tpr"), "ROC curve points."),
                    [MetadataNames.PrecisionRecall] = ArrayOf(Closed(new JsonObject { ["recall"] = Fraction(), ["precision"] = Fraction(), ["threshold"] = Number() }, "recall", "precision"), "Precision-recall curve points."),
                    [MetadataNames.FeatureImportance] = ArrayOf(Closed(new JsonObject { ["feature"] = Text("The feature's name."), ["importance"] = Number() }, "feature", "importance"), "Feature importances on the source's scale."),
                    [MetadataNames.ConfusionMatrix] = Closed(new JsonObject
                    {
                        ["labels"] = new JsonObject { ["type"] = "array", ["minItems"] = 2, ["items"] = new JsonObject { ["type"] = "string" } },
                        ["matrix"] = ArrayOf(ArrayOf(new JsonObject { ["type"] = "number", ["minimum"] = 0 }, "Counts by predicted label."), "One row per actual label."),
                    }, "labels", "matrix"),
                }),
                ["tags"] = new JsonObject { ["type"] = "object", ["description"] = "Free-form tags.", ["additionalProperties"] = new JsonObject { ["type"] = "string" } },
            },
            ["$defs"] = new JsonObject
            {
                ["fraction"] = Fraction(),
                ["feature"] = Closed(new JsonObject
                {
                    ["name"] = Text("The input column's name."),
                    ["type"] = new JsonObject { ["enum"] = Names(columnTypes.Select(t => t.ToName())), ["description"] = "The column type, when the source says." },
                    ["description"] = new JsonObject { ["type"] = "string" },
                    ["importance"] = Number(),
                }, "name"),
            },
        };
    }
}

/// <summary>
/// Orders JSON Pointers as their values stand in a document: members by their place in their object, items by index,
/// a member that is not there (a missing required one) before those that are, a parent before its children.
/// </summary>
file sealed class DocumentOrder(JsonElement document) : IComparer<string>
{
    public int Compare(string? x, string? y)
    {
        var a = Segments(x!);
        var b = Segments(y!);
        var node = (JsonElement?)document;
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (a[i] != b[i])
            {
                return Place(node, a[i]).CompareTo(Place(node, b[i])) is var order and not 0 ? order : string.CompareOrdinal(a[i], b[i]);
            }

            node = Child(node, a[i]);
        }

        return a.Length.CompareTo(b.Length);
    }

    private static string[] Segments(string pointer) => pointer == "/" ? [] : pointer[1..].Split('/');

    private static int Place(JsonElement? node, string segment)
    {
        if (node is { ValueKind: JsonValueKind.Array } && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return index;
        }

        if (node is { ValueKind: JsonValueKind.Object } obj)
        {
            var place = 0;
            foreach (var member in obj.EnumerateObject())
            {
                if (member.Name == Unescape(segment))
                {
                    return place;
                }

                place++;
            }
        }

        return -1;
    }

    private static JsonElement? Child(JsonElement? node, string segment) => node switch
    {
        { ValueKind: JsonValueKind.Object } obj when obj.TryGetProperty(Unescape(segment), out var member) => member,
        { ValueKind: JsonValueKind.Array } array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < array.GetArrayLength() => array[index],
        _ => null,
    };

    private static string Unescape(string segment) => segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
}

/// <summary>One way a metadata document breaks the schema.</summary>
/// <param name="InstancePath">Where, as a JSON Pointer into the document (<c>/metrics/accuracy</c>; <c>/</c> for the document itself).</param>
/// <param name="Message">What is wrong, naming the value (<c>must be a number, got string "91.2%"</c>).</param>
public sealed record MetadataValidationError(string InstancePath, string Message)
{
    /// <summary><c>/metrics/accuracy: must be a number, got string "91.2%"</c>.</summary>
    public override string ToString() => $"{InstancePath}: {Message}";
}
