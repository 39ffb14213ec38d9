using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ModelOps.Core.Interop.Linux;
using ModelOps.Core.Learning;
using ModelOps.Core.Randomness;

namespace ModelOps.Core.Learners.Trees;

/// <summary>How one tree is grown: limits, regularization and feature sampling.</summary>
/// <param name="MaxDepth">The deepest a leaf may be (root = 0), or null for no limit.</param>
/// <param name="MaxLeafNodes">The most leaves, or null for no limit. With a limit the tree grows best-first (largest gain first); without, depth-first.</param>
/// <param name="MinSamplesLeaf">The fewest training rows a leaf may hold.</param>
/// <param name="MinSamplesSplit">The fewest training rows a node needs to be split.</param>
/// <param name="MinHessianLeaf">The smallest hessian sum (weight) a leaf may hold.</param>
/// <param name="L2">L2 regularization of leaf values (lambda).</param>
/// <param name="Shrinkage">The factor applied to every node value (the learning rate).</param>
/// <param name="MaxFeatures">How many non-constant features each node tries (all when it equals the feature count).</param>
/// <param name="ParallelHistograms">Whether large histograms are built on several cores (off inside already-parallel forests).</param>
/// <param name="UnitHessian">Whether every hessian is 1 (squared error): hessian sums are then row counts and are not accumulated.</param>
internal sealed record GrowerSettings(
    int? MaxDepth,
    int? MaxLeafNodes,
    int MinSamplesLeaf,
    int MinSamplesSplit,
    double MinHessianLeaf,
    double L2,
    double Shrinkage,
    int MaxFeatures,
    bool ParallelHistograms,
    bool UnitHessian = false);

/// <summary>A grown tree, and where each training row ended up.</summary>
/// <param name="Tree">The tree.</param>
/// <param name="Rows">The training rows, grouped by leaf.</param>
/// <param name="Leaves">Per leaf: its node index and its segment of <paramref name="Rows"/>.</param>
internal sealed record GrownTree(Tree Tree, int[] Rows, (int Node, int Start, int End)[] Leaves);

/// <summary>
/// Grows one regression tree on binned features from per-row gradients and hessians (second-order
/// boosting; forests use g = -w*y, h = w so leaf values are weighted means and gains are squared-error
/// reductions). Histograms per node; the larger child's histogram is the parent's minus the smaller's.
/// </summary>
internal sealed class TreeGrower
{
    private const int ParallelWorkThreshold = 1 << 15;

    // Gathers and partitions are cut into pieces of at least this many rows for the cores. With 65,536, every node
    // under 131,072 rows was gathered and partitioned on one core: the 1M x 20 boosting fit on 2 threads is about 4 %
    // faster with 8,192 (7-8 % with 4,096, but that made the bike data's fits, nodes of at most 13,903 rows, 9 % slower:
    // pieces of a few microseconds' work do not pay for the hand-off).
    private const int ParallelRowThreshold = 1 << 13;

    // Row-wise histograms (small ones, in L1) run about 1 ns an addition: below this many additions
    // the hand-off to another core costs more than it saves.
    private const int RowWiseParallelWork = 1 << 20;

    // With a histogram too large for the L1 cache, nodes holding less than 1/16 of the rows are built
    // row by row: their rows are scattered, and a feature-by-feature pass misses the cache once per
    // row and feature (4-17 ns an addition for nodes of 512-16,000 rows out of 1M, against 1.1-1.4 ns
    // for large nodes), a row-wise one once per row, fetched ahead.
    private const int ScatteredFraction = 16;

    // On several cores, only nodes under 1/256 of the rows: the cores split a feature-by-feature pass without
    // sharing anything, while they split a row-wise pass by features and every core fetches every row. On the
    // 1M x 20 data on 2 cores, the histograms took 10-15 % less time than with 1/16; 1/64 was halfway, no row-wise
    // pass at all the same as 1/256. On one core 1/16 stays: 1/256 made the histograms 15 % slower there.
    private const int ScatteredFractionParallel = 256;

    // How many rows ahead a row-wise pass over scattered rows prefetches.
    private const int PrefetchDistance = 16;
    private const double MinGain = 1e-12;

