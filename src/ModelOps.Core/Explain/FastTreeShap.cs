using ModelOps.Core.Learners.Trees;

namespace ModelOps.Core.Explain;

/// <summary>
/// Path-dependent TreeSHAP with per-leaf precomputed weights (the idea of FastTreeSHAP v2, Yang
/// 2022). The conditional expectation of a tree given the features in S is a sum over leaves of
/// <c>v_l · Π_j (j ∈ S ? o_lj : z_lj)</c>, where for each distinct feature j on the leaf's path z_lj
/// is the share of training cover that follows the path's splits on j and o_lj is 1 when the row
/// follows all of them. The Shapley value of such a product game for feature i depends only on the
/// set O of path features the row follows, so every (O, i) contribution is computed once per leaf
/// when the explainer is built; explaining a row is then O(leaves x depth) per tree instead of
/// Algorithm 2's O(leaves x depth²). Trees whose tables would be large use <see cref="TreeShap"/>.
/// </summary>
internal sealed class FastTreeShap
{
    /// <summary>The deepest distinct-feature path a leaf may have for its table to be built (2^12 x 12 entries).</summary>
    public const int MaxPathFeatures = 12;

    private readonly Tree _tree;
    private readonly int[] _internalNodes;
    private readonly int[] _leafSplitStart;
    private readonly int[] _splitNode;
    private readonly bool[] _splitLeft;
    private readonly int[] _splitUnique;
    private readonly int[] _leafFeatureStart;
    private readonly int[] _leafFeatures;
    private readonly int[] _leafTableStart;
    private readonly double[] _table;

    private FastTreeShap(Tree tree, int[] internalNodes, int[] leafSplitStart, int[] splitNode, bool[] splitLeft, int[] splitUnique, int[] leafFeatureStart, int[] leafFeatures, int[] leafTableStart, double[] table, double expectedValue)
    {
        _tree = tree;
        _internalNodes = internalNodes;
        _leafSplitStart = leafSplitStart;
        _splitNode = splitNode;
        _splitLeft = splitLeft;
        _splitUnique = splitUnique;
        _leafFeatureStart = leafFeatureStart;
        _leafFeatures = leafFeatures;
        _leafTableStart = leafTableStart;
        _table = table;
        ExpectedValue = expectedValue;
    }

    /// <summary>The tree's mean output over the training data.</summary>
    public double ExpectedValue { get; }

    /// <summary>The number of precomputed weights, for memory budgets.</summary>
    public long TableSize => _table.Length;

    /// <summary>The table size a tree would need, or -1 when a leaf's path has more than <see cref="MaxPathFeatures"/> distinct features.</summary>
    public static long TableSizeOf(Tree tree)
    {
        var parent = ParentsOf(tree);
        var seen = new HashSet<int>();
        long size = 0;
        for (var leaf = 0; leaf < tree.NodeCount; leaf++)
        {
            if (tree.Features[leaf] >= 0)
            {
                continue;
            }

            seen.Clear();
            for (var child = leaf; parent[child] >= 0; child = parent[child])
            {
                seen.Add(tree.Features[parent[child]]);
            }

            if (seen.Count > MaxPathFeatures)
            {
                return -1;
            }

            size += (1L << seen.Count) * seen.Count;
        }

        return size;
    }

    /// <summary>
    /// The estimated time to explain one row with tables, in nanoseconds: a split test per internal
    /// node, and per leaf a table look-up plus a test per path split and an add per path feature.
    /// </summary>
    public static double CostOf(Tree tree)
    {
        var parent = ParentsOf(tree);
        var seen = new HashSet<int>();
        var cost = 0.0;
        for (var node = 0; node < tree.NodeCount; node++)
        {
            if (tree.Features[node] >= 0)
            {
                cost += 1;
                continue;
            }

            seen.Clear();
            var splits = 0;
            for (var child = node; parent[child] >= 0; child = parent[child])
            {
                seen.Add(tree.Features[parent[child]]);
                splits++;
            }

            cost += 4 + splits + (2 * seen.Count);
        }

        return cost;
    }

    /// <summary>Builds the explainer; the caller has checked <see cref="TableSizeOf"/>.</summary>
    public static FastTreeShap Create(Tree tree, double expectedValue)
    {
        var n = tree.NodeCount;
        var parent = ParentsOf(tree);
        var internalNodes = new List<int>();
        for (var i = 0; i < n; i++)
        {
            if (tree.Features[i] >= 0)
            {
                internalNodes.Add(i);
            }
        }

        var leafSplitStart = new List<int> { 0 };
        var splitNode = new List<int>();
        var splitLeft = new List<bool>();
        var splitUnique = new List<int>();
        var leafFeatureStart = new List<int> { 0 };
        var leafFeatures = new List<int>();
        var leafTableStart = new List<int> { 0 };
        var table = new List<double>();
        var features = new List<int>();
        var zero = new List<double>();
        for (var leaf = 0; leaf < n; leaf++)
        {
            if (tree.Features[leaf] >= 0)
            {
                continue;
            }

            // Walk up to the root: every split on the path, its distinct-feature index and cover share.
            features.Clear();
            zero.Clear();
            for (var child = leaf; parent[child] >= 0; child = parent[child])
            {
                var node = parent[child];
                var feature = tree.Features[node];
                var unique = features.IndexOf(feature);
                if (unique < 0)
                {
                    unique = features.Count;
                    features.Add(feature);
                    zero.Add(1.0);
                }

                var cover = tree.Covers[node];
                zero[unique] *= cover > 0 ? tree.Covers[child] / cover : 0;
                splitNode.Add(node);
                splitLeft.Add(tree.Left[node] == child);
                splitUnique.Add(unique);
            }

            leafSplitStart.Add(splitNode.Count);
            leafFeatures.AddRange(features);
            leafFeatureStart.Add(leafFeatures.Count);
            AddContributions(table, tree.Values[leaf], zero);
            leafTableStart.Add(table.Count);
        }

        return new FastTreeShap(
            tree, [.. internalNodes], [.. leafSplitStart], [.. splitNode], [.. splitLeft], [.. splitUnique],
            [.. leafFeatureStart], [.. leafFeatures], [.. leafTableStart], [.. table], expectedValue);
    }

