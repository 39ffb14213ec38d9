using System.Globalization;
using System.Text.Json;
using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;

namespace ModelOps.Core.Interop.XGBoost;

/// <summary>
/// Reads an XGBoost model saved as JSON or UBJSON (<c>Booster.save_model("m.json")</c> or
/// <c>"m.ubj"</c>, schema of XGBoost 1.x to 3.x) into a ModelOps <see cref="Model"/> that predicts
/// exactly as XGBoost's <c>predict</c> does:
/// splits compare in float32 (<see cref="SplitRule.LessThan"/>) and trees are summed in float32
/// from the base margin (<see cref="TreeEnsemble.Float32Sum"/>). Supported: booster <c>gbtree</c>
/// with numeric splits and objective <c>reg:squarederror</c> or <c>binary:logistic</c>; see
/// <c>docs/xgboost-import.md</c>. Nodes XGBoost pruned after growing (kept in the file, unreachable)
/// are dropped. A model that records a best iteration (early stopping) keeps the trees up to it
/// unless every tree is asked for.
/// </summary>
public static class XGBoostModelReader
{
    /// <summary>The boosters this reader supports.</summary>
    public const string SupportedBoosters = "gbtree";

    /// <summary>The objectives this reader supports.</summary>
    public const string SupportedObjectives = XGBoostImportedOptions.SquaredError + ", " + XGBoostImportedOptions.BinaryLogistic;

    /// <summary>
    /// The metadata key of the best iteration the model records (<c>learner.attributes.best_iteration</c>,
    /// written by early stopping; XGBoost 1.x also writes it, as the last round, without it); absent when it records none.
    /// </summary>
    public const string BestIterationKey = "xgboost_best_iteration";

    /// <summary>The metadata key of the number of trees in the file.</summary>
    public const string TreesInFileKey = "xgboost_trees_in_file";

    /// <summary>The metadata key of the number of trees imported: up to the best iteration, or all of them.</summary>
    public const string TreesUsedKey = "xgboost_trees_used";

    /// <summary>Reads the model in <paramref name="stream"/>.</summary>
    /// <param name="stream">The XGBoost model, JSON or UBJSON (told apart by its first bytes).</param>
    /// <param name="sourceName">What to call the document in error messages and the model's <c>source</c> metadata (usually the file name).</param>
    /// <param name="featureNames">The input column names, one per XGBoost feature; default: the names saved in the model, else <c>f0</c>, <c>f1</c>, ... as XGBoost names them.</param>
    /// <param name="allTrees">
    /// Whether to keep every tree of a model that records a best iteration; default <see langword="false"/>:
    /// the trees up to the best iteration, which is what XGBoost's scikit-learn <c>predict</c> uses
    /// (<c>Booster.predict</c> uses every tree).
    /// </param>
    /// <returns>A fitted model: a passthrough pipeline over float64 inputs and the imported trees; its learner is <see cref="XGBoostImportedOptions"/>; its metadata says how many trees the file held and how many were kept (<see cref="TreesInFileKey"/>, <see cref="TreesUsedKey"/>, <see cref="BestIterationKey"/>).</returns>
    /// <exception cref="ModelFormatException">The document is not JSON or UBJSON, not an XGBoost model, uses a booster, objective or split type this reader does not support, is malformed, or <paramref name="featureNames"/> has the wrong count; the message says what was found and what is supported.</exception>
    public static Model Read(Stream stream, string sourceName, IReadOnlyList<string>? featureNames = null, bool allTrees = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        byte[] bytes;
        using (var buffer = new MemoryStream())
        {
            stream.CopyTo(buffer);
            bytes = buffer.ToArray();
        }

        using (var document = Ubjson.LooksLikeUbjson(bytes)
            ? Ubjson.Parse(bytes, sourceName)
            : ModelJson.Parse(new MemoryStream(XGBoostJsonText.QuoteNonFiniteNumbers(bytes)), sourceName))
        {
            return new Reader(sourceName).Read(document.RootElement, featureNames, allTrees);
        }
    }

    /// <summary>Reads the document, naming the source and the JSON path of the first field that is wrong.</summary>
    private sealed class Reader(string source)
    {
        private const string Expected = "version and learner.gradient_booster, learner.objective, learner.learner_model_param";

