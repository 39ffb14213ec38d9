using System.Text.Json.Nodes;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Jobs;

namespace ModelOps.Hub.Components.Pages.Jobs;

/// <summary>
/// The config language's JSON Schema (<see cref="ConfigSchema.Generate"/>) read for the Build a model form: the job
/// kinds it offers, and for a kind the <see cref="ConfigField"/>s of its form. The schema's shapes map one to one:
/// <c>type</c> string/number/integer/boolean and <c>enum</c> to a <see cref="ConfigScalarField"/>; a type list with
/// <c>null</c>, or a <c>oneOf</c> with <c>{"type": "null"}</c>, to an optional field; <c>$ref</c> to a
/// <see cref="ConfigObjectField"/>; a <c>oneOf</c> of <c>$ref</c>s (each with a <c>KIND</c> constant) to a
/// <see cref="ConfigChoiceField"/>; an array of scalars to a <see cref="ConfigScalarListField"/>, of objects to a
/// <see cref="ConfigListField"/>; an object with <c>additionalProperties</c> to a <see cref="ConfigMapField"/>.
/// A field is optional when the object does not list it as <c>required</c> (the config has its default).
/// </summary>
internal sealed class JobConfigSchema
{
    /// <summary>The key naming an object's kind: <c>KIND</c>.</summary>
    public const string KindKey = ConfigKinds.KindKey;

    /// <summary>The job kind the form starts with.</summary>
    public const string DefaultKind = "TrainingJob";

    /// <summary>The services every job has (logging, alerts, tracking), whose defaults fit a queued job: the form keeps them under Advanced.</summary>
    public static readonly IReadOnlySet<string> ServiceFields = new HashSet<string>(StringComparer.Ordinal) { "logger_service", "alerts_service", "tracking_service" };

    private const string DefsPrefix = "#/$defs/";
    private readonly JsonObject _defs;
    private readonly Dictionary<string, string> _jobDefinitions;

    private JobConfigSchema(JsonObject defs, Dictionary<string, string> jobDefinitions, IReadOnlyList<string> jobKinds)
    {
        _defs = defs;
        _jobDefinitions = jobDefinitions;
        JobKinds = jobKinds;
    }

    /// <summary>Every job kind of the language, in the schema's order (<c>EvaluationsJob</c>, ..., <c>TrainingJob</c>, <c>TuningJob</c>).</summary>
    public IReadOnlyList<string> JobKinds { get; }

    /// <summary>The schema of the language <paramref name="kinds"/> defines (every job kind a worker runs).</summary>
    public static JobConfigSchema Of(ConfigKinds kinds) => Parse(ConfigSchema.Generate(typeof(JobConfig), kinds));

    /// <summary>Reads a schema as <see cref="ConfigSchema.Generate"/> writes it for <see cref="JobConfig"/>: <c>{"properties": {"job": {"oneOf": [...]}}, "$defs": {...}}</c>.</summary>
    /// <exception cref="FormatException">The text is not such a schema.</exception>
    public static JobConfigSchema Parse(string schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var root = JsonNode.Parse(schema) as JsonObject ?? throw new FormatException("The job schema is not a JSON object.");
        var defs = root["$defs"] as JsonObject ?? throw new FormatException("The job schema has no $defs.");
        var choices = root["properties"]?["job"]?["oneOf"] as JsonArray ?? throw new FormatException("The job schema has no properties.job.oneOf.");
        var definitions = new Dictionary<string, string>(StringComparer.Ordinal);
        var kinds = new List<string>();
        foreach (var definition in choices.Select(c => Definition(c)).OfType<string>())
        {
            var kind = KindOf(defs, definition) ?? throw new FormatException($"The job definition {definition} has no {KindKey} constant.");
            definitions[kind] = definition;
            kinds.Add(kind);
        }

        return new JobConfigSchema(defs, definitions, kinds);
    }

    /// <summary>The empty form of a job of <paramref name="kind"/>: its fields, every one empty.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The language has no such job kind.</exception>
    public ConfigObjectField NewJob(string kind) => _jobDefinitions.TryGetValue(kind, out var definition)
        ? NewObject("job", optional: false, definition)
        : throw new ArgumentOutOfRangeException(nameof(kind), kind, $"No job kind {kind}: {string.Join(", ", JobKinds)}");

