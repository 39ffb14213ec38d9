using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Learning;

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
    /// <summary>
    /// Vectors per edge in <see cref="_factors"/>, each <see cref="Width"/> lanes: for each case its
    /// multiplier and then its weighted ratio (zero in case 2), so that a row reads one 64-byte line per edge.
    /// </summary>
    private const int FactorBlocks = 6;

    private const int CacheLine = 64;

    /// <summary>Cost model: the fixed work per node (split test, bookkeeping), in nanoseconds.</summary>
    private const double CostPerNode = 4;

    /// <summary>Cost model: the work per node and vector of quadrature lanes (multiply down, add up, ratio), in nanoseconds.</summary>
    private const double CostPerVector = 3;

    private readonly Split[] _splits;
    private readonly double[] _factors;
    private readonly int _factorsStart;
    private readonly bool _float32;

    /// <summary>Prepares the tree; leaf values are multiplied by <paramref name="scale"/> (1 / trees for averaged ensembles).</summary>
    public LinearTreeShap(Tree tree, double scale)
    {
        var n = tree.NodeCount;
        var features = tree.Features;
        var covers = tree.Covers;
        _float32 = tree.SplitRule != SplitRule.LessOrEqual;

        // Preorder positions: a parent comes before its children.
        var nodeAt = new int[n];
        var positionOf = new int[n];
        var parentAt = new int[n];
        var stack = new Stack<(int Node, int Parent)>();
        stack.Push((0, -1));
        var count = 0;
        while (stack.Count > 0)
        {
            var (node, parent) = stack.Pop();
            nodeAt[count] = node;
            positionOf[node] = count;
            parentAt[count] = parent;
            count++;
            if (features[node] >= 0)
            {
                stack.Push((tree.Right[node], count - 1));
                stack.Push((tree.Left[node], count - 1));
            }
        }

        var ancestorOf = new int[n];
        var edgeFeature = new int[n];
        var zero = new double[n];
        var distinct = new int[n];
        var deepest = 0;
        var splits = new List<Split>(n / 2);
        for (var k = 0; k < n; k++)
        {
            var node = nodeAt[k];
            if (features[node] >= 0)
            {
                splits.Add(new Split
                {
                    Node = k,
                    Left = positionOf[tree.Left[node]],
                    Right = positionOf[tree.Right[node]],
                    Feature = features[node],
                    Threshold = tree.Thresholds[node],
                    DefaultLeft = tree.DefaultLeft[node] ? 1 : 0,
                });
            }

            if (k == 0)
            {
                continue;
            }

            // The previous edge on the same feature above this one; the root (whose "followed" bit
            // is always set) stands in when there is none.
            var parent = parentAt[k];
            var feature = features[nodeAt[parent]];
            edgeFeature[k] = feature;
            for (var a = parent; a > 0; a = parentAt[a])
            {
                if (edgeFeature[a] == feature)
                {
                    ancestorOf[k] = a;
                    break;
                }
            }

            var parentNode = nodeAt[parent];
            var share = covers[parentNode] > 0 ? covers[node] / covers[parentNode] : 0;
            zero[k] = ancestorOf[k] > 0 ? zero[ancestorOf[k]] * share : share;
            distinct[k] = distinct[parent] + (ancestorOf[k] > 0 ? 0 : 1);
            deepest = Math.Max(deepest, distinct[k]);
        }

        _splits = [.. splits];
        for (var s = 0; s < _splits.Length; s++)
        {
            _splits[s].LeftAncestor = ancestorOf[_splits[s].Left];
            _splits[s].RightAncestor = ancestorOf[_splits[s].Right];
        }

        NodeCount = n;

        // The integrand of a leaf with d path features has degree d - 1: ⌈d / 2⌉ nodes are exact.
        Nodes = Math.Max(1, (deepest + 1) / 2);
        var lanes = Vector<double>.Count;
        Width = (Nodes + lanes - 1) / lanes * lanes;
        var (points, weights) = GaussLegendre.OnUnitInterval(Nodes);
        // On the pinned heap (never moved), from a 64-byte boundary.
        _factors = GC.AllocateUninitializedArray<double>((n * FactorBlocks * Width) + 8, pinned: true);
        var handle = GCHandle.Alloc(_factors, GCHandleType.Pinned);
        _factorsStart = (int)((64 - (handle.AddrOfPinnedObject() % 64)) % 64) / sizeof(double);
        handle.Free();
        Array.Clear(_factors);
        var factors = _factors.AsSpan(_factorsStart);
        for (var k = 1; k < n; k++)
        {
            var a = ancestorOf[k] > 0 ? ancestorOf[k] : -1;
            var z = zero[k];
            var za = a >= 0 ? zero[a] : 1;

            // A leaf's value is folded into the multipliers of its edge: its slot then holds F_l.
            var value = features[nodeAt[k]] < 0 ? tree.Values[nodeAt[k]] * scale : 1;
            var block = factors.Slice(k * FactorBlocks * Width, FactorBlocks * Width);
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
                block[q] = hot / hotBefore * value;
                block[Width + q] = w * (hotRatio - hotRatioBefore);
                block[(2 * Width) + q] = cold / hotBefore * value;
                block[(3 * Width) + q] = w * (coldRatio - hotRatioBefore);
                block[(4 * Width) + q] = (za > 0 ? z / za : 0) * value;
                block[(5 * Width) + q] = 0;
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

    /// <summary>The number of tree nodes (the scratch size is <c>NodeCount x Width</c>).</summary>
    public int NodeCount { get; }

    /// <summary>
    /// Starts loading the tree's splits and factors into the cache. A row's pass waits for each
    /// factor it reads (the next node's product depends on it), so factors that come from memory
    /// one line at a time cost more than the arithmetic; prefetched together, their loads overlap.
    /// </summary>
    public void Prefetch()
    {
        ref var splits = ref Unsafe.As<Split, byte>(ref MemoryMarshal.GetArrayDataReference(_splits));
        var splitBytes = _splits.Length * Unsafe.SizeOf<Split>();
        for (var offset = 0; offset < splitBytes; offset += CacheLine)
        {
            CacheHints.Prefetch(ref Unsafe.Add(ref splits, offset));
        }

        ref var factors = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_factors), _factorsStart);
        var count = NodeCount * FactorBlocks * Width;
        for (var i = 0; i < count; i += CacheLine / sizeof(double))
        {
            CacheHints.Prefetch(ref Unsafe.Add(ref factors, i));
        }
    }

    /// <summary>Adds the row's SHAP values, one vector of quadrature terms per feature, to <paramref name="accumulators"/>.</summary>
    /// <param name="row">The feature values (NaN for missing).</param>
    /// <param name="accumulators">Per feature, <paramref name="stride"/> doubles; the first <see cref="Width"/> receive the terms.</param>
    /// <param name="stride">The accumulator width per feature (at least <see cref="Width"/>, a multiple of the vector size).</param>
    /// <param name="products">Scratch of at least <c>NodeCount x Width</c>: products down the tree, then sums up it.</param>
    /// <param name="state">Scratch of at least <c>NodeCount</c>.</param>
    public void Explain(ReadOnlySpan<double> row, Span<double> accumulators, int stride, Span<double> products, Span<byte> state)
    {
        var n = NodeCount;
        if (n == 1)
        {
            return;
        }

        if (products.Length < n * Width || state.Length < n || accumulators.Length < stride * row.Length)
        {
            throw new ArgumentException("The scratch buffers are too small for this tree.", nameof(products));
        }

        switch (Width / Vector<double>.Count)
        {
            case 1:
                Explain<One>(row, accumulators, stride, products, state);
                break;
            case 2:
                Explain<Two>(row, accumulators, stride, products, state);
                break;
            default:
                Explain<Many>(row, accumulators, stride, products, state);
                break;
        }
    }

    /// <summary>The two passes, split by split, with the vectors per node a constant of <typeparamref name="TWidth"/> where it can be.</summary>
    private void Explain<TWidth>(ReadOnlySpan<double> row, Span<double> accumulators, int stride, Span<double> products, Span<byte> state)
        where TWidth : struct, IWidth
    {
        var splits = _splits;
        var v = TWidth.Vectors(Width);
        var strideVectors = stride / Vector<double>.Count;
        ref var p = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<double, Vector<double>>(products));
        ref var acc = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<double, Vector<double>>(accumulators));
        ref var factors = ref Unsafe.As<double, Vector<double>>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_factors), _factorsStart));
        ref var bits = ref MemoryMarshal.GetReference(state);
        ref var x = ref MemoryMarshal.GetReference(row);
        var float32 = _float32;

        // Down the tree, both edges of a split at once. Branch-free: whether the row follows an edge
        // is as random as the data. state bits per node: 1 = the row follows every split on the
        // edge's feature so far (o = 1); 2 and 4 = the case (0 followed after followed, 1 not
        // followed after followed, 2 after not followed).
        for (var j = 0; j < v; j++)
        {
            Unsafe.Add(ref p, j) = Vector<double>.One;
        }

        bits = 1;
        for (var s = 0; s < splits.Length; s++)
        {
            ref readonly var split = ref splits[s];
            var left = GoesLeft(in split, ref x, float32);
            var beforeLeft = Unsafe.Add(ref bits, split.LeftAncestor) & 1;
            var beforeRight = Unsafe.Add(ref bits, split.RightAncestor) & 1;
            var kindLeft = 2 - (beforeLeft * (1 + left));
            var kindRight = 2 - (beforeRight * (2 - left));
            ref var source = ref Unsafe.Add(ref p, split.Node * v);
            ref var targetLeft = ref Unsafe.Add(ref p, split.Left * v);
            ref var targetRight = ref Unsafe.Add(ref p, split.Right * v);
            ref var multiplierLeft = ref Unsafe.Add(ref factors, ((split.Left * FactorBlocks) + (2 * kindLeft)) * v);
            ref var multiplierRight = ref Unsafe.Add(ref factors, ((split.Right * FactorBlocks) + (2 * kindRight)) * v);
            TWidth.Down(ref source, ref multiplierLeft, ref multiplierRight, ref targetLeft, ref targetRight, v);

            Unsafe.Add(ref bits, split.Left) = (byte)((beforeLeft & left) | (kindLeft << 1));
            Unsafe.Add(ref bits, split.Right) = (byte)((beforeRight & (1 - left)) | (kindRight << 1));
        }

        // Up the tree: a split's slot becomes the sum of its children's (Σ F_l below it; a leaf's slot
        // already holds its F_l), and both edges add their weighted ratios (zero in case 2) to the
        // split feature's accumulator.
        for (var s = splits.Length - 1; s >= 0; s--)
        {
            ref readonly var split = ref splits[s];
            ref var sum = ref Unsafe.Add(ref p, split.Node * v);
            ref var left = ref Unsafe.Add(ref p, split.Left * v);
            ref var right = ref Unsafe.Add(ref p, split.Right * v);
            var kindLeft = (Unsafe.Add(ref bits, split.Left) >> 1) & 3;
            var kindRight = (Unsafe.Add(ref bits, split.Right) >> 1) & 3;
            ref var ratioLeft = ref Unsafe.Add(ref factors, ((split.Left * FactorBlocks) + (2 * kindLeft) + 1) * v);
            ref var ratioRight = ref Unsafe.Add(ref factors, ((split.Right * FactorBlocks) + (2 * kindRight) + 1) * v);
            ref var target = ref Unsafe.Add(ref acc, split.Feature * strideVectors);
            TWidth.Up(ref left, ref right, ref ratioLeft, ref ratioRight, ref sum, ref target, v);
        }
    }

    /// <summary>1 when the row goes left at the split, else 0 (NaN follows the default direction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int GoesLeft(in Split split, ref double row, bool float32)
    {
        var value = Unsafe.Add(ref row, split.Feature);
        if (double.IsNaN(value))
        {
            return split.DefaultLeft;
        }

        var left = float32 ? (float)value < (float)split.Threshold : value <= split.Threshold;
        return left ? 1 : 0;
    }

    /// <summary>An internal node, in preorder: its slot, test and children, and for each child edge the previous edge on the same feature above it (0 = none).</summary>
    private struct Split
    {
        public int Node;
        public int Left;
        public int Right;
        public int Feature;
        public int LeftAncestor;
        public int RightAncestor;
        public double Threshold;

        /// <summary>1 when a missing value goes left, else 0.</summary>
        public int DefaultLeft;
    }

    /// <summary>The number of vectors per node and the per-node vector work, straight-line code for one and two vectors.</summary>
    private interface IWidth
    {
        static abstract int Vectors(int width);

        /// <summary>Both children's products: the parent's times each child's multiplier.</summary>
        static abstract void Down(ref Vector<double> source, ref Vector<double> multiplierLeft, ref Vector<double> multiplierRight, ref Vector<double> left, ref Vector<double> right, int v);

        /// <summary>The parent's sum of its children's, and their weighted ratios added to the accumulator.</summary>
        static abstract void Up(ref Vector<double> left, ref Vector<double> right, ref Vector<double> ratioLeft, ref Vector<double> ratioRight, ref Vector<double> sum, ref Vector<double> target, int v);
    }

    private readonly struct One : IWidth
    {
        public static int Vectors(int width) => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Down(ref Vector<double> source, ref Vector<double> multiplierLeft, ref Vector<double> multiplierRight, ref Vector<double> left, ref Vector<double> right, int v)
        {
            var product = source;
            left = product * multiplierLeft;
            right = product * multiplierRight;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Up(ref Vector<double> left, ref Vector<double> right, ref Vector<double> ratioLeft, ref Vector<double> ratioRight, ref Vector<double> sum, ref Vector<double> target, int v)
        {
            var l = left;
            var r = right;
            sum = l + r;
            target += (l * ratioLeft) + (r * ratioRight);
        }
    }

    private readonly struct Two : IWidth
    {
        public static int Vectors(int width) => 2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Down(ref Vector<double> source, ref Vector<double> multiplierLeft, ref Vector<double> multiplierRight, ref Vector<double> left, ref Vector<double> right, int v)
        {
            var first = source;
            var second = Unsafe.Add(ref source, 1);
            left = first * multiplierLeft;
            Unsafe.Add(ref left, 1) = second * Unsafe.Add(ref multiplierLeft, 1);
            right = first * multiplierRight;
            Unsafe.Add(ref right, 1) = second * Unsafe.Add(ref multiplierRight, 1);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Up(ref Vector<double> left, ref Vector<double> right, ref Vector<double> ratioLeft, ref Vector<double> ratioRight, ref Vector<double> sum, ref Vector<double> target, int v)
        {
            var l0 = left;
            var r0 = right;
            var l1 = Unsafe.Add(ref left, 1);
            var r1 = Unsafe.Add(ref right, 1);
            sum = l0 + r0;
            Unsafe.Add(ref sum, 1) = l1 + r1;
            target += (l0 * ratioLeft) + (r0 * ratioRight);
            Unsafe.Add(ref target, 1) += (l1 * Unsafe.Add(ref ratioLeft, 1)) + (r1 * Unsafe.Add(ref ratioRight, 1));
        }
    }

    private readonly struct Many : IWidth
    {
        public static int Vectors(int width) => width / Vector<double>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Down(ref Vector<double> source, ref Vector<double> multiplierLeft, ref Vector<double> multiplierRight, ref Vector<double> left, ref Vector<double> right, int v)
        {
            for (var j = 0; j < v; j++)
            {
                var product = Unsafe.Add(ref source, j);
                Unsafe.Add(ref left, j) = product * Unsafe.Add(ref multiplierLeft, j);
                Unsafe.Add(ref right, j) = product * Unsafe.Add(ref multiplierRight, j);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Up(ref Vector<double> left, ref Vector<double> right, ref Vector<double> ratioLeft, ref Vector<double> ratioRight, ref Vector<double> sum, ref Vector<double> target, int v)
        {
            for (var j = 0; j < v; j++)
            {
                var l = Unsafe.Add(ref left, j);
                var r = Unsafe.Add(ref right, j);
                Unsafe.Add(ref sum, j) = l + r;
                Unsafe.Add(ref target, j) += (l * Unsafe.Add(ref ratioLeft, j)) + (r * Unsafe.Add(ref ratioRight, j));
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