    /// <summary>Adds <paramref name="scale"/> times the SHAP values of <paramref name="row"/> to <paramref name="phi"/>.</summary>
    /// <param name="row">The feature values.</param>
    /// <param name="phi">One accumulator per feature.</param>
    /// <param name="goesLeft">A work buffer of at least the tree's node count.</param>
    /// <param name="scale">1 for summed ensembles, 1 / trees for averaged ones.</param>
    public void Explain(ReadOnlySpan<double> row, Span<double> phi, Span<bool> goesLeft, double scale)
    {
        var tree = _tree;
        var tableStart = _leafTableStart;
        if (_internalNodes.Length == 0)
        {
            return;
        }

        foreach (var node in _internalNodes)
        {
            goesLeft[node] = tree.GoesLeft(node, row[tree.Features[node]]);
        }

        var leaves = _leafFeatureStart.Length - 1;
        for (var l = 0; l < leaves; l++)
        {
            var d = _leafFeatureStart[l + 1] - _leafFeatureStart[l];
            var mask = (1 << d) - 1;
            for (var s = _leafSplitStart[l]; s < _leafSplitStart[l + 1]; s++)
            {
                if (goesLeft[_splitNode[s]] != _splitLeft[s])
                {
                    mask &= ~(1 << _splitUnique[s]);
                }
            }

            var contributions = _table.AsSpan(tableStart[l] + (mask * d), d);
            var leafFeatures = _leafFeatures.AsSpan(_leafFeatureStart[l], d);
            for (var i = 0; i < d; i++)
            {
                phi[leafFeatures[i]] += contributions[i] * scale;
            }
        }
    }

    // For every set O of followed path features (a bit mask) and every path feature i, the leaf's
    // contribution to phi_i: v (1 - z_i) W(O \ {i}, i) when i is in O, else -v z_i W(O, i), where
    // W(M, i) = sum over S in M of |S|! (d - |S| - 1)! / d! times the product of z_j over the path
    // features outside S and i. The sum over S is read off the polynomial prod_{j in M} (z_j + t).
    private static void AddContributions(List<double> table, double value, List<double> zero)
    {
        var d = zero.Count;
        var shapleyWeight = new double[d];
        for (var s = 0; s < d; s++)
        {
            shapleyWeight[s] = Factorial(s) * Factorial(d - s - 1) / Factorial(d);
        }

        var start = table.Count;
        var size = (1 << d) * d;
        for (var k = 0; k < size; k++)
        {
            table.Add(0);
        }

        var polynomial = new double[d + 1];
        for (var mask = 0; mask < 1 << d; mask++)
        {
            // coefficients[k] = sum over subsets S of the mask with |S| = k of prod_{j in mask \ S} z_j
            Array.Clear(polynomial);
            polynomial[0] = 1;
            var members = 0;
            for (var j = 0; j < d; j++)
            {
                if ((mask & (1 << j)) == 0)
                {
                    continue;
                }

                for (var k = members + 1; k >= 1; k--)
                {
                    polynomial[k] = (polynomial[k] * zero[j]) + polynomial[k - 1];
                }

                polynomial[0] *= zero[j];
                members++;
            }

            for (var i = 0; i < d; i++)
            {
                if ((mask & (1 << i)) != 0)
                {
                    continue;
                }

                // W(mask, i): subsets S of the mask, the features outside mask and i contribute their z.
                var outside = 1.0;
                for (var j = 0; j < d; j++)
                {
                    if (j != i && (mask & (1 << j)) == 0)
                    {
                        outside *= zero[j];
                    }
                }

                var w = 0.0;
                for (var s = 0; s <= members; s++)
                {
                    w += shapleyWeight[s] * polynomial[s];
                }

                w *= outside;

                // i not followed (O = mask): -v z_i W; i followed (O = mask + i): v (1 - z_i) W.
                table[start + (mask * d) + i] = -value * zero[i] * w;
                table[start + ((mask | (1 << i)) * d) + i] = value * (1 - zero[i]) * w;
            }
        }
    }

    private static int[] ParentsOf(Tree tree)
    {
        var parent = new int[tree.NodeCount];
        Array.Fill(parent, -1);
        for (var i = 0; i < tree.NodeCount; i++)
        {
            if (tree.Features[i] >= 0)
            {
                parent[tree.Left[i]] = i;
                parent[tree.Right[i]] = i;
            }
        }

        return parent;
    }

    private static double Factorial(int k)
    {
        var result = 1.0;
        for (var i = 2; i <= k; i++)
        {
            result *= i;
        }

        return result;
    }
}
