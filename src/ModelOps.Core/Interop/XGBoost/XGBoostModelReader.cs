using System.Globalization;
using System.Text.Json;
using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;

namespace ModelOps.Core.Interop.XGBoost;

/// <summary>
/// Reads an XGBoost JSON model (<c>Booster.save_model("m.json")</c>, schema of XGBoost 1.x to 3.x)
/// into a ModelOps <see cref="Model"/> that predicts exactly as XGBoost's <c>predict</c> does:
/// splits compare in float32 (<see cref="SplitRule.LessThan"/>) and trees are summed in float32
/// from the base margin (<see cref="TreeEnsemble.Float32Sum"/>). Supported: booster <c>gbtree</c>
/// with numeric splits and objective <c>reg:squarederror</c> or <c>binary:logistic</c>; see
/// <c>docs/xgboost-import.md</c>.
/// </summary>
public static class XGBoostModelReader
{
    /// <summary>The boosters this reader supports.</summary>
    public const string SupportedBoosters = "gbtree";

    /// <summary>The objectives this reader supports.</summary>
    public const string SupportedObjectives = XGBoostImportedOptions.SquaredError + ", " + XGBoostImportedOptions.BinaryLogistic;

    /// <summary>Reads the model in <paramref name="stream"/>.</summary>
    /// <param name="stream">The XGBoost JSON document.</param>
    /// <param name="sourceName">What to call the document in error messages and the model's <c>source</c> metadata (usually the file name).</param>
    /// <param name="featureNames">The input column names, one per XGBoost feature; default: the names saved in the model, else <c>f0</c>, <c>f1</c>, ... as XGBoost names them.</param>
    /// <returns>A fitted model: a passthrough pipeline over float64 inputs and the imported trees; its learner is <see cref="XGBoostImportedOptions"/>.</returns>
    /// <exception cref="ModelFormatException">The document is not JSON, not an XGBoost model, uses a booster, objective or split type this reader does not support, is malformed, or <paramref name="featureNames"/> has the wrong count; the message says what was found and what is supported.</exception>
    public static Model Read(Stream stream, string sourceName, IReadOnlyList<string>? featureNames = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        using (var document = ModelJson.Parse(stream, sourceName))
        {
            return new Reader(sourceName).Read(document.RootElement, featureNames);
        }
    }

    /// <summary>Reads the document, naming the source and the JSON path of the first field that is wrong.</summary>
    private sealed class Reader(string source)
    {
        private const string Expected = "version and learner.gradient_booster, learner.objective, learner.learner_model_param";

        public Model Read(JsonElement root, IReadOnlyList<string>? givenNames)
        {
            CheckShape(root);
            var learner = root.GetProperty("learner");
            var booster = learner.GetProperty("gradient_booster");
            var boosterName = Text(Property(booster, "name", "learner.gradient_booster"));
            if (boosterName != SupportedBoosters)
            {
                throw Error($"booster '{boosterName}' is not supported; supported: {SupportedBoosters}.");
            }

            var objective = Text(Property(learner.GetProperty("objective"), "name", "learner.objective"));
            if (objective is not (XGBoostImportedOptions.SquaredError or XGBoostImportedOptions.BinaryLogistic))
            {
                throw Error($"objective '{objective}' is not supported; supported: {SupportedObjectives}.");
            }

            const string ParamPath = "learner.learner_model_param";
            var parameters = learner.GetProperty("learner_model_param");
            var featureCount = Integer(Property(parameters, "num_feature", ParamPath), $"{ParamPath}.num_feature");
            if (parameters.TryGetProperty("num_class", out var numClass) && Integer(numClass, $"{ParamPath}.num_class") > 1)
            {
                throw Error($"the model has {Integer(numClass, $"{ParamPath}.num_class")} classes (num_class); supported: one output ({SupportedObjectives}).");
            }

            var baseScoreText = Text(Property(parameters, "base_score", ParamPath));
            var baseMargin = BaseMargin(baseScoreText, objective);
            var names = FeatureNames(learner, givenNames, featureCount);
            var trees = ReadTrees(Property(booster, "model", "learner.gradient_booster"), featureCount);
            var link = objective == XGBoostImportedOptions.BinaryLogistic ? Link.Logistic : Link.Identity;
            var ensemble = new TreeEnsemble(trees, baseMargin, averaged: false, link, featureCount, float32Sum: true);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["source"] = source,
                ["xgboost_base_score"] = baseScoreText,
                ["xgboost_objective"] = objective,
                ["xgboost_version"] = Version(root),
            };
            var options = new XGBoostImportedOptions { Objective = objective };
            return new Model([new PassthroughStep([.. names])], options, FeaturePipeline.Passthrough(names), ensemble, targetName: null, metadata);
        }