    private ConfigObjectField NewObject(string name, bool optional, string definition)
    {
        var def = _defs[definition] as JsonObject ?? throw new FormatException($"The job schema has no definition {definition}.");
        var required = (def["required"] as JsonArray)?.Select(r => (string?)r).ToHashSet(StringComparer.Ordinal) ?? [];
        var fields = new List<ConfigField>();
        foreach (var (key, schema) in def["properties"] as JsonObject ?? [])
        {
            if (key != KindKey && schema is JsonObject property)
            {
                fields.Add(NewField(key, property, optional: !required.Contains(key)));
            }
        }

        return new ConfigObjectField(name, optional, KindOf(_defs, definition), fields);
    }

    private ConfigField NewField(string name, JsonObject schema, bool optional)
    {
        if (schema["oneOf"] is JsonArray oneOf)
        {
            var notNull = oneOf.OfType<JsonObject>().Where(s => (string?)s["type"] != "null").ToList();
            if (notNull.Count < oneOf.Count && notNull.Count == 1)
            {
                return NewField(name, notNull[0], optional: true);
            }

            var definitions = notNull.Select(Definition).OfType<string>().ToList();
            var kinds = definitions.Select(d => KindOf(_defs, d) ?? throw new FormatException($"The choice {name} offers {d}, which has no {KindKey}.")).ToList();
            var byKind = kinds.Zip(definitions).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
            return new ConfigChoiceField(name, optional, kinds, kind => NewObject(string.Empty, optional: false, byKind[kind]));
        }

        if (Definition(schema) is { } definition)
        {
            return NewObject(name, optional, definition);
        }

        var (types, nullable) = Types(schema);
        optional |= nullable;
        if (types is ["array"])
        {
            var items = schema["items"] as JsonObject ?? [];
            return IsScalar(items)
                ? new ConfigScalarListField(name, optional, ScalarType(items))
                : new ConfigListField(name, optional, () => NewField(string.Empty, items, optional: false));
        }

        if (types is ["object"])
        {
            var values = schema["additionalProperties"] as JsonObject ?? [];
            return new ConfigMapField(name, optional, ScalarType(values), Options(values));
        }

        var range = ConfigRanges.Describe(
            Number(schema, "minimum") ?? Number(schema, "exclusiveMinimum"), schema["exclusiveMinimum"] is not null,
            Number(schema, "maximum") ?? Number(schema, "exclusiveMaximum"), schema["exclusiveMaximum"] is not null);
        return new ConfigScalarField(name, optional, ScalarType(schema), Options(schema), range);
    }

    private static bool IsScalar(JsonObject schema) => schema["enum"] is not null
        || (schema["$ref"] is null && schema["oneOf"] is null && Types(schema).Types is var types && types.Count > 0 && !types.Contains("array") && !types.Contains("object"));

    private static ConfigScalarType ScalarType(JsonObject schema)
    {
        if (schema["enum"] is not null)
        {
            return ConfigScalarType.Enum;
        }

        return Types(schema).Types switch
        {
            ["string"] => ConfigScalarType.String,
            ["number"] => ConfigScalarType.Number,
            ["integer"] => ConfigScalarType.Integer,
            ["boolean"] => ConfigScalarType.Boolean,
            _ => ConfigScalarType.Any,
        };
    }

    // The schema's types without "null", and whether "null" was one.
    private static (IReadOnlyList<string> Types, bool Nullable) Types(JsonObject schema) => schema["type"] switch
    {
        JsonArray list when list.Select(t => (string?)t).ToList() is var names => ([.. names.Where(n => n is not null and not "null").Select(n => n!)], names.Contains("null")),
        JsonValue value => ([(string)value!], false),
        _ => ([], false),
    };

    private static IReadOnlyList<string> Options(JsonObject schema) =>
        (schema["enum"] as JsonArray)?.Select(o => (string?)o).OfType<string>().ToList() ?? [];

    private static double? Number(JsonObject schema, string key) => schema[key] is JsonValue value ? (double)value : null;

    private static string? Definition(JsonNode? schema) =>
        (string?)schema?["$ref"] is { } reference && reference.StartsWith(DefsPrefix, StringComparison.Ordinal) ? reference[DefsPrefix.Length..] : null;

    private static string? KindOf(JsonObject defs, string definition) => (string?)defs[definition]?["properties"]?[KindKey]?["const"];
}
