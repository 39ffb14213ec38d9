using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOps.Core.Text;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>
/// A mapping spec: the rules that turn a source document into model metadata, each taking the value(s) at a source
/// path, transforming each, and writing them to a target field. Its JSON form, which the LLM answers with and the user
/// edits, is <c>{"rules": [{"source": "$.model_performance.accuracy", "target": "metrics.accuracy", "transform":
/// "scale_percent"}, ...]}</c> (see <c>docs/import.md</c> for the source path dialect, the targets and the transforms).
/// A spec never holds values: applying it copies them from the source, so nothing in the result is made up.
/// </summary>
/// <param name="Rules">The rules, applied in order.</param>
public sealed record MappingSpec(IReadOnlyList<MappingRule> Rules)
{
    private static readonly string[] RuleMembers = ["source", "target", "transform", "delimiter", "name_field", "value_field"];

    /// <summary>Reads a spec from its JSON form.</summary>
    /// <exception cref="MetadataImportException">(<see cref="MetadataImportErrorKind.InvalidSpec"/>) The text is not a spec; the message lists every problem (<c>rules[2].transform: unknown transform 'percent', did you mean ...</c>).</exception>
    public static MappingSpec Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return TryParse(json, out var spec, out var problem)
            ? spec
            : throw new MetadataImportException(MetadataImportErrorKind.InvalidSpec, $"The mapping spec is invalid: {problem}");
    }

    /// <summary>Reads a spec, or says in one line what keeps the text from being one.</summary>
    internal static bool TryParse(string json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MappingSpec? spec, out string problem)
    {
        spec = null;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException error)
        {
            problem = $"it is not JSON ({SourceDocument.Where(error)})";
            return false;
        }

        if (root is not JsonObject obj || obj["rules"] is not JsonArray rules)
        {
            problem = root is JsonArray
                ? "it is a JSON array; a spec is an object {\"rules\": [...]}"
                : $"it has no \"rules\" array; a spec is an object {{\"rules\": [{{\"source\": \"$...\", \"target\": \"...\", \"transform\": \"none\"}}]}}";
            return false;
        }

        var problems = new List<string>();
        foreach (var (name, _) in obj)
        {
            if (name != "rules")
            {
                problems.Add($"unknown member '{name}' (a spec has only \"rules\")");
            }
        }

        var parsed = new List<MappingRule>(rules.Count);
        for (var i = 0; i < rules.Count; i++)
        {
            if (ParseRule(rules[i], $"rules[{i}]", problems) is { } rule)
            {
                parsed.Add(rule);
            }
        }

        if (problems.Count > 0)
        {
            problem = string.Join("; ", problems);
            return false;
        }

        spec = new MappingSpec(parsed);
        problem = string.Empty;
        return true;
    }

    /// <summary>The spec's JSON form (transform and options left out when not used).</summary>
    public JsonObject ToJsonObject()
    {
        var rules = new JsonArray();
        foreach (var rule in Rules)
        {
            var item = new JsonObject { ["source"] = rule.Source, ["target"] = rule.Target, ["transform"] = MappingTransforms.Name(rule.Transform) };
            if (rule.Delimiter is not null)
            {
                item["delimiter"] = rule.Delimiter;
            }

            if (rule.NameField is not null)
            {
                item["name_field"] = rule.NameField;
            }

            if (rule.ValueField is not null)
            {
                item["value_field"] = rule.ValueField;
            }

            rules.Add(item);
        }

        return new JsonObject { ["rules"] = rules };
    }

    /// <summary>The spec's JSON text, indented.</summary>
    public string ToJson() => ToJsonObject().ToJsonString(JsonText.Indented);

    /// <summary>Whether both specs hold the same rules in the same order.</summary>
    public bool Equals(MappingSpec? other) => other is not null && Rules.SequenceEqual(other.Rules);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var rule in Rules)
        {
            hash.Add(rule);
        }

        return hash.ToHashCode();
    }

    /// <summary>One rule a line (<see cref="MappingRule.ToString"/>).</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var rule in Rules)
        {
            text.AppendLine(rule.ToString());
        }

        return text.ToString();
    }

    private static MappingRule? ParseRule(JsonNode? node, string at, List<string> problems)
    {
        if (node is not JsonObject rule)
        {
            problems.Add($"{at}: expected an object {{\"source\", \"target\", \"transform\"}}, got {JsonText.Short(node, 40)}");
            return null;
        }

        var before = problems.Count;
        foreach (var (name, _) in rule)
        {
            if (Array.IndexOf(RuleMembers, name) < 0)
            {
                problems.Add($"{at}: unknown member '{name}'{NameSuggestions.Hint(name, RuleMembers)}; a rule has {string.Join(", ", RuleMembers)}");
            }
        }

        var source = Text(rule, "source", at, required: true, problems);
        var target = Text(rule, "target", at, required: true, problems);
        var transformName = Text(rule, "transform", at, required: false, problems);
        var transform = MappingTransform.None;
        if (transformName is not null && !MappingTransforms.TryParse(transformName, out transform))
        {
            problems.Add($"{at}.transform: unknown transform '{transformName}'{NameSuggestions.Hint(transformName, MappingTransforms.Names)}; transforms: {string.Join(", ", MappingTransforms.Names)}");
        }

        var delimiter = Text(rule, "delimiter", at, required: false, problems);
        var nameField = Text(rule, "name_field", at, required: false, problems);
        var valueField = Text(rule, "value_field", at, required: false, problems);
        return problems.Count > before
            ? null
            : new MappingRule(source!, target!, transform) { Delimiter = delimiter, NameField = nameField, ValueField = valueField };
    }

    private static string? Text(JsonObject rule, string name, string at, bool required, List<string> problems)
    {
        var value = rule[name];
        if (value is null)
        {
            if (required)
            {
                problems.Add($"{at}: \"{name}\" is missing");
            }

            return null;
        }

        if (value is JsonValue text && text.TryGetValue<string>(out var s))
        {
            return s;
        }

        problems.Add($"{at}.{name}: expected a string, got {JsonText.Short(value, 40)}");
        return null;
    }
}