    private readonly BinnedFeatures _data;
    private readonly double[] _g;
    private readonly double[] _h;
    private readonly GrowerSettings _settings;
    private readonly Stack<BinStats[]> _pool;
    private readonly int _p;
    private readonly bool _allFeatures;
    private readonly int[] _featureOrder;
    private readonly GrowerBuffers _buffers;
    private readonly double[] _orderedG;
    private readonly double[] _orderedH;
    private readonly bool _unitHessian;
    private bool _rootInOrder;
    private SplitMix64 _rng;

    private readonly List<int> _nodeFeature = [];
    private readonly List<double> _nodeThreshold = [];
    private readonly List<bool> _nodeDefaultLeft = [];
    private readonly List<int> _nodeLeft = [];
    private readonly List<int> _nodeRight = [];
    private readonly List<double> _nodeValue = [];
    private readonly List<double> _nodeCover = [];
    private readonly List<double> _nodeGain = [];

    private TreeGrower(BinnedFeatures data, double[] g, double[] h, GrowerBuffers buffers, GrowerSettings settings, ulong seed)
    {
        _data = data;
        _g = g;
        _h = h;
        _settings = settings;
        _p = data.Features;
        _allFeatures = settings.MaxFeatures >= _p;
        _featureOrder = new int[_p];
        for (var f = 0; f < _p; f++)
        {
            _featureOrder[f] = f;
        }

        _buffers = buffers;
        _pool = buffers.Histograms;
        _orderedG = buffers.OrderedG;
        _orderedH = buffers.OrderedH;
        _rng = new SplitMix64(seed);
        _unitHessian = settings.UnitHessian;
    }

    /// <summary>
    /// Grows a tree over <paramref name="rows"/> (the array is reordered: rows end up grouped by leaf).
    /// <paramref name="buffers"/> are work arrays for at least that many rows, reused across trees
    /// of one thread; new ones are made when it is null.
    /// </summary>
    /// <remarks><paramref name="rowsInOrder"/> true is the caller's promise that <c>rows[i] == i</c> for every row of the data; null has it checked.</remarks>
    public static GrownTree Grow(BinnedFeatures data, double[] g, double[] h, int[] rows, GrowerSettings settings, ulong seed, GrowerBuffers? buffers = null, bool? rowsInOrder = null) =>
        new TreeGrower(data, g, h, buffers ?? new GrowerBuffers(rows.Length), settings, seed).Run(rows, rowsInOrder);

    private GrownTree Run(int[] rows, bool? rowsInOrder)
    {
        _rootInOrder = rows.Length == _data.Rows && (rowsInOrder ?? IsIdentity(rows));
        var leaves = new List<(int Node, int Start, int End)>();

        // The root's sums take one thread a few milliseconds on a million rows (each addition waits
        // for the previous one): they run beside the parts of the root's histogram.
        var rootStats = default(BinStats);
        var rootHistogram = _allFeatures ? BuildHistogram(rows, 0, rows.Length, () => rootStats = Sum(rows)) : null;
        if (rootHistogram is null)
        {
            rootStats = Sum(rows);
        }

        var root = new Frontier(AddNode(rootStats), 0, rows.Length, 0, rootStats, rootHistogram, default);
        Evaluate(rows, ref root);

        var bestFirst = _settings.MaxLeafNodes is not null;
        var queue = new PriorityQueue<Frontier, (double, int)>();
        var stack = new Stack<Frontier>();
        var leafCount = 1;
        Push(root);

        while (bestFirst ? queue.Count > 0 : stack.Count > 0)
        {
            var node = bestFirst ? queue.Dequeue() : stack.Pop();
            if (bestFirst && leafCount >= _settings.MaxLeafNodes)
            {
                MakeLeaf(node);
                continue;
            }

            var split = node.Split;
            var mid = Partition(rows, node.Start, node.End, split.Feature, split.Bin, split.DefaultLeft);
            var left = new Frontier(AddNode(split.Left), node.Start, mid, node.Depth + 1, split.Left, null, default);
            var right = new Frontier(AddNode(split.Right), mid, node.End, node.Depth + 1, split.Right, null, default);
            SetSplit(node, left.Node, right.Node);
            leafCount++;
            if (bestFirst && leafCount >= _settings.MaxLeafNodes)
            {
                // The last split allowed: its children are leaves whatever their gains, so neither
                // their histograms nor their best splits are needed.
                Release(node.Histogram);
                MakeLeaf(left);
                MakeLeaf(right);
                continue;
            }

            ChildHistograms(rows, node, ref left, ref right);
            Evaluate(rows, ref left);
            Evaluate(rows, ref right);
            if (bestFirst)
            {
                Push(left);
                Push(right);
            }
            else
            {
                Push(right);
                Push(left);
            }
        }

        return new GrownTree(BuildTree(), rows, [.. leaves]);

        void Push(Frontier node)
        {
            if (node.Split.Gain <= MinGain)
            {
                MakeLeaf(node);
            }
            else if (bestFirst)
            {
                queue.Enqueue(node, (-node.Split.Gain, node.Node));
            }
            else
            {
                stack.Push(node);
            }
        }

        void MakeLeaf(Frontier node)
        {
            Release(node.Histogram);
            leaves.Add((node.Node, node.Start, node.End));
        }
    }

