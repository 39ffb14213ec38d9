using System.Numerics;
using System.Runtime.InteropServices;
using ModelOps.Core.Learners.Trees;

namespace ModelOps.Core.Explain;

/// <summary>
/// Exact path-dependent TreeSHAP in O(nodes x depth) per row and tree, after Linear TreeSHAP (Yu,
/// Bian, Chen and Wang 2022), with the polynomials held as their values at Gauss-Legendre nodes.
/// </summary>
/// <remarks>
/// <para>
/// For a leaf l whose path has the distinct features P, each with z (the share of training cover
/// that follows the path's splits on it) and o (1 when the row follows all of them), the leaf's
/// Shapley value for i in P is <c>v (o_i - z_i) ∫₀¹ Π_{j∈P, j≠i} (z_j + t (o_j - z_j)) dt</c>, an
/// integral of a polynomial of degree |P| - 1, which Gauss-Legendre quadrature with ⌈|P| / 2⌉ nodes
/// computes exactly. Writing <c>g_j(t) = z_j + t (o_j - z_j)</c> and <c>F_l = v Π_j g_j</c>, the value
/// is the quadrature of <c>F_l(t) r_i(t)</c> with <c>r_i = (o_i - z_i) / g_i</c>, which is
/// <c>(1 - z) / (z + t (1 - z))</c> when followed and <c>-1 / (1 - t)</c> when not.
/// </para>
/// <para>
/// One pass down the tree multiplies each node's <c>Π g</c> from its parent's (dividing out the
/// factor of an earlier split on the same feature, whose z and o it replaces); one pass up sums
/// <c>S_e = Σ F_l</c> over the leaves below every edge. Every edge e splitting on i adds the
/// quadrature of <c>S_e (r_e - r_a)</c>, where a is the previous edge on i above e (r_a = 0 when
/// there is none): summed over the edges on i of a leaf's path this telescopes to the leaf's own
/// <c>F_l r_i</c>, node by node, so the result is exact. When the row already left the path at a,
/// r_e = r_a and the edge adds nothing. Per-edge factors for the three cases (followed after
/// followed, not followed after followed, anything after not followed) are computed once.
/// </para>
/// </remarks>
internal sealed class LinearTreeShap
{
    /// <summary>Doubles per edge in <see cref="_factors"/>: three multipliers and two weighted ratios, each <see cref="Width"/> long.</summary>
    private const int FactorBlocks = 5;

    /// <summary>Cost model: the fixed work per node (split test, bookkeeping), in nanoseconds.</summary>
    private const double CostPerNode = 4;

    /// <summary>Cost model: the work per node and vector of quadrature lanes (multiply down, add up, ratio), in nanoseconds.</summary>
    private const double CostPerVector = 3;

    private readonly Tree _tree;
    private readonly int[] _node;
    private readonly int[] _parent;
    private readonly int[] _ancestor;
    private readonly int[] _feature;
    private readonly bool[] _isLeft;
    private readonly double[] _leafValue;
    private readonly double[] _factors;

