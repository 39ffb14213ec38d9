using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOps.Core.Data;
using ModelOps.Core.Learning;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>
/// A model's metadata as ModelOps keeps it: its name, description and task, its input features, its metrics and
/// charts, and free-form tags. Its JSON form is the document <see cref="ModelMetadataSchema"/> describes (property
/// names as there: <c>name</c>, <c>description</c>, <c>task</c>, <c>features</c>, <c>metrics</c>, <c>charts</c>,
/// <c>tags</c>); <see cref="FromJson"/> reads a document that the schema accepts and <see cref="ToJson"/> writes one.
/// </summary>
public sealed record ModelMetadata
{
    /// <summary>The model's name, as the source gives it (not empty).</summary>
    public required string Name { get; init; }

    /// <summary>What the model is, in the source's words.</summary>
    /// <value>Default <see langword="null"/>: the source says nothing.</value>
    public string? Description { get; init; }

    /// <summary>What the model predicts.</summary>
    /// <value>Default <see langword="null"/>: the source does not say (or says only "classification", which does not tell binary from multiclass).</value>
    public ModelTask? Task { get; init; }

    /// <summary>The input features, in the source's order.</summary>
    /// <value>Default empty.</value>
    public IReadOnlyList<FeatureMetadata> Features { get; init; } = [];

    /// <summary>
    /// The metrics by name: <see cref="Core.Metrics.MetricCatalog"/>'s names where the source's metric is one of them
    /// (<c>accuracy</c>, <c>roc_auc</c>, <c>rmse</c>, ...), other names as the source gives them in snake_case.
    /// Fractions (accuracy, precision, recall, f1, roc_auc, average_precision) are between 0 and 1.
    /// </summary>
    /// <value>Default empty.</value>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>The charts the source holds.</summary>
    /// <value>Default: no chart.</value>
    public MetadataCharts Charts { get; init; } = new();

    /// <summary>Free-form tags, by name.</summary>
    /// <value>Default empty.</value>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The task's name in metadata documents: <c>regression</c> or <c>binary_classification</c> (as in the model file).</summary>
    public static string TaskName(ModelTask task) => task switch
    {
        ModelTask.Regression => MetadataNames.Regression,
        ModelTask.BinaryClassification => MetadataNames.BinaryClassification,
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown task."),
    };

    /// <summary>Reads a metadata document that <see cref="ModelMetadataSchema.Validate(JsonNode?)"/> accepts.</summary>
    /// <exception cref="ArgumentException">The document is not valid; the message lists its validation errors.</exception>
    public static ModelMetadata FromJson(JsonNode? document)
    {
        var errors = ModelMetadataSchema.Validate(document);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid model metadata: {string.Join("; ", errors)}.", nameof(document));
        }

        var root = document!.AsObject();
        var features = new List<FeatureMetadata>();
        foreach (var item in root["features"]?.AsArray() ?? [])
        {
            var feature = item!.AsObject();
            ColumnTypeNames.TryParse((string?)feature["type"] ?? string.Empty, out var type);
            features.Add(new FeatureMetadata((string)feature["name"]!)
            {
                Type = feature["type"] is null ? null : type,
                Description = (string?)feature["description"],
                Importance = (double?)feature["importance"],
            });
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in root["metrics"]?.AsObject() ?? [])
        {
            metrics[name] = (double)value!;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in root["tags"]?.AsObject() ?? [])
        {
            tags[name] = (string)value!;
        }

        return new ModelMetadata
        {
            Name = (string)root["name"]!,
            Description = (string?)root["description"],
            Task = (string?)root["task"] switch
            {
                MetadataNames.Regression => ModelTask.Regression,
                MetadataNames.BinaryClassification => ModelTask.BinaryClassification,
                _ => null,
            },
            Features = features,
            Metrics = metrics,
            Charts = MetadataCharts.FromJson(root["charts"]?.AsObject()),
            Tags = tags,
        };
    }

    /// <summary>The metadata as a JSON document (members in schema order; absent and empty parts left out).</summary>
    public JsonObject ToJson()
    {
        var root = new JsonObject { ["name"] = Name };
        if (Description is not null)
        {
            root["description"] = Description;
        }

        if (Task is { } task)
        {
            root["task"] = TaskName(task);
        }

        if (Features.Count > 0)
        {
            var features = new JsonArray();
            foreach (var feature in Features)
            {
                var item = new JsonObject { ["name"] = feature.Name };
                if (feature.Type is { } type)
                {
                    item["type"] = type.ToName();
                }

                if (feature.Description is not null)
                {
                    item["description"] = feature.Description;
                }

                if (feature.Importance is { } importance)
                {
                    item["importance"] = importance;
                }

                features.Add(item);
            }

            root["features"] = features;
        }

        if (Metrics.Count > 0)
        {
            var metrics = new JsonObject();
            foreach (var (name, value) in Metrics)
            {
                metrics[name] = value;
            }

            root["metrics"] = metrics;
        }

        if (Charts.ToJson() is { Count: > 0 } charts)
        {
            root["charts"] = charts;
        }

        if (Tags.Count > 0)
        {
            var tags = new JsonObject();
            foreach (var (name, value) in Tags)
            {
                tags[name] = value;
            }

            root["tags"] = tags;
        }

        return root;
    }

    /// <summary>The metadata as indented JSON text.</summary>
    public override string ToString() => ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}

/// <summary>One input feature of a model.</summary>
/// <param name="Name">The feature's (input column's) name.</param>
public sealed record FeatureMetadata(string Name)
{
    /// <summary>The column type, when the source says.</summary>
    /// <value>Default <see langword="null"/>: unknown.</value>
    public ColumnType? Type { get; init; }

    /// <summary>What the feature is, when the source says.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? Description { get; init; }

    /// <summary>The feature's importance as the source gives it (its scale is the source's).</summary>
    /// <value>Default <see langword="null"/>.</value>
    public double? Importance { get; init; }
}