        public Model Read(JsonElement root, IReadOnlyList<string>? givenNames, bool allTrees)
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
            var boosterModel = Property(booster, "model", "learner.gradient_booster");
            var trees = ReadTrees(boosterModel, featureCount);
            var treesInFile = trees.Count;
            var bestIteration = BestIteration(learner);
            var upToBest = bestIteration is { } best ? TreesUpTo(best, boosterModel, treesInFile) : treesInFile;
            if (!allTrees)
            {
                trees.RemoveRange(upToBest, treesInFile - upToBest);
            }

            var link = objective == XGBoostImportedOptions.BinaryLogistic ? Link.Logistic : Link.Identity;
            var ensemble = new TreeEnsemble(trees, baseMargin, averaged: false, link, featureCount, float32Sum: true);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["source"] = source,
                ["xgboost_base_score"] = baseScoreText,
                ["xgboost_objective"] = objective,
                ["xgboost_version"] = Version(root),
                [TreesInFileKey] = treesInFile.ToString(CultureInfo.InvariantCulture),
                [TreesUsedKey] = trees.Count.ToString(CultureInfo.InvariantCulture),
            };
            if (bestIteration is { } iteration)
            {
                metadata[BestIterationKey] = iteration.ToString(CultureInfo.InvariantCulture);
            }

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

        // Early stopping records the best round in learner.attributes (a string, as XGBoost writes
        // attributes); the rounds after it stay in the file.
        private int? BestIteration(JsonElement learner)
        {
            const string Path = "learner.attributes.best_iteration";
            if (!learner.TryGetProperty("attributes", out var attributes) || attributes.ValueKind != JsonValueKind.Object
                || !attributes.TryGetProperty("best_iteration", out var best))
            {
                return null;
            }

            var iteration = Integer(best, Path);
            return iteration >= 0 ? iteration : throw Error($"{Path} is {iteration}; expected a round number, 0 or more.");
        }

        // A round adds num_parallel_tree trees (one output group): XGBoost's predict with
        // iteration_range (0, best + 1) uses the first (best + 1) * num_parallel_tree trees.
        private int TreesUpTo(int bestIteration, JsonElement model, int treesInFile)
        {
            const string Path = "learner.gradient_booster.model.gbtree_model_param.num_parallel_tree";
            var perRound = model.TryGetProperty("gbtree_model_param", out var param) && param.TryGetProperty("num_parallel_tree", out var parallel)
                ? Integer(parallel, Path)
                : 1;
            if (perRound < 1)
            {
                throw Error($"{Path} is {perRound}; expected 1 or more.");
            }

            var rounds = treesInFile / perRound;
            return (long)(bestIteration + 1) * perRound <= treesInFile
                ? (bestIteration + 1) * perRound
                : throw Error($"learner.attributes.best_iteration is {bestIteration}, but the model has {rounds} rounds ({treesInFile} trees); the best iteration must be one of its rounds, 0 to {rounds - 1}.");
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
                // Values are float32 in XGBoost; keep them exactly so (JSON prints them as the shortest
                // decimal that rounds back to the float32, UBJSON holds the float32 itself).
                hessians[i] = (float)hessians[i];
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
                gains[i] = (float)lossChanges[i];
            }

            try
            {
                // Pruning after growing (exact method, gamma > 0) leaves the pruned nodes in the file, unreachable.
                return new Tree(features, thresholds, defaultLeft, left, right, values, hessians, gains, SplitRule.LessThan).WithoutUnreachableNodes();
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
                result[i] = item.ValueKind switch
                {
                    JsonValueKind.Number => item.GetDouble(),

                    // XGBoost's bare NaN and infinities, quoted by XGBoostJsonText or Ubjson.
                    JsonValueKind.String when item.ValueEquals("NaN") || item.ValueEquals("-NaN") => double.NaN,
                    JsonValueKind.String when item.ValueEquals("Infinity") => double.PositiveInfinity,
                    JsonValueKind.String when item.ValueEquals("-Infinity") => double.NegativeInfinity,
                    _ => throw Error($"{path}.{name}[{i}] is {item}; expected a number."),
                };
                i++;
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