    /// <summary>Prepares the tree; leaf values are multiplied by <paramref name="scale"/> (1 / trees for averaged ensembles).</summary>
    public LinearTreeShap(Tree tree, double scale)
    {
        _tree = tree;
        var n = tree.NodeCount;
        var features = tree.Features;
        var covers = tree.Covers;

        // Preorder positions: a parent comes before its children.
        _node = new int[n];
        _parent = new int[n];
        var stack = new Stack<(int Node, int Parent)>();
        stack.Push((0, -1));
        var count = 0;
        while (stack.Count > 0)
        {
            var (node, parent) = stack.Pop();
            _node[count] = node;
            _parent[count] = parent;
            var position = count++;
            if (features[node] >= 0)
            {
                stack.Push((tree.Right[node], position));
                stack.Push((tree.Left[node], position));
            }
        }

        _ancestor = new int[n];
        _feature = new int[n];
        _isLeft = new bool[n];
        _leafValue = new double[n];
        var zero = new double[n];
        var distinct = new int[n];
        var deepest = 0;
        _ancestor[0] = -1;
        _feature[0] = -1;
        for (var k = 0; k < n; k++)
        {
            var node = _node[k];
            if (features[node] < 0)
            {
                _leafValue[k] = tree.Values[node] * scale;
            }

            if (k == 0)
            {
                continue;
            }

            var parentNode = _node[_parent[k]];
            var feature = features[parentNode];
            _feature[k] = feature;
            _isLeft[k] = tree.Left[parentNode] == node;
            var ancestor = -1;
            for (var a = _parent[k]; a > 0; a = _parent[a])
            {
                if (_feature[a] == feature)
                {
                    ancestor = a;
                    break;
                }
            }

            _ancestor[k] = ancestor;
            var share = covers[parentNode] > 0 ? covers[node] / covers[parentNode] : 0;
            zero[k] = ancestor >= 0 ? zero[ancestor] * share : share;
            distinct[k] = distinct[_parent[k]] + (ancestor >= 0 ? 0 : 1);
            deepest = Math.Max(deepest, distinct[k]);
        }

        // The integrand of a leaf with d path features has degree d - 1: ⌈d / 2⌉ nodes are exact.
        Nodes = Math.Max(1, (deepest + 1) / 2);
        var lanes = Vector<double>.Count;
        Width = (Nodes + lanes - 1) / lanes * lanes;
        var (points, weights) = GaussLegendre.OnUnitInterval(Nodes);
        _factors = new double[n * FactorBlocks * Width];
        for (var k = 1; k < n; k++)
        {
            var a = _ancestor[k];
            var z = zero[k];
            var za = a >= 0 ? zero[a] : 1;
            var block = _factors.AsSpan(k * FactorBlocks * Width, FactorBlocks * Width);
            for (var q = 0; q < Width; q++)
            {
                // Padding lanes get weight 0 and a harmless point.
                var t = q < Nodes ? points[q] : 0.5;
                var w = q < Nodes ? weights[q] : 0;
                var hot = z + (t * (1 - z));
                var cold = z * (1 - t);
                var hotBefore = a >= 0 ? za + (t * (1 - za)) : 1;
                var hotRatio = (1 - z) / hot;
                var hotRatioBefore = a >= 0 ? (1 - za) / hotBefore : 0;

                // A split with no training cover on the row's side (z = 0) zeroes everything below it.
                var coldRatio = z > 0 ? -1 / (1 - t) : 0;
                block[q] = hot / hotBefore;
                block[Width + q] = cold / hotBefore;
                block[(2 * Width) + q] = za > 0 ? z / za : 0;
                block[(3 * Width) + q] = w * (hotRatio - hotRatioBefore);
                block[(4 * Width) + q] = w * (coldRatio - hotRatioBefore);
            }
        }

        ExpectedValue = TreeShap.ExpectedValueOf(tree);
    }

    /// <summary>The tree's mean output over the training data (unscaled).</summary>
    public double ExpectedValue { get; }

    /// <summary>The number of Gauss-Legendre nodes.</summary>
    public int Nodes { get; }

    /// <summary>The nodes rounded up to whole vectors: the width of <see cref="Explain"/>'s accumulators.</summary>
    public int Width { get; }

    /// <summary>The estimated time to explain one row, in the units of <see cref="FastTreeShap.CostOf"/>.</summary>
    public double Cost => NodeCount * (CostPerNode + (CostPerVector * Width / Vector<double>.Count));

    /// <summary>The number of tree nodes (the scratch sizes are <c>NodeCount x Width</c>).</summary>
    public int NodeCount => _node.Length;

