namespace ModelOps.Core.Learners.Trees;

/// <summary>
/// One decision tree stored as parallel node arrays (node 0 is the root). An internal node sends
/// a row left when its feature value is at most <see cref="Thresholds"/> (or, when
/// <see cref="SplitRule"/> is <see cref="SplitRule.LessThan"/>, when the value and the threshold
/// rounded to float32 compare strictly below, as XGBoost does), and missing values (NaN) the way
/// <see cref="DefaultLeft"/> says. Leaves have feature -1.
/// </summary>
public sealed class Tree
{
    private readonly int[] _features;
    private readonly double[] _thresholds;
    private readonly bool[] _defaultLeft;
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly double[] _values;
    private readonly double[] _covers;
    private readonly double[] _gains;
    private readonly PackedNode[] _packed;
    private readonly int[] _packedToNode;

    /// <summary>A tree over the given node arrays (all of the same length; owned by the tree from now on).</summary>
    /// <exception cref="ArgumentException">The arrays differ in length or a child index is invalid.</exception>
    public Tree(int[] features, double[] thresholds, bool[] defaultLeft, int[] left, int[] right, double[] values, double[] covers, double[] gains, SplitRule splitRule = SplitRule.LessOrEqual)
    {
        ArgumentNullException.ThrowIfNull(features);
        var n = features.Length;
        if (n == 0 || thresholds.Length != n || defaultLeft.Length != n || left.Length != n || right.Length != n || values.Length != n || covers.Length != n || gains.Length != n)
        {
            throw new ArgumentException("Tree node arrays must be non-empty and of equal length.", nameof(features));
        }

        for (var i = 0; i < n; i++)
        {
            if (features[i] > PackedNode.FeatureMask)
            {
                throw new ArgumentException($"Node {i} splits on feature {features[i]}; feature indices must be below {PackedNode.FeatureMask + 1}.", nameof(features));
            }

            if (features[i] >= 0 && (left[i] <= i || left[i] >= n || right[i] <= i || right[i] >= n))
            {
                throw new ArgumentException($"Node {i} has children {left[i]} and {right[i]}; children must come after their parent and within 0..{n - 1}.", nameof(left));
            }
        }

        _features = features;
        _thresholds = thresholds;
        _defaultLeft = defaultLeft;
        _left = left;
        _right = right;
        _values = values;
        _covers = covers;
        _gains = gains;
        SplitRule = splitRule;
        (_packed, _packedToNode) = Pack();
    }

    /// <summary>The number of nodes.</summary>
    public int NodeCount => _features.Length;

    /// <summary>Split feature index per node; -1 for a leaf.</summary>
    public ReadOnlySpan<int> Features => _features;

    /// <summary>Split threshold per node (unused for leaves).</summary>
    public ReadOnlySpan<double> Thresholds => _thresholds;

    /// <summary>Whether a missing value goes to the left child, per node.</summary>
    public ReadOnlySpan<bool> DefaultLeft => _defaultLeft;

    /// <summary>Left child per node; -1 for a leaf.</summary>
    public ReadOnlySpan<int> Left => _left;

    /// <summary>Right child per node; -1 for a leaf.</summary>
    public ReadOnlySpan<int> Right => _right;

    /// <summary>Output per node: the leaf value for leaves, the training mean for internal nodes.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>Training weight that reached each node (sample weights for forests, hessians for boosting).</summary>
    public ReadOnlySpan<double> Covers => _covers;

    /// <summary>Loss reduction of each split (0 for leaves).</summary>
    public ReadOnlySpan<double> Gains => _gains;

    /// <summary>How feature values compare with thresholds.</summary>
    public SplitRule SplitRule { get; }

    /// <summary>The number of leaves.</summary>
    public int LeafCount
    {
        get
        {
            var count = 0;
            foreach (var feature in _features)
            {
                count += feature < 0 ? 1 : 0;
            }

            return count;
        }
    }

    /// <summary>The depth of the deepest leaf (a lone root has depth 0).</summary>
    public int Depth
    {
        get
        {
            var depth = new int[NodeCount];
            var max = 0;
            for (var i = 0; i < NodeCount; i++)
            {
                if (_features[i] >= 0)
                {
                    depth[_left[i]] = depth[_right[i]] = depth[i] + 1;
                    max = Math.Max(max, depth[i] + 1);
                }
            }

            return max;
        }
    }

    /// <summary>The index of the leaf that <paramref name="row"/> reaches.</summary>
    public int LeafIndex(ReadOnlySpan<double> row) => _packedToNode[PackedLeaf(row)];

    /// <summary>The value of the leaf that <paramref name="row"/> reaches.</summary>
    public double Predict(ReadOnlySpan<double> row) => _packed[PackedLeaf(row)].Value;