        private void CheckShape(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error($"not an XGBoost model: the document is {ModelJson.Describe(root.ValueKind)}; an XGBoost JSON model (Booster.save_model) is an object with {Expected}.");
            }

            var missing = new List<string>();
            if (!root.TryGetProperty("version", out _))
            {
                missing.Add("version");
            }

            if (!root.TryGetProperty("learner", out var learner) || learner.ValueKind != JsonValueKind.Object)
            {
                missing.Add("learner");
            }
            else
            {
                foreach (var name in (string[])["gradient_booster", "objective", "learner_model_param"])
                {
                    if (!learner.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Object)
                    {
                        missing.Add($"learner.{name}");
                    }
                }
            }

            if (missing.Count > 0)
            {
                var keys = new List<string>();
                foreach (var property in root.EnumerateObject())
                {
                    keys.Add(property.Name);
                }

                var found = keys.Count == 0 ? "no keys" : $"the top-level keys {string.Join(", ", keys)}";
                throw Error($"not an XGBoost model: it has no {string.Join(", ", missing)} (it has {found}); an XGBoost JSON model (Booster.save_model) has {Expected}.");
            }
        }

        private double BaseMargin(string text, string objective)
        {
            // XGBoost 1.x and 2.x write "5E-1"; 3.x writes a vector, "[5E-1]".
            var trimmed = text.Trim();
            if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
            {
                trimmed = trimmed[1..^1].Trim();
            }

            if (!float.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var score) || !float.IsFinite(score))
            {
                throw Error($"learner.learner_model_param.base_score is '{text}'; expected one number, such as 5E-1.");
            }

            if (objective != XGBoostImportedOptions.BinaryLogistic)
            {
                return score;
            }

            if (score is <= 0 or >= 1)
            {
                throw Error($"learner.learner_model_param.base_score is {text}; binary:logistic needs a probability strictly between 0 and 1.");
            }

            // XGBoost stores the probability and turns it into a margin in float32 (ProbToMargin).
            return -MathF.Log((1f / score) - 1f);
        }

        private string[] FeatureNames(JsonElement learner, IReadOnlyList<string>? given, int featureCount)
        {
            string[] names;
            if (given is not null)
            {
                if (given.Count != featureCount)
                {
                    throw Error($"{given.Count} feature names were given but the model has {featureCount} features (num_feature).");
                }

                names = [.. given];
            }
            else if (learner.TryGetProperty("feature_names", out var saved) && saved.ValueKind == JsonValueKind.Array && saved.GetArrayLength() > 0)
            {
                if (saved.GetArrayLength() != featureCount)
                {
                    throw Error($"learner.feature_names has {saved.GetArrayLength()} names but the model has {featureCount} features (num_feature).");
                }

                names = new string[featureCount];
                var i = 0;
                foreach (var name in saved.EnumerateArray())
                {
                    names[i] = Text(name);
                    i++;
                }
            }
            else
            {
                names = new string[featureCount];
                for (var i = 0; i < featureCount; i++)
                {
                    names[i] = string.Create(CultureInfo.InvariantCulture, $"f{i}");
                }
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in names)
            {
                if (string.IsNullOrWhiteSpace(name) || !seen.Add(name))
                {
                    throw Error($"feature name '{name}' is empty or repeated; each of the {featureCount} features needs its own name.");
                }
            }

            return names;
        }

        private List<Tree> ReadTrees(JsonElement model, int featureCount)
        {
            const string ModelPath = "learner.gradient_booster.model";
            if (model.TryGetProperty("tree_info", out var info) && info.ValueKind == JsonValueKind.Array)
            {
                foreach (var group in info.EnumerateArray())
                {
                    if (group.ValueKind == JsonValueKind.Number && group.GetInt32() != 0)
                    {
                        throw Error($"{ModelPath}.tree_info has output group {group.GetInt32()}: the model has several outputs; supported: one output ({SupportedObjectives}).");
                    }
                }
            }

            var trees = new List<Tree>();
            var t = 0;
            foreach (var tree in Property(model, "trees", ModelPath, JsonValueKind.Array).EnumerateArray())
            {
                trees.Add(ReadTree(tree, t, $"{ModelPath}.trees[{t}]", featureCount));
                t++;
            }

            return trees;
        }

        private Tree ReadTree(JsonElement tree, int index, string path, int featureCount)
        {
            if (tree.TryGetProperty("tree_param", out var param) && param.TryGetProperty("size_leaf_vector", out var leafVector)
                && Integer(leafVector, $"{path}.tree_param.size_leaf_vector") > 1)
            {
                throw Error($"tree {index} has vector leaves (size_leaf_vector {leafVector}); supported: one value per leaf.");
            }

            var left = Ints(tree, "left_children", path);
            var n = left.Length;
            var right = Ints(tree, "right_children", path, n);
            var splitIndices = Ints(tree, "split_indices", path, n);
            var conditions = Numbers(tree, "split_conditions", path, n);
            var defaultLeft = Flags(tree, "default_left", path, n);
            var weights = Numbers(tree, "base_weights", path, n);
            var hessians = Numbers(tree, "sum_hessian", path, n);
            var lossChanges = Numbers(tree, "loss_changes", path, n);
            var splitTypes = tree.TryGetProperty("split_type", out _) ? Ints(tree, "split_type", path, n) : new int[n];

            var features = new int[n];
            var thresholds = new double[n];
            var values = new double[n];
            var gains = new double[n];
            for (var i = 0; i < n; i++)
            {
                // Values are float32 in XGBoost; keep them exactly so.
                if (left[i] == -1)
                {
                    features[i] = -1;
                    right[i] = -1;
                    values[i] = (float)conditions[i];
                    continue;
                }

                if (splitIndices[i] < 0 || splitIndices[i] >= featureCount)
                {
                    throw Error($"tree {index} node {i} splits on feature {splitIndices[i]}, but the model has {featureCount} features (num_feature).");
                }

                if (splitTypes[i] != 0)
                {
                    throw Error($"tree {index} node {i} is a categorical split; supported: numeric splits.");
                }

                features[i] = splitIndices[i];
                thresholds[i] = (float)conditions[i];
                values[i] = (float)weights[i];
                gains[i] = lossChanges[i];
            }

            try
            {
                return new Tree(features, thresholds, defaultLeft, left, right, values, hessians, gains, SplitRule.LessThan);
            }
            catch (ArgumentException error)
            {
                throw new ModelFormatException($"{source}: {path}: {error.Message.Split(" (Parameter", 2)[0]}", error);
            }
        }

        private static string Version(JsonElement root)
        {
            var version = root.GetProperty("version");
            if (version.ValueKind != JsonValueKind.Array)
            {
                return version.ToString();
            }

            var parts = new List<string>();
            foreach (var part in version.EnumerateArray())
            {
                parts.Add(part.ToString());
            }

            return string.Join('.', parts);
        }

        private JsonElement Property(JsonElement parent, string name, string path, JsonValueKind? kind = null)
        {
            if (!parent.TryGetProperty(name, out var value))
            {
                throw Error($"{path}.{name} is missing.");
            }

            if (kind is { } expected && value.ValueKind != expected)
            {
                throw Error($"{path}.{name} is {ModelJson.Describe(value.ValueKind)}; expected {ModelJson.Describe(expected)}.");
            }

            return value;
        }

        // XGBoost writes parameters as strings ("12") and node arrays as numbers.
        private string Text(JsonElement element) => element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();

        private int Integer(JsonElement element, string path)
        {
            var text = Text(element);
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw Error($"{path} is {text}; expected an integer.");
        }

        private JsonElement Array(JsonElement parent, string name, string path, int? length)
        {
            var array = Property(parent, name, path, JsonValueKind.Array);
            if (length is { } n && array.GetArrayLength() != n)
            {
                throw Error($"{path}.{name} has {array.GetArrayLength()} values for {n} nodes.");
            }

            return array;
        }

        private int[] Ints(JsonElement parent, string name, string path, int? length = null)
        {
            var array = Array(parent, name, path, length);
            var result = new int[array.GetArrayLength()];
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out result[i]))
                {
                    throw Error($"{path}.{name}[{i}] is {item}; expected an integer.");
                }

                i++;
            }

            return result;
        }

        private double[] Numbers(JsonElement parent, string name, string path, int length)
        {
            var array = Array(parent, name, path, length);
            var result = new double[length];
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number)
                {
                    throw Error($"{path}.{name}[{i}] is {item}; expected a number.");
                }

                result[i++] = item.GetDouble();
            }

            return result;
        }

        private bool[] Flags(JsonElement parent, string name, string path, int length)
        {
            var array = Array(parent, name, path, length);
            var result = new bool[length];
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                result[i] = item.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Number => item.GetDouble() != 0,
                    _ => throw Error($"{path}.{name}[{i}] is {item}; expected 0 or 1."),
                };
                i++;
            }

            return result;
        }

        private ModelFormatException Error(string message) => new($"{source}: {message}");

    }
}