/// <summary>One rule of a <see cref="MappingSpec"/>.</summary>
/// <param name="Source">Where the value is in the source: a path such as <c>$.model_performance.accuracy</c>, <c>$.columns[*].name</c>, <c>$.data.tags['mlflow.runName']</c>.</param>
/// <param name="Target">The field it fills: <c>name</c>, <c>description</c>, <c>task</c>, <c>metrics</c>, <c>metrics.accuracy</c>, <c>features[].name</c>, <c>charts.roc[].fpr</c>, <c>tags.team</c>, ...</param>
/// <param name="Transform">What is done to each value on the way.</param>
public sealed record MappingRule(string Source, string Target, MappingTransform Transform = MappingTransform.None)
{
    /// <summary>The delimiter of <see cref="MappingTransform.SplitList"/>.</summary>
    /// <value>Default <see langword="null"/>: a comma.</value>
    public string? Delimiter { get; init; }

    /// <summary>For a <c>metrics</c> or <c>tags</c> target read from a list of objects: the member that names each entry.</summary>
    /// <value>Default <see langword="null"/>: <c>name</c>.</value>
    public string? NameField { get; init; }

    /// <summary>For a <c>metrics</c> or <c>tags</c> target: the member of each entry's object that holds its value (<c>{"value": 0.9, "standard_deviation": 0.01}</c>).</summary>
    /// <value>Default <see langword="null"/>: the entries are values themselves (objects by name); <c>value</c> for a list of objects.</value>
    public string? ValueField { get; init; }

    /// <summary><c>$.model_performance.accuracy -> metrics.accuracy (scale_percent)</c>, with the options that are set.</summary>
    public override string ToString()
    {
        var text = new StringBuilder().Append(Source).Append(" -> ").Append(Target);
        var options = new List<string>();
        if (Transform != MappingTransform.None)
        {
            options.Add(MappingTransforms.Name(Transform));
        }

        if (Delimiter is not null)
        {
            options.Add($"delimiter {JsonText.Quote(Delimiter)}");
        }

        if (NameField is not null)
        {
            options.Add($"name_field {JsonText.Quote(NameField)}");
        }

        if (ValueField is not null)
        {
            options.Add($"value_field {JsonText.Quote(ValueField)}");
        }

        return options.Count == 0 ? text.ToString() : text.Append(" (").AppendJoin(", ", options).Append(')').ToString();
    }
}

/// <summary>What a <see cref="MappingRule"/> does to each value it copies (JSON names in snake_case, see <see cref="MappingTransforms"/>).</summary>
public enum MappingTransform
{
    /// <summary><c>none</c>: the value as it is.</summary>
    None,

    /// <summary><c>scale_percent</c>: a percentage (a number, or text such as <c>"91.2%"</c> or <c>"91.2"</c>) divided by 100.</summary>
    ScalePercent,

    /// <summary><c>text_to_number</c>: text such as <c>"0.912"</c> read as a number (a number stays as it is).</summary>
    TextToNumber,

    /// <summary><c>split_list</c>: text such as <c>"age; income"</c> split at <see cref="MappingRule.Delimiter"/> into trimmed, non-empty items.</summary>
    SplitList,

    /// <summary><c>keys</c>: an object's member names, as a list.</summary>
    Keys,

    /// <summary><c>values</c>: an object's member values, as a list.</summary>
    Values,

    /// <summary><c>column_type</c>: a type name (<c>double</c>, <c>int</c>, <c>object</c>, <c>category</c>, ...) as our column type (<c>float64</c>, <c>int64</c>, <c>bool</c>, <c>string</c>, <c>datetime</c>).</summary>
    ColumnType,

    /// <summary><c>task_name</c>: a task's words (<c>BinaryClassification</c>, <c>binary:logistic</c>, <c>regressor</c>, ...) as our task (<c>regression</c>, <c>binary_classification</c>).</summary>
    TaskName,
}

/// <summary>The JSON names of <see cref="MappingTransform"/>.</summary>
public static class MappingTransforms
{
    private static readonly string[] AllNames = ["none", "scale_percent", "text_to_number", "split_list", "keys", "values", "column_type", "task_name"];

    /// <summary>Every transform's name, in <see cref="MappingTransform"/> order.</summary>
    public static IReadOnlyList<string> Names => AllNames;

    /// <summary>The transform's JSON name (<c>scale_percent</c>).</summary>
    public static string Name(MappingTransform transform) =>
        (uint)transform < (uint)AllNames.Length ? AllNames[(int)transform] : throw new ArgumentOutOfRangeException(nameof(transform), transform, "Unknown transform.");

    /// <summary>The transform named <paramref name="name"/> (exactly, in snake_case).</summary>
    public static bool TryParse(string name, out MappingTransform transform)
    {
        var index = Array.IndexOf(AllNames, name);
        transform = (MappingTransform)Math.Max(index, 0);
        return index >= 0;
    }
}