    // Traversal over the packed copy: 16 bytes a node in depth-first order, so the left child is
    // the next node and a path mostly walks forward through memory.
    private int PackedLeaf(ReadOnlySpan<double> row)
    {
        var nodes = _packed;
        var i = 0;
        if (SplitRule == SplitRule.LessOrEqual)
        {
            while (true)
            {
                ref readonly var node = ref nodes[i];
                var feature = node.Feature;
                if (feature < 0)
                {
                    return i;
                }

                var value = row[feature & PackedNode.FeatureMask];
                var left = value <= node.Value || (double.IsNaN(value) && feature >= PackedNode.DefaultLeftBit);
                i = left ? i + 1 : node.Right;
            }
        }

        while (true)
        {
            ref readonly var node = ref nodes[i];
            var feature = node.Feature;
            if (feature < 0)
            {
                return i;
            }

            // XGBoost keeps features and thresholds as float32: compare as it does, so a value that
            // rounds to the threshold goes right exactly as in XGBoost.
            var value = row[feature & PackedNode.FeatureMask];
            var left = (float)value < (float)node.Value || (double.IsNaN(value) && feature >= PackedNode.DefaultLeftBit);
            i = left ? i + 1 : node.Right;
        }
    }

    private (PackedNode[] Packed, int[] PackedToNode) Pack()
    {
        var packed = new PackedNode[NodeCount];
        var packedToNode = new int[NodeCount];
        var stack = new Stack<(int Node, int Parent)>();
        stack.Push((0, -1));
        var next = 0;
        while (stack.Count > 0)
        {
            var (node, parent) = stack.Pop();
            var position = next++;
            packedToNode[position] = node;
            if (parent >= 0)
            {
                // A right child: its parent points to it. (A left child sits right after its parent.)
                packed[parent] = packed[parent] with { Right = position };
            }

            if (_features[node] < 0)
            {
                packed[position] = new PackedNode(_values[node], -1, -1);
                continue;
            }

            var feature = _features[node] | (_defaultLeft[node] ? PackedNode.DefaultLeftBit : 0);
            packed[position] = new PackedNode(_thresholds[node], feature, -1);
            stack.Push((_right[node], position));
            stack.Push((_left[node], -1));
        }

        return (packed, packedToNode);
    }

    /// <summary>
    /// This tree without the nodes no path from the root reaches (XGBoost keeps the nodes it prunes
    /// after growing as unreachable "deleted" leaves), the others renumbered in their order, so
    /// children still come after their parents; the tree itself when every node is reachable.
    /// </summary>
    /// <remarks>
    /// Predictions are the same either way, but anything that walks all nodes (TreeSHAP's expected
    /// value, the preorder of Linear TreeSHAP) must see only the real tree.
    /// </remarks>
    internal Tree WithoutUnreachableNodes()
    {
        var n = NodeCount;
        var reachable = new bool[n];
        reachable[0] = true;
        var kept = 0;

        // The constructor checked that children come after their parents, so one forward pass marks them all.
        for (var i = 0; i < n; i++)
        {
            if (!reachable[i])
            {
                continue;
            }

            kept++;
            if (_features[i] >= 0)
            {
                reachable[_left[i]] = reachable[_right[i]] = true;
            }
        }

        if (kept == n)
        {
            return this;
        }

        var newIndex = new int[n];
        var next = 0;
        for (var i = 0; i < n; i++)
        {
            newIndex[i] = reachable[i] ? next++ : -1;
        }

        var features = new int[kept];
        var thresholds = new double[kept];
        var defaultLeft = new bool[kept];
        var left = new int[kept];
        var right = new int[kept];
        var values = new double[kept];
        var covers = new double[kept];
        var gains = new double[kept];
        for (var i = 0; i < n; i++)
        {
            var k = newIndex[i];
            if (k < 0)
            {
                continue;
            }

            var leaf = _features[i] < 0;
            features[k] = _features[i];
            thresholds[k] = _thresholds[i];
            defaultLeft[k] = _defaultLeft[i];
            left[k] = leaf ? -1 : newIndex[_left[i]];
            right[k] = leaf ? -1 : newIndex[_right[i]];
            values[k] = _values[i];
            covers[k] = _covers[i];
            gains[k] = _gains[i];
        }

        return new Tree(features, thresholds, defaultLeft, left, right, values, covers, gains, SplitRule);
    }

    /// <summary>Whether <paramref name="value"/> goes left at <paramref name="node"/> (a NaN follows <see cref="DefaultLeft"/>).</summary>
    public bool GoesLeft(int node, double value) =>
        double.IsNaN(value) ? _defaultLeft[node] : SplitRule == SplitRule.LessOrEqual ? value <= _thresholds[node] : (float)value < (float)_thresholds[node];
}

/// <summary>
/// A node as traversal reads it: the threshold (the value, for a leaf), the feature with the
/// default-left flag in bit 30 (-1 for a leaf) and the right child; the left child is the next node.
/// </summary>
internal readonly record struct PackedNode(double Value, int Feature, int Right)
{
    public const int DefaultLeftBit = 1 << 30;
    public const int FeatureMask = DefaultLeftBit - 1;
}

/// <summary>How a tree compares a feature value with a threshold to go left.</summary>
public enum SplitRule
{
    /// <summary><c>value &lt;= threshold</c> goes left (scikit-learn, ModelOps).</summary>
    LessOrEqual,

    /// <summary>
    /// <c>(float)value &lt; (float)threshold</c> goes left: both rounded to float32 and compared
    /// strictly, as XGBoost does (it stores features and thresholds as float32).
    /// </summary>
    LessThan,
}
