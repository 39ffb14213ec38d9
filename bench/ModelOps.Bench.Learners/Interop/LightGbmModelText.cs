using System.Globalization;
using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Trees;

namespace ModelOps.Bench.Learners.Interop;

/// <summary>
/// Reads the trees of a LightGBM model file (the text LGBM_BoosterSaveModel writes) into a ModelOps
/// <see cref="TreeEnsemble"/>, node for node, so that the SHAP benchmark explains the very trees
/// LightGBM explains. Numerical splits only (the benchmark declares no categorical feature).
/// </summary>
/// <remarks>
/// A LightGBM tree numbers its splits 0..L-2 and its leaves 0..L-1; a child index c is a split when
/// c &gt;= 0 and the leaf ~c otherwise. ModelOps wants one node array with every child after its parent,
/// so the nodes are renumbered in depth-first order. A split sends a row left when its value is at most
/// the threshold; <c>decision_type</c> bit 1 is "missing goes left" and bits 2-3 the missing type:
/// NaN (a NaN follows bit 1) or None (LightGBM turns a NaN into 0 first, so a NaN goes where 0 goes:
/// left when 0 &lt;= threshold). The missing type Zero (zero_as_missing) has no ModelOps form and is refused.
/// Covers are the training row counts (<c>internal_count</c>, <c>leaf_count</c>), which LightGBM's
/// own TreeSHAP weighs the paths by. The leaf values already hold the shrinkage, and the first tree
/// the average label (boost_from_average), so the ensemble's base score is 0.
/// </remarks>
internal static class LightGbmModelText
{
    private const int CategoricalBit = 1;
    private const int DefaultLeftBit = 2;
    private const int MissingNone = 0;
    private const int MissingNaN = 2;

    /// <summary>The trees of the model file at <paramref name="path"/> as a summed, identity-link ensemble.</summary>
    internal static TreeEnsemble Read(string path)
    {
        var featureCount = -1;
        var trees = new List<Tree>();
        Dictionary<string, string>? block = null;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("Tree=", StringComparison.Ordinal) || line == "end of trees")
            {
                if (block is not null)
                {
                    trees.Add(TreeOf(block, trees.Count));
                }

                block = line == "end of trees" ? null : [];
                if (block is null)
                {
                    break;
                }

                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            if (block is not null)
            {
                block[line[..equals]] = line[(equals + 1)..];
            }
            else if (line.StartsWith("max_feature_idx=", StringComparison.Ordinal))
            {
                featureCount = int.Parse(line[(equals + 1)..], CultureInfo.InvariantCulture) + 1;
            }
        }

        if (featureCount <= 0 || trees.Count == 0)
        {
            throw new InvalidDataException($"'{path}' holds no max_feature_idx or no trees: not a LightGBM model file.");
        }

        return new TreeEnsemble(trees, 0, averaged: false, Link.Identity, featureCount);
    }

    private static Tree TreeOf(Dictionary<string, string> block, int index)
    {
        var leafValues = Doubles(block, "leaf_value");
        if (leafValues.Length == 1)
        {
            return new Tree([-1], [0], [false], [-1], [-1], [leafValues[0]], [1], [0]);
        }

        var splitFeature = Ints(block, "split_feature");
        var gain = Doubles(block, "split_gain");
        var threshold = Doubles(block, "threshold");
        var decision = Ints(block, "decision_type");
        var leftChild = Ints(block, "left_child");
        var rightChild = Ints(block, "right_child");
        var internalValue = Doubles(block, "internal_value");
        var internalCount = Doubles(block, "internal_count");
        var leafCount = Doubles(block, "leaf_count");

        var n = splitFeature.Length + leafValues.Length;
        var features = new int[n];
        var thresholds = new double[n];
        var defaultLeft = new bool[n];
        var left = new int[n];
        var right = new int[n];
        var values = new double[n];
        var covers = new double[n];
        var gains = new double[n];
        var next = 0;

        // Depth first from the root split: a node's number is taken before its children's.
        int Place(int child)
        {
            var node = next++;
            if (child < 0)
            {
                var leaf = ~child;
                features[node] = -1;
                left[node] = right[node] = -1;
                values[node] = leafValues[leaf];
                covers[node] = leafCount[leaf];
                return node;
            }

            var type = decision[child];
            var missing = (type >> 2) & 3;
            if ((type & CategoricalBit) != 0 || missing is not (MissingNone or MissingNaN))
            {
                throw new NotSupportedException($"tree {index} split {child}: decision_type {type} (categorical or zero-as-missing) has no ModelOps form");
            }

            features[node] = splitFeature[child];
            thresholds[node] = threshold[child];
            defaultLeft[node] = missing == MissingNaN ? (type & DefaultLeftBit) != 0 : threshold[child] >= 0;
            values[node] = internalValue[child];
            covers[node] = internalCount[child];
            gains[node] = gain[child];
            left[node] = Place(leftChild[child]);
            right[node] = Place(rightChild[child]);
            return node;
        }

        Place(0);
        return new Tree(features, thresholds, defaultLeft, left, right, values, covers, gains);
    }

    // LightGBM writes infinities as C's printf does ("inf", "-inf"), e.g. the threshold of a split that
    // only separates the missing values.
    private static double[] Doubles(Dictionary<string, string> block, string key) =>
        Array.ConvertAll(Field(block, key), v => v switch
        {
            "inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            _ => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
        });

    private static int[] Ints(Dictionary<string, string> block, string key) =>
        Array.ConvertAll(Field(block, key), v => int.Parse(v, CultureInfo.InvariantCulture));

    private static string[] Field(Dictionary<string, string> block, string key) =>
        block.TryGetValue(key, out var text)
            ? text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : throw new InvalidDataException($"LightGBM tree without '{key}'.");
}
