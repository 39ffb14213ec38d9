namespace ModelOps.Core.Learners.Trees;

/// <summary>
/// One decision tree stored as parallel node arrays (node 0 is the root). An internal node sends
/// a row left when its feature value is at most <see cref="Thresholds"/> (or strictly below it
/// when <see cref="SplitRule"/> is <see cref="SplitRule.LessThan"/>), and missing values (NaN)
/// the way <see cref="DefaultLeft"/> says. Leaves have feature -1.
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
        _packed = new PackedNode[n];
        for (var i = 0; i < n; i++)
        {
            _packed[i] = new PackedNode(thresholds[i], features[i], left[i], right[i], defaultLeft[i]);
        }
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
    public int LeafIndex(ReadOnlySpan<double> row)
    {
        // One 24-byte record per node keeps a traversal step within one cache line.
        var nodes = _packed;
        var node = 0;
        if (SplitRule == SplitRule.LessOrEqual)
        {
            while (true)
            {
                ref readonly var n = ref nodes[node];
                if (n.Feature < 0)
                {
                    return node;
                }

                var value = row[n.Feature];
                node = value <= n.Threshold ? n.Left : double.IsNaN(value) && n.DefaultLeft ? n.Left : n.Right;
            }
        }

        while (true)
        {
            ref readonly var n = ref nodes[node];
            if (n.Feature < 0)
            {
                return node;
            }

            var value = row[n.Feature];
            node = value < n.Threshold ? n.Left : double.IsNaN(value) && n.DefaultLeft ? n.Left : n.Right;
        }
    }

    /// <summary>The value of the leaf that <paramref name="row"/> reaches.</summary>
    public double Predict(ReadOnlySpan<double> row) => _values[LeafIndex(row)];

    /// <summary>Whether a present value goes left at <paramref name="node"/>.</summary>
    public bool GoesLeft(int node, double value) =>
        double.IsNaN(value) ? _defaultLeft[node] : SplitRule == SplitRule.LessOrEqual ? value <= _thresholds[node] : value < _thresholds[node];
}

/// <summary>The fields a traversal reads, side by side.</summary>
internal readonly record struct PackedNode(double Threshold, int Feature, int Left, int Right, bool DefaultLeft);

/// <summary>How a tree compares a feature value with a threshold to go left.</summary>
public enum SplitRule
{
    /// <summary><c>value &lt;= threshold</c> goes left (scikit-learn, ModelOps).</summary>
    LessOrEqual,

    /// <summary><c>value &lt; threshold</c> goes left (XGBoost).</summary>
    LessThan,
}
