using System.Text.Json;
using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Linear;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Models;

/// <summary>
/// Saves and loads fitted models in the ModelOps model format: one JSON document holding the
/// learner and its parameters, the input signature, the fitted pipeline, the predictor (trees as
/// node arrays, or linear coefficients) and metadata. Described in <c>docs/model-format.md</c>.
/// The same model always gives the same bytes.
/// </summary>
public static class ModelFile
{
    /// <summary>The format name written in every file.</summary>
    public const string FormatName = "modelops.model";

    /// <summary>The format version this code writes and the newest it reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>Writes a fitted model to <paramref name="stream"/>.</summary>
    /// <exception cref="InvalidOperationException">The model is not fitted.</exception>
    public static void Save(Model model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        if (model.Pipeline is not { } pipeline || model.Predictor is not { } predictor)
        {
            throw new InvalidOperationException($"The {model.Kind} model is not fitted; only fitted models can be saved.");
        }

        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false, SkipValidation = false });
        writer.WriteStartObject();
        writer.WriteString("format", FormatName);
        writer.WriteNumber("format_version", FormatVersion);
        writer.WriteString("kind", model.Kind);
        writer.WriteString("task", TaskName(model.Task));
        writer.WriteStartObject("parameters");
        foreach (var name in model.ParameterNames)
        {
            writer.WritePropertyName(name);
            WriteValue(writer, model.GetParameter(name));
        }

        writer.WriteEndObject();
        WriteSignature(writer, pipeline, model.TargetName);
        WritePipeline(writer, pipeline);
        WritePredictor(writer, predictor);
        writer.WriteStartObject("metadata");
        foreach (var key in model.Metadata.Keys.Order(StringComparer.Ordinal))
        {
            writer.WriteString(key, model.Metadata[key]);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The model as bytes.</summary>
    public static byte[] ToBytes(Model model)
    {
        using var buffer = new MemoryStream();
        Save(model, buffer);
        return buffer.ToArray();
    }

    /// <summary>Reads a model written by <see cref="Save"/>.</summary>
    /// <exception cref="ModelFormatException">The content is not a readable ModelOps model; the message names the field.</exception>
    public static Model Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using (var document = ModelJson.Parse(stream, "The model file"))
        {
            return new Reader().Read(document.RootElement);
        }
    }

    /// <summary>Reads a model from bytes.</summary>
    public static Model FromBytes(byte[] bytes)
    {
        using var buffer = new MemoryStream(bytes, writable: false);
        return Load(buffer);
    }

    /// <summary>
    /// The signature of a fitted model as compact JSON, as the model file holds it:
    /// <c>{"inputs":[{"name":"temp","type":"float64"},...],"target":"cnt"}</c> (target <c>null</c> when unknown).
    /// The registry stores it with each version.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is not fitted.</exception>
    public static string SignatureJson(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Pipeline is not { } pipeline)
        {
            throw new InvalidOperationException($"The {model.Kind} model is not fitted; it has no signature yet.");
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteSignature(writer, pipeline, model.TargetName);
            writer.WriteEndObject();
        }

        // WriteSignature writes the "signature" property; the registry wants its value.
        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.GetProperty("signature").GetRawText();
    }

    private static string TaskName(ModelTask task) => task == ModelTask.Regression ? "regression" : "binary_classification";

    private static string LinkName(Link link) => link == Link.Logistic ? "logistic" : "identity";

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }

    private static void WriteSignature(Utf8JsonWriter writer, FeaturePipeline pipeline, string? target)
    {
        writer.WriteStartObject("signature");
        writer.WriteStartArray("inputs");
        foreach (var input in pipeline.Inputs)
        {
            writer.WriteStartObject();
            writer.WriteString("name", input.Name);
            writer.WriteString("type", input.Type.ToName());
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (target is null)
        {
            writer.WriteNull("target");
        }
        else
        {
            writer.WriteString("target", target);
        }

        writer.WriteEndObject();
    }

    private static void WritePipeline(Utf8JsonWriter writer, FeaturePipeline pipeline)
    {
        writer.WriteStartObject("pipeline");
        writer.WriteStartArray("steps");
        foreach (var step in pipeline.Steps)
        {
            writer.WriteStartObject();
            writer.WriteString("kind", step.Spec.Kind);
            WriteStrings(writer, "columns", step.Spec.Columns);
            switch (step)
            {
                case FittedOneHot oneHot:
                    writer.WriteStartArray("categories");
                    foreach (var categories in oneHot.Categories)
                    {
                        writer.WriteStartArray();
                        foreach (var category in categories)
                        {
                            writer.WriteStringValue(category);
                        }

                        writer.WriteEndArray();
                    }

                    writer.WriteEndArray();
                    break;
                case FittedStandardScale scale:
                    WriteNumbers(writer, "means", scale.Means);
                    WriteNumbers(writer, "scales", scale.Scales);
                    break;
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteStrings(writer, "feature_names", pipeline.FeatureNames);
        writer.WriteStartArray("feature_sources");
        foreach (var source in pipeline.FeatureSources)
        {
            writer.WriteNumberValue(source);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WritePredictor(Utf8JsonWriter writer, Predictor predictor)
    {
        writer.WriteStartObject("predictor");
        switch (predictor)
        {
            case TreeEnsemble ensemble:
                writer.WriteString("type", "tree_ensemble");
                writer.WriteString("link", LinkName(ensemble.Link));
                writer.WriteNumber("feature_count", ensemble.FeatureCount);
                writer.WriteNumber("base_score", ensemble.BaseScore);
                writer.WriteString("aggregation", ensemble.Averaged ? "mean" : "sum");
                if (ensemble.Float32Sum)
                {
                    // Only imported XGBoost ensembles have it, so other files keep their bytes.
                    writer.WriteString("sum_precision", "float32");
                }
                writer.WriteStartArray("trees");
                foreach (var tree in ensemble.Trees)
                {
                    WriteTree(writer, tree);
                }

                writer.WriteEndArray();
                break;
            case LinearPredictor linear:
                writer.WriteString("type", "linear");
                writer.WriteString("link", LinkName(linear.Link));
                writer.WriteNumber("feature_count", linear.FeatureCount);
                writer.WriteNumber("intercept", linear.Intercept);
                WriteNumbers(writer, "coefficients", linear.Coefficients);
                WriteNumbers(writer, "feature_means", linear.FeatureMeans);
                break;
            default:
                throw new NotSupportedException($"Predictor {predictor.GetType().Name} has no file representation.");
        }

        writer.WriteEndObject();
    }

    private static void WriteTree(Utf8JsonWriter writer, Tree tree)
    {
        writer.WriteStartObject();
        writer.WriteString("split_rule", tree.SplitRule == SplitRule.LessOrEqual ? "less_or_equal" : "less_than");
        writer.WriteStartArray("feature");
        foreach (var f in tree.Features)
        {
            writer.WriteNumberValue(f);
        }

        writer.WriteEndArray();
        WriteNumbers(writer, "threshold", tree.Thresholds);
        writer.WriteStartArray("default_left");
        foreach (var d in tree.DefaultLeft)
        {
            writer.WriteNumberValue(d ? 1 : 0);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("left");
        foreach (var l in tree.Left)
        {
            writer.WriteNumberValue(l);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("right");
        foreach (var r in tree.Right)
        {
            writer.WriteNumberValue(r);
        }

        writer.WriteEndArray();
        WriteNumbers(writer, "value", tree.Values);
        WriteNumbers(writer, "cover", tree.Covers);
        WriteNumbers(writer, "gain", tree.Gains);
        writer.WriteEndObject();
    }

    private static void WriteNumbers(Utf8JsonWriter writer, string name, ReadOnlySpan<double> values)
    {
        writer.WriteStartArray(name);
        foreach (var v in values)
        {
            writer.WriteNumberValue(v);
        }

        writer.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var v in values)
        {
            writer.WriteStringValue(v);
        }

        writer.WriteEndArray();
    }

    /// <summary>Reads the document, naming the JSON path of the first field that is wrong.</summary>
    private sealed class Reader
    {
        public Model Read(JsonElement root)
        {
            Expect(root, JsonValueKind.Object, "$");
            var format = String(root, "format", "$");
            if (format != FormatName)
            {
                throw new ModelFormatException($"$.format is '{format}'; a ModelOps model file has '{FormatName}'.");
            }

            var version = Int(root, "format_version", "$");
            if (version > FormatVersion || version < 1)
            {
                throw new ModelFormatException($"$.format_version is {version}; this ModelOps reads versions 1 to {FormatVersion}.");
            }

            var kind = String(root, "kind", "$");
            LearnerOptions learner;
            try
            {
                learner = LearnerCatalog.Create(kind);
            }
            catch (ArgumentException error)
            {
                throw new ModelFormatException($"$.kind: {error.Message}", error);
            }

            var parameters = Property(root, "parameters", "$", JsonValueKind.Object);
            foreach (var parameter in parameters.EnumerateObject())
            {
                try
                {
                    learner = learner.WithParameter(parameter.Name, ValueOf(parameter.Value));
                }
                catch (ArgumentException error)
                {
                    throw new ModelFormatException($"$.parameters.{parameter.Name}: {error.Message}", error);
                }
            }

            var signature = Property(root, "signature", "$", JsonValueKind.Object);
            var inputs = new List<InputColumn>();
            var i = 0;
            foreach (var input in Property(signature, "inputs", "$.signature", JsonValueKind.Array).EnumerateArray())
            {
                var path = $"$.signature.inputs[{i++}]";
                var typeName = String(input, "type", path);
                if (!ColumnTypeNames.TryParse(typeName, out var type))
                {
                    throw new ModelFormatException($"{path}.type is '{typeName}'; expected one of {ColumnTypeNames.Accepted}.");
                }

                inputs.Add(new InputColumn(String(input, "name", path), type));
            }

            var targetElement = Property(signature, "target", "$.signature", null);
            var target = targetElement.ValueKind == JsonValueKind.String ? targetElement.GetString() : null;
            var (steps, fittedSteps) = ReadPipeline(Property(root, "pipeline", "$", JsonValueKind.Object));
            var pipeline = FeaturePipeline.Restore(fittedSteps, inputs);
            var predictor = ReadPredictor(Property(root, "predictor", "$", JsonValueKind.Object));
            if (predictor.FeatureCount != pipeline.FeatureNames.Count)
            {
                throw new ModelFormatException($"$.predictor.feature_count is {predictor.FeatureCount} but the pipeline makes {pipeline.FeatureNames.Count} features.");
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in meta.EnumerateObject())
                {
                    metadata[entry.Name] = entry.Value.ToString();
                }
            }

            return new Model(steps, learner, pipeline, predictor, target, metadata);
        }

        private static (FeatureStep[] Steps, FittedStep[] Fitted) ReadPipeline(JsonElement pipeline)
        {
            var stepsElement = Property(pipeline, "steps", "$.pipeline", JsonValueKind.Array);
            var steps = new List<FeatureStep>();
            var fitted = new List<FittedStep>();
            var index = 0;
            foreach (var step in stepsElement.EnumerateArray())
            {
                var path = $"$.pipeline.steps[{index++}]";
                var kind = String(step, "kind", path);
                var columns = Strings(step, "columns", path);
                switch (kind)
                {
                    case "OneHot":
                        var spec = new OneHotStep(columns);
                        var categories = new List<string[]>();
                        foreach (var list in Property(step, "categories", path, JsonValueKind.Array).EnumerateArray())
                        {
                            categories.Add([.. list.EnumerateArray().Select(c => c.GetString() ?? string.Empty)]);
                        }

                        if (categories.Count != columns.Length)
                        {
                            throw new ModelFormatException($"{path}.categories has {categories.Count} lists for {columns.Length} columns.");
                        }

                        steps.Add(spec);
                        fitted.Add(new FittedOneHot(spec, [.. categories]));
                        break;
                    case "StandardScale":
                        var scale = new StandardScaleStep(columns);
                        var means = Numbers(step, "means", path);
                        var scales = Numbers(step, "scales", path);
                        if (means.Length != columns.Length || scales.Length != columns.Length)
                        {
                            throw new ModelFormatException($"{path}: means and scales need one value per column ({columns.Length}).");
                        }

                        steps.Add(scale);
                        fitted.Add(new FittedStandardScale(scale, means, scales));
                        break;
                    case "Passthrough":
                        var pass = new PassthroughStep(columns);
                        steps.Add(pass);
                        fitted.Add(new FittedPassthrough(pass));
                        break;
                    default:
                        throw new ModelFormatException($"{path}.kind is '{kind}'; expected OneHot, StandardScale or Passthrough.");
                }
            }

            return ([.. steps], [.. fitted]);
        }

        private static Predictor ReadPredictor(JsonElement predictor)
        {
            const string Path = "$.predictor";
            var type = String(predictor, "type", Path);
            var linkName = String(predictor, "link", Path);
            var link = linkName switch
            {
                "identity" => Link.Identity,
                "logistic" => Link.Logistic,
                _ => throw new ModelFormatException($"{Path}.link is '{linkName}'; expected identity or logistic."),
            };
            var featureCount = Int(predictor, "feature_count", Path);
            switch (type)
            {
                case "tree_ensemble":
                    var aggregation = String(predictor, "aggregation", Path);
                    if (aggregation is not ("sum" or "mean"))
                    {
                        throw new ModelFormatException($"{Path}.aggregation is '{aggregation}'; expected sum or mean.");
                    }

                    var trees = new List<Tree>();
                    var t = 0;
                    foreach (var tree in Property(predictor, "trees", Path, JsonValueKind.Array).EnumerateArray())
                    {
                        trees.Add(ReadTree(tree, $"{Path}.trees[{t++}]", featureCount));
                    }

                    var precision = !predictor.TryGetProperty("sum_precision", out var precisionElement) ? "float64"
                        : precisionElement.ValueKind == JsonValueKind.String ? precisionElement.GetString() : precisionElement.GetRawText();
                    if (precision is not ("float64" or "float32") || (precision == "float32" && aggregation == "mean"))
                    {
                        throw new ModelFormatException($"{Path}.sum_precision is '{precision}'; expected float64, or float32 with aggregation sum.");
                    }

                    return new TreeEnsemble(trees, Number(predictor, "base_score", Path), aggregation == "mean", link, featureCount, precision == "float32");
                case "linear":
                    var coefficients = Numbers(predictor, "coefficients", Path);
                    var featureMeans = Numbers(predictor, "feature_means", Path);
                    if (coefficients.Length != featureCount || featureMeans.Length != featureCount)
                    {
                        throw new ModelFormatException($"{Path}: coefficients and feature_means need {featureCount} values (feature_count).");
                    }

                    return new LinearPredictor(coefficients, Number(predictor, "intercept", Path), featureMeans, link);
                default:
                    throw new ModelFormatException($"{Path}.type is '{type}'; expected tree_ensemble or linear.");
            }
        }

        private static Tree ReadTree(JsonElement tree, string path, int featureCount)
        {
            var rule = String(tree, "split_rule", path) switch
            {
                "less_or_equal" => SplitRule.LessOrEqual,
                "less_than" => SplitRule.LessThan,
                var other => throw new ModelFormatException($"{path}.split_rule is '{other}'; expected less_or_equal or less_than."),
            };
            var features = Ints(tree, "feature", path);
            foreach (var f in features)
            {
                if (f >= featureCount)
                {
                    throw new ModelFormatException($"{path}.feature has {f}, beyond feature_count {featureCount}.");
                }
            }

            try
            {
                return new Tree(
                    features,
                    Numbers(tree, "threshold", path),
                    Array.ConvertAll(Ints(tree, "default_left", path), d => d != 0),
                    Ints(tree, "left", path),
                    Ints(tree, "right", path),
                    Numbers(tree, "value", path),
                    Numbers(tree, "cover", path),
                    Numbers(tree, "gain", path),
                    rule).WithoutUnreachableNodes(); // files of XGBoost imports before issue 16 kept its pruned nodes
            }
            catch (ArgumentException error)
            {
                throw new ModelFormatException($"{path}: {error.Message.Split(" (Parameter", 2)[0]}", error);
            }
        }

        private static object? ValueOf(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when value.TryGetInt64(out var l) => l,
            JsonValueKind.Number => value.GetDouble(),
            _ => value.ToString(),
        };

        private static void Expect(JsonElement element, JsonValueKind kind, string path)
        {
            if (element.ValueKind != kind)
            {
                throw new ModelFormatException($"{path} is {ModelJson.Describe(element.ValueKind)}; expected {ModelJson.Describe(kind)}.");
            }
        }

        private static JsonElement Property(JsonElement parent, string name, string path, JsonValueKind? kind)
        {
            if (!parent.TryGetProperty(name, out var value))
            {
                throw new ModelFormatException($"{path}.{name} is missing.");
            }

            if (kind is { } expected)
            {
                Expect(value, expected, $"{path}.{name}");
            }

            return value;
        }

        private static string String(JsonElement parent, string name, string path) =>
            Property(parent, name, path, JsonValueKind.String).GetString()!;

        private static int Int(JsonElement parent, string name, string path)
        {
            var value = Property(parent, name, path, JsonValueKind.Number);
            return value.TryGetInt32(out var result) ? result : throw new ModelFormatException($"{path}.{name} is {value}; expected an integer.");
        }

        private static double Number(JsonElement parent, string name, string path) =>
            Property(parent, name, path, JsonValueKind.Number).GetDouble();

        private static double[] Numbers(JsonElement parent, string name, string path)
        {
            var array = Property(parent, name, path, JsonValueKind.Array);
            var result = new double[array.GetArrayLength()];
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                Expect(item, JsonValueKind.Number, $"{path}.{name}[{i}]");
                result[i++] = item.GetDouble();
            }

            return result;
        }

        private static int[] Ints(JsonElement parent, string name, string path)
        {
            var array = Property(parent, name, path, JsonValueKind.Array);
            var result = new int[array.GetArrayLength()];
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out result[i]))
                {
                    throw new ModelFormatException($"{path}.{name}[{i}] is {item}; expected an integer.");
                }

                i++;
            }

            return result;
        }

        private static string[] Strings(JsonElement parent, string name, string path)
        {
            var array = Property(parent, name, path, JsonValueKind.Array);
            var result = new string[array.GetArrayLength()];
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                Expect(item, JsonValueKind.String, $"{path}.{name}[{i}]");
                result[i++] = item.GetString()!;
            }

            return result;
        }

    }
}