    private BinStats Sum(int[] rows)
    {
        var stats = default(BinStats);
        if (_rootInOrder)
        {
            foreach (var g in _g.AsSpan(0, rows.Length))
            {
                stats.G += g;
            }
        }
        else
        {
            foreach (var r in rows)
            {
                stats.G += _g[r];
            }
        }

        stats.N = rows.Length;
        if (_unitHessian)
        {
            // Adding 1.0 a row gives the count exactly.
            stats.H = rows.Length;
            return stats;
        }

        foreach (var r in rows)
        {
            stats.H += _h[r];
        }

        return stats;
    }

    private static bool IsIdentity(int[] rows)
    {
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i] != i)
            {
                return false;
            }
        }

        return true;
    }

    private bool CanSplit(in Frontier node)
    {
        var n = node.End - node.Start;
        return (_settings.MaxDepth is not { } maxDepth || node.Depth < maxDepth)
            && n >= _settings.MinSamplesSplit
            && n >= 2 * _settings.MinSamplesLeaf
            && node.Stats.H >= 2 * _settings.MinHessianLeaf;
    }

    // Finds the node's best split (Split.Gain stays 0 when there is none).
    private void Evaluate(int[] rows, ref Frontier node)
    {
        node.Split = default;
        if (!CanSplit(node))
        {
            return;
        }

        if (_allFeatures)
        {
            node.Histogram ??= BuildHistogram(rows, node.Start, node.End - node.Start);
            for (var f = 0; f < _p; f++)
            {
                FindBestSplit(node.Histogram, f, node.Stats, ref node.Split);
            }

            return;
        }

        // Feature sampling (forests): try features in random order until MaxFeatures non-constant ones were tried.
        var histogram = Rent();
        var tried = 0;
        for (var i = 0; i < _p && tried < _settings.MaxFeatures; i++)
        {
            var j = i + (int)_rng.NextBounded((ulong)(_p - i));
            (_featureOrder[i], _featureOrder[j]) = (_featureOrder[j], _featureOrder[i]);
            var f = _featureOrder[i];
            BuildFeatureHistogram(rows.AsSpan(node.Start, node.End - node.Start), f, histogram);
            if (IsConstant(histogram, f))
            {
                continue;
            }

            tried++;
            FindBestSplit(histogram, f, node.Stats, ref node.Split);
        }

        Release(histogram);
    }

    private void ChildHistograms(int[] rows, Frontier parent, ref Frontier left, ref Frontier right)
    {
        if (parent.Histogram is null)
        {
            return;
        }

        var leftSmaller = left.End - left.Start <= right.End - right.Start;
        ref var small = ref leftSmaller ? ref left : ref right;
        ref var large = ref leftSmaller ? ref right : ref left;
        if (!CanSplit(small) && !CanSplit(large))
        {
            Release(parent.Histogram);
            return;
        }

        var smallHistogram = BuildHistogram(rows, small.Start, small.End - small.Start);
        var parentHistogram = parent.Histogram;
        Subtract(parentHistogram, smallHistogram);
        small.Histogram = smallHistogram;
        large.Histogram = parentHistogram;
    }

    private void FindBestSplit(BinStats[] histogram, int feature, in BinStats total, ref SplitCandidate best)
    {
        var bins = _data.BinCount(feature);
        if (bins < 2)
        {
            return;
        }

        var offset = _data.Offsets[feature];
        var missing = histogram[offset + bins];
        var parentScore = Score(total);
        var directions = missing.N > 0 ? 2 : 1;
        for (var direction = 0; direction < directions; direction++)
        {
            // direction 0: missing values go right; 1: they go left.
            var left = direction == 1 ? missing : default;
            for (var b = 0; b < bins - 1; b++)
            {
                ref readonly var bin = ref histogram[offset + b];
                left.G += bin.G;
                left.H += bin.H;
                left.N += bin.N;
                var right = new BinStats { G = total.G - left.G, H = total.H - left.H, N = total.N - left.N };
                if (right.N < _settings.MinSamplesLeaf || right.H < _settings.MinHessianLeaf)
                {
                    break;
                }

                if (left.N < _settings.MinSamplesLeaf || left.H < _settings.MinHessianLeaf || bin.N == 0)
                {
                    continue;
                }

                var gain = Score(left) + Score(right) - parentScore;
                if (gain > best.Gain + (MinGain * Math.Abs(parentScore)))
                {
                    var defaultLeft = missing.N > 0 ? direction == 1 : left.N >= right.N;
                    best = new SplitCandidate(gain, feature, b, defaultLeft, left, right);
                }
            }
        }
    }

    private double Score(in BinStats stats) => stats.G * stats.G / (stats.H + _settings.L2);

    // Histograms feature by feature: one feature's bins (a few KB) stay in L1 while its byte column
    // is read, and the node's gradients are gathered once into contiguous arrays (as LightGBM and
    // scikit-learn's HistGradientBoosting do). Large nodes spread the features over the cores.
    // `alongside`, when given, runs once beside the histogram's work (as one more part of it when parallel).
    private BinStats[] BuildHistogram(int[] rows, int start, int length, Action? alongside = null)
    {
        var histogram = Rent();

        // The root of a tree over every row in order reads gradients straight; other nodes gather theirs.
        var whole = _rootInOrder && start == 0 && length == _data.Rows;
        var parallel = _settings.ParallelHistograms && (long)length * _p >= ParallelWorkThreshold;
        if (!whole)
        {
            if (parallel && length >= ParallelRowThreshold)
            {
                var parts = Parts(length);
                ParallelSteps.For(parts, part => Gather(rows, start + (int)((long)length * part / parts), start + (int)((long)length * (part + 1) / parts), start));
            }
            else
            {
                Gather(rows, start, start + length, start);
            }
        }

        var scattered = (long)length * (_settings.ParallelHistograms && Environment.ProcessorCount > 1 ? ScatteredFractionParallel : ScatteredFraction) < _data.Rows;
        if (_data.RowSlots is { } slots && (_data.RowWiseEverywhere || scattered))
        {
            // Scattered rows cost a cache miss each, worth a second core as early as the feature-wise pass.
            if (_settings.ParallelHistograms && (long)length * _p >= (_data.RowWiseEverywhere ? RowWiseParallelWork : ParallelWorkThreshold))
            {
                // Each core takes a range of features: every bin is still filled by one thread in row order.
                var parts = Math.Min(Environment.ProcessorCount, _p);
                ParallelSteps.For(parts, part => AccumulateRows(slots, rows, start, length, whole, histogram, _p * part / parts, _p * (part + 1) / parts));
            }
            else
            {
                AccumulateRows(slots, rows, start, length, whole, histogram, 0, _p);
            }
        }
        else if (parallel)
        {
            // Each core takes about two ranges of features, and `alongside`, when given, is part 0 (claimed first).
            // Parts of one feature each (21 parts a step on the 1M x 20 data) made the histograms about 5 % slower
            // on 2 cores than 4 ranges of 5 features; 2 ranges of 10 balanced the cores worse.
            var extra = alongside is null ? 0 : 1;
            var first = alongside;
            var ranges = Math.Min(_p, 2 * Environment.ProcessorCount);
            ParallelSteps.For(ranges + extra, part =>
            {
                if (part < extra)
                {
                    first!();
                    return;
                }

                var range = part - extra;
                for (var f = _p * range / ranges; f < _p * (range + 1) / ranges; f++)
                {
                    AccumulateFeature(f, rows, start, length, whole, histogram);
                }
            });
            alongside = null;
        }
        else
        {
            for (var f = 0; f < _p; f++)
            {
                AccumulateFeature(f, rows, start, length, whole, histogram);
            }
        }

        alongside?.Invoke();
        if (whole && _unitHessian)
        {
            // The passes over every row in order left the counts out: they are the same for every tree.
            var counts = _data.BinCounts;
            for (var i = 0; i < histogram.Length; i++)
            {
                histogram[i].N = counts[i];
            }
        }

        if (_unitHessian)
        {
            for (var i = 0; i < histogram.Length; i++)
            {
                histogram[i].H = histogram[i].N;
            }
        }

        return histogram;
    }

    // Copies the gradients (and hessians) of rows[from, to) to the ordered arrays, which start at rows[start].
    private void Gather(int[] rowArray, int from, int to, int start)
    {
        var rows = rowArray.AsSpan(from, to - from);
        var og = _orderedG.AsSpan(from - start, rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            og[i] = _g[rows[i]];
        }

        if (!_unitHessian)
        {
            var oh = _orderedH.AsSpan(from - start, rows.Length);
            for (var i = 0; i < rows.Length; i++)
            {
                oh[i] = _h[rows[i]];
            }
        }
    }

    // How many pieces a row range is cut into for the cores (a fixed cut: results never depend on it).
    private static int Parts(int length) => Math.Clamp(length / ParallelRowThreshold, 1, Environment.ProcessorCount);

    // Without bounds checks (they took about a tenth of the histograms' time on the 1M x 20 data): every bin of
    // the feature's column is below its bin count (the missing bin included), every row below the row count, and
    // the gradients are read for k < length only.
    private void AccumulateFeature(int feature, int[] rowArray, int start, int length, bool whole, BinStats[] histogram)
    {
        var column = _data.Column(feature);
        ref var bins = ref histogram[_data.Offsets[feature]];
        ref var bin = ref MemoryMarshal.GetReference(column);
        if (whole)
        {
            ref var gw = ref MemoryMarshal.GetArrayDataReference(_g);
            nint n = column.Length;
            if (_unitHessian)
            {
                // Gradients only: BuildHistogram fills in the row counts, known in advance.
                for (nint i = 0; i < n; i++)
                {
                    Unsafe.Add(ref bins, Unsafe.Add(ref bin, i)).G += Unsafe.Add(ref gw, i);
                }

                return;
            }

            ref var hw = ref MemoryMarshal.GetArrayDataReference(_h);
            for (nint i = 0; i < n; i++)
            {
                ref var stats = ref Unsafe.Add(ref bins, Unsafe.Add(ref bin, i));
                stats.G += Unsafe.Add(ref gw, i);
                stats.H += Unsafe.Add(ref hw, i);
                stats.N++;
            }

            return;
        }

        // Four rows a step, their scattered bin loads first: the loads no longer wait behind the
        // previous rows' histogram stores. Each bin still adds its rows in order.
        ref var rows = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(rowArray), start);
        ref var og = ref MemoryMarshal.GetArrayDataReference(_orderedG);
        nint count = length;
        nint k = 0;
        if (_unitHessian)
        {
            for (; k + 4 <= count; k += 4)
            {
                ref var s0 = ref Unsafe.Add(ref bins, Unsafe.Add(ref bin, Unsafe.Add(ref rows, k)));
                ref var s1 = ref Unsafe.Add(ref bins, Unsafe.Add(ref bin, Unsafe.Add(ref rows, k + 1)));
                ref var s2 = ref Unsafe.Add(ref bins, Unsafe.Add(ref bin, Unsafe.Add(ref rows, k + 2)));
                ref var s3 = ref Unsafe.Add(ref bins, Unsafe.Add(ref bin, Unsafe.Add(ref rows, k + 3)));
                s0.G += Unsafe.Add(ref og, k);
                s0.N++;
                s1.G += Unsafe.Add(ref og, k + 1);
                s1.N++;
                s2.G += Unsafe.Add(ref og, k + 2);
                s2.N++;
                s3.G += Unsafe.Add(ref og, k + 3);
                s3.N++;
            }

            for (; k < count; k++)
            {
                ref var stats = ref Unsafe.Add(ref bins, Unsafe.Add(ref bin, Unsafe.Add(ref rows, k)));
                stats.G += Unsafe.Add(ref og, k);
                stats.N++;
            }

            return;
        }

        ref var oh = ref MemoryMarshal.GetArrayDataReference(_orderedH);
        for (; k + 4 <= count; k += 4)
        {
            ref var s0 = ref Unsafe.Add(ref bins, Unsafe.Add(ref bin, Unsafe.Add(ref rows, k)));
            ref var s1 = ref Unsafe.Add(ref bins, Unsafe.Add(ref bin, Unsafe.Add(ref rows, k + 1)));
            ref var s2 = ref Unsafe.Add(ref bins, Unsafe.Add(ref bin, Unsafe.Add(ref rows, k + 2)));
            ref var s3 = ref Unsafe.Add(ref bins, Unsafe.Add(ref bin, Unsafe.Add(ref rows, k + 3)));
            s0.G += Unsafe.Add(ref og, k);
            s0.H += Unsafe.Add(ref oh, k);
            s0.N++;
            s1.G += Unsafe.Add(ref og, k + 1);
            s1.H += Unsafe.Add(ref oh, k + 1);
            s1.N++;
            s2.G += Unsafe.Add(ref og, k + 2);
            s2.H += Unsafe.Add(ref oh, k + 2);
            s2.N++;
            s3.G += Unsafe.Add(ref og, k + 3);
            s3.H += Unsafe.Add(ref oh, k + 3);
            s3.N++;
        }

        for (; k < count; k++)
        {
            ref var stats = ref Unsafe.Add(ref bins, Unsafe.Add(ref bin, Unsafe.Add(ref rows, k)));
            stats.G += Unsafe.Add(ref og, k);
            stats.H += Unsafe.Add(ref oh, k);
            stats.N++;
        }
    }

    // Row by row over the row-major slots (see BinnedFeatures.RowSlots), prefetching the slots of
    // gathered rows ahead. Every bin still adds its rows in row order, so the sums are bit for bit
    // those of the feature-wise pass. Without bounds checks: every slot is below HistogramLength by
    // construction, every row below the row count, and k < length (the bike data's boosting fits took
    // 13 % less time on one core, 4 % on two, than with the checks). RowSlots holds at most 2^28 slots.
    private void AccumulateRows(ushort[] slots, int[] rowArray, int start, int length, bool whole, BinStats[] histogram, int fromFeature, int toFeature)
    {
        nint p = _p;
        nint width = toFeature - fromFeature;
        ref var g = ref MemoryMarshal.GetArrayDataReference(whole ? _g : _orderedG);
        ref var h = ref MemoryMarshal.GetArrayDataReference(whole ? _h : _orderedH);
        ref var rows = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(rowArray), start);
        ref var slotBase = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(slots), fromFeature);
        ref var bins = ref MemoryMarshal.GetArrayDataReference(histogram);
        nint count = length;
        var unit = _unitHessian;
        for (nint k = 0; k < count; k++)
        {
            if (!whole && k + PrefetchDistance < count)
            {
                CacheHints.Prefetch(ref Unsafe.Add(ref slotBase, Unsafe.Add(ref rows, k + PrefetchDistance) * p));
            }

            var gk = Unsafe.Add(ref g, k);
            ref var row = ref Unsafe.Add(ref slotBase, (whole ? k : Unsafe.Add(ref rows, k)) * p);
            if (unit)
            {
                if (whole)
                {
                    for (nint f = 0; f < width; f++)
                    {
                        Unsafe.Add(ref bins, Unsafe.Add(ref row, f)).G += gk;
                    }

                    continue;
                }

                for (nint f = 0; f < width; f++)
                {
                    ref var stats = ref Unsafe.Add(ref bins, Unsafe.Add(ref row, f));
                    stats.G += gk;
                    stats.N++;
                }

                continue;
            }

            var hk = Unsafe.Add(ref h, k);
            for (nint f = 0; f < width; f++)
            {
                ref var stats = ref Unsafe.Add(ref bins, Unsafe.Add(ref row, f));
                stats.G += gk;
                stats.H += hk;
                stats.N++;
            }
        }
    }

    private void BuildFeatureHistogram(ReadOnlySpan<int> rows, int feature, BinStats[] histogram)
    {
        var offset = _data.Offsets[feature];
        var bins = histogram.AsSpan(offset, _data.Offsets[feature + 1] - offset);
        bins.Clear();
        var column = _data.Column(feature);
        for (var i = 0; i < rows.Length; i++)
        {
            var r = rows[i];
            ref var stats = ref bins[column[r]];
            stats.G += _g[r];
            stats.H += _h[r];
            stats.N++;
        }
    }

    private bool IsConstant(BinStats[] histogram, int feature)
    {
        var nonEmpty = 0;
        for (var b = _data.Offsets[feature]; b < _data.Offsets[feature + 1]; b++)
        {
            if (histogram[b].N > 0 && ++nonEmpty > 1)
            {
                return false;
            }
        }

        return true;
    }

    private static void Subtract(BinStats[] parent, BinStats[] child)
    {
        for (var i = 0; i < parent.Length; i++)
        {
            parent[i].G -= child[i].G;
            parent[i].H -= child[i].H;
            parent[i].N -= child[i].N;
        }
    }

    // Large nodes are cut into pieces partitioned on the cores, each piece's left rows to one work array and its
    // right rows to another; then the cores copy them back in place: the left rows of every piece in order, then
    // the right rows of every piece in order, the same order as one pass. (Left rows kept in place in the pieces
    // had to be joined by one core: the partitions of a 1M x 20 fit on 2 cores took 0.72-0.83 s, now 0.60-0.67 s.)
    private int Partition(int[] rows, int start, int end, int feature, int bin, bool defaultLeft)
    {
        var length = end - start;
        var parts = _settings.ParallelHistograms ? Parts(length) : 1;
        if (parts == 1)
        {
            var leftCount = PartitionPiece(rows, start, end, feature, bin, defaultLeft, rows);
            _buffers.Scratch.AsSpan(start, length - leftCount).CopyTo(rows.AsSpan(start + leftCount));
            return start + leftCount;
        }

        var bounds = new int[parts + 1];
        for (var part = 0; part <= parts; part++)
        {
            bounds[part] = start + (int)((long)length * part / parts);
        }

        var leftCounts = new int[parts];
        var lefts = _buffers.ScratchLeft;
        ParallelSteps.For(parts, part => leftCounts[part] = PartitionPiece(rows, bounds[part], bounds[part + 1], feature, bin, defaultLeft, lefts));

        // Where each piece's left and right rows go.
        var leftTo = new int[parts];
        var rightTo = new int[parts];
        var write = start;
        for (var part = 0; part < parts; part++)
        {
            leftTo[part] = write;
            write += leftCounts[part];
        }

        var mid = write;
        for (var part = 0; part < parts; part++)
        {
            rightTo[part] = write;
            write += bounds[part + 1] - bounds[part] - leftCounts[part];
        }

        var rights = _buffers.Scratch;
        ParallelSteps.For(parts, part =>
        {
            lefts.AsSpan(bounds[part], leftCounts[part]).CopyTo(rows.AsSpan(leftTo[part]));
            rights.AsSpan(bounds[part], bounds[part + 1] - bounds[part] - leftCounts[part]).CopyTo(rows.AsSpan(rightTo[part]));
        });
        return mid;
    }

    // Stable partition of rows[start, end): the rows going left go to lefts[start...] (which may be `rows` itself:
    // the writes never pass the reads), those going right to scratch[start...]; returns the left count.
    // Branch-free: every row is written to both sides and only the matching cursor advances.
    private int PartitionPiece(int[] rows, int start, int end, int feature, int bin, bool defaultLeft, int[] lefts)
    {
        var column = _data.Column(feature);
        var missingBin = _data.MissingBinOf(feature);
        var missingLeft = defaultLeft ? 1 : 0;
        var scratch = _buffers.Scratch;
        var write = start;
        var spill = start;
        for (var i = start; i < end; i++)
        {
            var r = rows[i];
            int b = column[r];
            var left = b == missingBin ? missingLeft : (b <= bin ? 1 : 0);
            lefts[write] = r;
            scratch[spill] = r;
            write += left;
            spill += 1 - left;
        }

        return write - start;
    }

    private int AddNode(in BinStats stats)
    {
        _nodeFeature.Add(-1);
        _nodeThreshold.Add(0);
        _nodeDefaultLeft.Add(false);
        _nodeLeft.Add(-1);
        _nodeRight.Add(-1);
        _nodeValue.Add(-stats.G / (stats.H + _settings.L2) * _settings.Shrinkage);
        _nodeCover.Add(stats.H);
        _nodeGain.Add(0);
        return _nodeFeature.Count - 1;
    }

    private void SetSplit(in Frontier node, int left, int right)
    {
        var split = node.Split;
        _nodeFeature[node.Node] = split.Feature;
        _nodeThreshold[node.Node] = _data.Thresholds[split.Feature][split.Bin];
        _nodeDefaultLeft[node.Node] = split.DefaultLeft;
        _nodeLeft[node.Node] = left;
        _nodeRight[node.Node] = right;
        _nodeGain[node.Node] = split.Gain;
    }

    private Tree BuildTree() => new(
        [.. _nodeFeature], [.. _nodeThreshold], [.. _nodeDefaultLeft], [.. _nodeLeft], [.. _nodeRight], [.. _nodeValue], [.. _nodeCover], [.. _nodeGain]);

    private BinStats[] Rent()
    {
        if (_pool.TryPop(out var histogram) && histogram.Length == _data.HistogramLength)
        {
            Array.Clear(histogram);
            return histogram;
        }

        return new BinStats[_data.HistogramLength];
    }

    private void Release(BinStats[]? histogram)
    {
        if (histogram is not null)
        {
            _pool.Push(histogram);
        }
    }

    private struct Frontier(int node, int start, int end, int depth, BinStats stats, BinStats[]? histogram, SplitCandidate split)
    {
        public int Node = node;
        public int Start = start;
        public int End = end;
        public int Depth = depth;
        public BinStats Stats = stats;
        public BinStats[]? Histogram = histogram;
        public SplitCandidate Split = split;
    }

    private readonly record struct SplitCandidate(double Gain, int Feature, int Bin, bool DefaultLeft, BinStats Left, BinStats Right);
}

/// <summary>Work arrays of the tree grower, sized for a number of rows and reused from tree to tree.</summary>
internal sealed class GrowerBuffers(int rowCount)
{
    public int[] Scratch { get; } = HugePages.Allocate<int>(rowCount);

    /// <summary>The left rows of partitions cut into pieces for the cores; made at the first such partition.</summary>
    public int[] ScratchLeft => field ??= HugePages.Allocate<int>(rowCount);

    public double[] OrderedG { get; } = HugePages.Allocate<double>(rowCount);

    public double[] OrderedH { get; } = HugePages.Allocate<double>(rowCount);

    /// <summary>
    /// Histograms no node holds any more, kept from tree to tree: large ones live on the large-object
    /// heap, and making them anew for every tree cost collections and page faults on fresh memory.
    /// </summary>
    public Stack<BinStats[]> Histograms { get; } = new();
}

/// <summary>Sums of gradient, hessian and row count in one histogram bin.</summary>
internal struct BinStats
{
    public double G;
    public double H;
    public int N;
}