    /// <summary>Adds the row's SHAP values, one vector of quadrature terms per feature, to <paramref name="accumulators"/>.</summary>
    /// <param name="row">The feature values (NaN for missing).</param>
    /// <param name="accumulators">Per feature, <paramref name="stride"/> doubles; the first <see cref="Width"/> receive the terms.</param>
    /// <param name="stride">The accumulator width per feature (at least <see cref="Width"/>, a multiple of the vector size).</param>
    /// <param name="products">Scratch of at least <c>NodeCount x Width</c>.</param>
    /// <param name="sums">Scratch of at least <c>NodeCount x Width</c>.</param>
    /// <param name="state">Scratch of at least <c>NodeCount</c>.</param>
    public void Explain(ReadOnlySpan<double> row, Span<double> accumulators, int stride, Span<double> products, Span<double> sums, Span<byte> state)
    {
        var n = _node.Length;
        if (n == 1)
        {
            return;
        }

        var v = Width / Vector<double>.Count;
        var strideVectors = stride / Vector<double>.Count;
        var p = MemoryMarshal.Cast<double, Vector<double>>(products[..(n * Width)]);
        var s = MemoryMarshal.Cast<double, Vector<double>>(sums[..(n * Width)]);
        var acc = MemoryMarshal.Cast<double, Vector<double>>(accumulators);
        var factors = MemoryMarshal.Cast<double, Vector<double>>(_factors.AsSpan());
        var tree = _tree;
        var treeFeatures = tree.Features;
        var parents = _parent;
        var ancestors = _ancestor;
        var nodes = _node;
        var isLeft = _isLeft;

        // state bits: 1 = the row follows every split on this edge's feature so far (o = 1);
        // 2 and 4 = the case (0 followed after followed, 1 not followed after followed, 2 after not followed);
        // 8 = the row goes left at this node.
        for (var j = 0; j < v; j++)
        {
            p[j] = Vector<double>.One;
        }

        state[0] = (byte)(tree.GoesLeft(nodes[0], row[treeFeatures[nodes[0]]]) ? 8 : 0);
        for (var k = 1; k < n; k++)
        {
            var parent = parents[k];
            var follows = ((state[parent] & 8) != 0) == isLeft[k];
            var a = ancestors[k];
            var beforeHot = a < 0 || (state[a] & 1) != 0;
            var kind = beforeHot ? (follows ? 0 : 1) : 2;
            var multiplier = factors.Slice(((k * FactorBlocks) + kind) * v, v);
            var target = p.Slice(k * v, v);
            var source = p.Slice(parent * v, v);
            for (var j = 0; j < v; j++)
            {
                target[j] = source[j] * multiplier[j];
            }

            var node = nodes[k];
            var feature = treeFeatures[node];
            var bits = (beforeHot && follows ? 1 : 0) | (kind << 1);
            if (feature >= 0 && tree.GoesLeft(node, row[feature]))
            {
                bits |= 8;
            }

            state[k] = (byte)bits;
        }

        s.Clear();
        var leafValues = _leafValue;
        var edgeFeatures = _feature;
        for (var k = n - 1; k > 0; k--)
        {
            var sum = s.Slice(k * v, v);
            if (treeFeatures[nodes[k]] < 0)
            {
                var value = leafValues[k];
                var product = p.Slice(k * v, v);
                for (var j = 0; j < v; j++)
                {
                    sum[j] = product[j] * value;
                }
            }

            var kind = (state[k] >> 1) & 3;
            if (kind < 2)
            {
                var ratio = factors.Slice(((k * FactorBlocks) + 3 + kind) * v, v);
                var target = acc.Slice(edgeFeatures[k] * strideVectors, v);
                for (var j = 0; j < v; j++)
                {
                    target[j] += sum[j] * ratio[j];
                }
            }

            var up = s.Slice(parents[k] * v, v);
            for (var j = 0; j < v; j++)
            {
                up[j] += sum[j];
            }
        }
    }
}

/// <summary>Gauss-Legendre quadrature on [0, 1]: n nodes integrate polynomials of degree up to 2n - 1 exactly.</summary>
internal static class GaussLegendre
{
    /// <summary>The nodes and weights of the n-point rule on [0, 1] (Newton's method on the Legendre polynomial).</summary>
    public static (double[] Points, double[] Weights) OnUnitInterval(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var points = new double[n];
        var weights = new double[n];
        for (var i = 0; i < n; i++)
        {
            var x = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            double derivative;
            var iterations = 0;
            while (true)
            {
                var (value, previous) = Legendre(n, x);
                derivative = n * ((x * value) - previous) / ((x * x) - 1);
                var step = value / derivative;
                x -= step;
                if (Math.Abs(step) <= 1e-16 || ++iterations == 100)
                {
                    (value, previous) = Legendre(n, x);
                    derivative = n * ((x * value) - previous) / ((x * x) - 1);
                    break;
                }
            }

            points[i] = (1 - x) / 2;
            weights[i] = 1 / ((1 - (x * x)) * derivative * derivative);
        }

        return (points, weights);
    }

    /// <summary>P_n(x) and P_{n-1}(x) by the three-term recurrence.</summary>
    private static (double Value, double Previous) Legendre(int n, double x)
    {
        var previous = 1.0;
        var value = x;
        if (n == 0)
        {
            return (1, 0);
        }

        for (var k = 2; k <= n; k++)
        {
            var next = ((((2 * k) - 1) * x * value) - ((k - 1) * previous)) / k;
            previous = value;
            value = next;
        }

        return (value, previous);
    }
}
