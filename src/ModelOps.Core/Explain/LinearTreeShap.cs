using System.Diagnostics;
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
    /// multiplier and then its weighted ratio, so that a row reads one 64-byte line per edge. The
    /// cases are in the order of their slot, the row's o bit above the edge plus its o bit on the
    /// edge: 0 = after not followed (ratio zero), 1 = not followed after followed, 2 = followed after followed.
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
                // Preorder puts the left child right after its parent.
                Debug.Assert(positionOf[tree.Left[node]] == k + 1, "The left child follows its parent in preorder.");
                splits.Add(new Split
                {
                    Node = (uint)k,
                    Right = (uint)positionOf[tree.Right[node]],
                    Feature = (uint)features[node],
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
            _splits[s].LeftAncestor = (uint)ancestorOf[_splits[s].Node + 1];
            _splits[s].RightAncestor = (uint)ancestorOf[_splits[s].Right];
        }

        NodeCount = n;

        // The integrand of a leaf with d path features has degree d - 1: ⌈d / 2⌉ nodes are exact.
        Nodes = Math.Max(1, (deepest + 1) / 2);
        var lanes = Vector<double>.Count;
        Width = (Nodes + lanes - 1) / lanes * lanes;
        var (points, weights) = GaussLegendre.OnUnitInterval(Nodes);
        var edgeBytes = (uint)(FactorBlocks * Width * sizeof(double));
        for (var s = 0; s < _splits.Length; s++)
        {
            _splits[s].LeftEdge = (_splits[s].Node + 1) * edgeBytes;
            _splits[s].RightEdge = _splits[s].Right * edgeBytes;
        }

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
                block[q] = (za > 0 ? z / za : 0) * value;
                block[Width + q] = 0;
                block[(2 * Width) + q] = cold / hotBefore * value;
                block[(3 * Width) + q] = w * (coldRatio - hotRatioBefore);
                block[(4 * Width) + q] = hot / hotBefore * value;
                block[(5 * Width) + q] = w * (hotRatio - hotRatioBefore);
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
    public void Explain(ReadOnlySpan<double> row, Span<double> accumulators, int stride, Span<double> products, Span<uint> state)
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

        switch (Width / Vector<double>.Count, _float32)
        {
            case (1, false):
                Explain<One, LessOrEqual>(row, accumulators, stride, products, state);
                break;
            case (1, true):
                Explain<One, Float32Less>(row, accumulators, stride, products, state);
                break;
            case (2, false):
                Explain<Two, LessOrEqual>(row, accumulators, stride, products, state);
                break;
            case (2, true):
                Explain<Two, Float32Less>(row, accumulators, stride, products, state);
                break;
            case (_, false):
                Explain<Many, LessOrEqual>(row, accumulators, stride, products, state);
                break;
            default:
                Explain<Many, Float32Less>(row, accumulators, stride, products, state);
                break;
        }
    }

    /// <summary>
    /// The two passes, split by split, with the vectors per node a constant of <typeparamref name="TWidth"/>
    /// where it can be and the split test of <typeparamref name="TRule"/>. Its own method (never inlined
    /// into the caller's loops over trees and rows), so that the loop's addresses stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Explain<TWidth, TRule>(ReadOnlySpan<double> row, Span<double> accumulators, int stride, Span<double> products, Span<uint> state)
        where TWidth : struct, IWidth
        where TRule : struct, ISplitRule
    {
        var v = TWidth.Vectors(Width);

        // Byte sizes: a node's products, one case of an edge's factors (multiplier and ratio).
        var nodeBytes = (nuint)(v * Vector<double>.Count * sizeof(double));
        var caseBytes = 2 * (uint)nodeBytes;
        var strideBytes = (nuint)stride * sizeof(double);
        ref var p = ref Unsafe.As<double, byte>(ref MemoryMarshal.GetReference(products));
        ref var acc = ref Unsafe.As<double, byte>(ref MemoryMarshal.GetReference(accumulators));
        ref var factors = ref Unsafe.As<double, byte>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_factors), _factorsStart));
        ref var bits = ref MemoryMarshal.GetReference(state);
        ref var x = ref MemoryMarshal.GetReference(row);
        ref var first = ref MemoryMarshal.GetArrayDataReference(_splits);
        ref var last = ref Unsafe.Add(ref first, _splits.Length - 1);

        // Down the tree, both edges of a split at once. Branch-free: whether the row follows an edge
        // is as random as the data. state per node: where the factors of the edge's case start (the
        // edge's factors plus its slot, the row's o bit above the edge plus its o bit on the edge),
        // plus 1 when the row follows every split on the edge's feature so far (o = 1).
        for (var j = 0; j < v; j++)
        {
            Unsafe.Add(ref Unsafe.As<byte, Vector<double>>(ref p), j) = Vector<double>.One;
        }

        bits = 1;
        for (ref var split = ref first; !Unsafe.IsAddressGreaterThan(ref split, ref last); split = ref Unsafe.Add(ref split, 1))
        {
            var value = Unsafe.Add(ref x, split.Feature);
            var left = (uint)(double.IsNaN(value) ? split.DefaultLeft : TRule.GoesLeft(value, split.Threshold));
            nuint node = split.Node;
            nuint rightNode = split.Right;
            var beforeLeft = Unsafe.Add(ref bits, split.LeftAncestor) & 1;
            var beforeRight = Unsafe.Add(ref bits, split.RightAncestor) & 1;
            var followsLeft = beforeLeft & left;
            var followsRight = beforeRight & (left ^ 1);
            var caseLeft = split.LeftEdge + ((beforeLeft + followsLeft) * caseBytes);
            var caseRight = split.RightEdge + ((beforeRight + followsRight) * caseBytes);
            ref var source = ref Unsafe.AddByteOffset(ref p, node * nodeBytes);
            TWidth.Down(
                ref Unsafe.As<byte, Vector<double>>(ref source),
                ref Unsafe.As<byte, Vector<double>>(ref Unsafe.AddByteOffset(ref factors, (nuint)caseLeft)),
                ref Unsafe.As<byte, Vector<double>>(ref Unsafe.AddByteOffset(ref factors, (nuint)caseRight)),
                ref Unsafe.As<byte, Vector<double>>(ref Unsafe.AddByteOffset(ref source, nodeBytes)),
                ref Unsafe.As<byte, Vector<double>>(ref Unsafe.AddByteOffset(ref p, rightNode * nodeBytes)),
                v);
            Unsafe.Add(ref bits, node + 1) = caseLeft | followsLeft;
            Unsafe.Add(ref bits, rightNode) = caseRight | followsRight;
        }

        // Up the tree: a split's slot becomes the sum of its children's (Σ F_l below it; a leaf's slot
        // already holds its F_l), and both edges add their weighted ratios (zero in slot 0) to the
        // split feature's accumulator.
        for (ref var split = ref last; !Unsafe.IsAddressLessThan(ref split, ref first); split = ref Unsafe.Subtract(ref split, 1))
        {
            nuint node = split.Node;
            nuint rightNode = split.Right;
            ref var sum = ref Unsafe.AddByteOffset(ref p, node * nodeBytes);
            TWidth.Up(
                ref Unsafe.As<byte, Vector<double>>(ref Unsafe.AddByteOffset(ref sum, nodeBytes)),
                ref Unsafe.As<byte, Vector<double>>(ref Unsafe.AddByteOffset(ref p, rightNode * nodeBytes)),
                ref Unsafe.As<byte, Vector<double>>(ref Unsafe.AddByteOffset(ref factors, (nuint)(Unsafe.Add(ref bits, node + 1) & ~1u) + nodeBytes)),
                ref Unsafe.As<byte, Vector<double>>(ref Unsafe.AddByteOffset(ref factors, (nuint)(Unsafe.Add(ref bits, rightNode) & ~1u) + nodeBytes)),
                ref Unsafe.As<byte, Vector<double>>(ref sum),
                ref Unsafe.As<byte, Vector<double>>(ref Unsafe.AddByteOffset(ref acc, (nuint)split.Feature * strideBytes)),
                v);
        }
    }

    /// <summary>
    /// An internal node, in preorder: its slot (its left child's is the next one), its right child's,
    /// its test, and for each child edge the previous edge on the same feature above it (0 = none)
    /// and where the edge's factors start in <see cref="_factors"/>, in bytes.
    /// </summary>
    private struct Split
    {
        public double Threshold;
        public uint Feature;

        /// <summary>1 when a missing value goes left, else 0.</summary>
        public int DefaultLeft;
        public uint Node;
        public uint Right;
        public uint LeftAncestor;
        public uint RightAncestor;
        public uint LeftEdge;
        public uint RightEdge;
    }

    /// <summary>A split's test of a present value: 1 when the row goes left, else 0.</summary>
    private interface ISplitRule
    {
        static abstract int GoesLeft(double value, double threshold);
    }

    /// <summary><c>value &lt;= threshold</c> goes left (<see cref="SplitRule.LessOrEqual"/>).</summary>
    private readonly struct LessOrEqual : ISplitRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int GoesLeft(double value, double threshold) => value <= threshold ? 1 : 0;
    }

    /// <summary><c>value &lt; threshold</c> in single precision goes left (XGBoost's test).</summary>
    private readonly struct Float32Less : ISplitRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int GoesLeft(double value, double threshold) => (float)value < (float)threshold ? 1 : 0;
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
