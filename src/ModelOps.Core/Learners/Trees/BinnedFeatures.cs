using System.Runtime.CompilerServices;
using ModelOps.Core.Interop.Linux;
using ModelOps.Core.Learning;
using ModelOps.Core.Randomness;

namespace ModelOps.Core.Learners.Trees;

/// <summary>
/// Features quantized to at most 255 bins each, stored column by column as bytes; missing values of a
/// feature go to the bin just after its last value bin (<see cref="MissingBinOf"/>). A feature with at most <c>maxBins</c> distinct values gets one bin per value, so its
/// splits are exact; others get quantile bins. Bin <c>b</c> holds the values at most
/// <see cref="Thresholds"/>[f][b], the midpoint between the largest value of bin b and the
/// smallest of bin b + 1.
/// </summary>
internal sealed class BinnedFeatures
{
    private const int ThresholdSampleSize = 200_000;

    // Rows binned together: 2,048 rows of 20 features are 320 KB of the matrix.
    private const int BinningBlock = 2048;

    // Histograms of at most this many bins (24 bytes each: 16 KB, half of a 32 KB L1 data cache) are
    // built row by row for every node (see RowWiseEverywhere).
    private const int RowWiseMaxSlots = 680;

    // The row-major copy is made up to this many slots (2 bytes each: 512 MB); beyond, histograms
    // are built feature by feature only.
    private const long RowMajorMaxSlots = 1L << 28;

    private int[]? _binCounts;

    private BinnedFeatures(byte[] bins, int rows, double[][] thresholds, bool[] hasMissing, bool? rowMajor)
    {
        Bins = bins;
        Rows = rows;
        Thresholds = thresholds;
        HasMissing = hasMissing;
        Offsets = new int[thresholds.Length + 1];
        for (var f = 0; f < thresholds.Length; f++)
        {
            Offsets[f + 1] = Offsets[f] + BinCount(f) + 1;
        }

        // Slots are 16-bit: a histogram of more than 65,536 bins (over 255 features) gets no row-major copy.
        var fits = HistogramLength <= ushort.MaxValue + 1;
        if (fits && (rowMajor ?? (long)rows * thresholds.Length <= RowMajorMaxSlots))
        {
            RowSlots = RowMajorSlots(bins, rows, Offsets);
        }
    }

    /// <summary>Where each feature's bins start in a histogram (value bins, then the missing bin); the last entry is the histogram length.</summary>
    public int[] Offsets { get; }

    /// <summary>The length of a histogram over every feature.</summary>
    public int HistogramLength => Offsets[^1];

    /// <summary>Column-major bins: <c>Bins[feature * Rows + row]</c>.</summary>
    public byte[] Bins { get; }

    /// <summary>The bins of one feature, one byte per row.</summary>
    public ReadOnlySpan<byte> Column(int feature) => Bins.AsSpan(feature * Rows, Rows);

    /// <summary>
    /// Row-major histogram slots, <c>RowSlots[row * Features + f] = Offsets[f] + bin</c>, or null
    /// (more than 2^28 slots, or more than 65,536 bins). A row's features update a histogram from a
    /// few contiguous bytes: one cache line a row where a feature-by-feature pass over scattered rows
    /// misses once per row and feature; and rows that fall in the same bin of a feature (frequent for
    /// features with few values) are far apart in the stream of additions instead of one after the other.
    /// </summary>
    public ushort[]? RowSlots { get; }

    /// <summary>
    /// Whether every node's histogram is built row by row: the whole histogram (at most 680 bins,
    /// 16 KB) stays in the L1 cache. Larger ones are built row by row only for nodes whose rows are
    /// scattered (see TreeGrower), feature by feature otherwise.
    /// </summary>
    public bool RowWiseEverywhere => RowSlots is not null && HistogramLength <= RowWiseMaxSlots;

    public int Rows { get; }

    /// <summary>
    /// How many of all the rows fall in each histogram bin (<c>BinCounts[Offsets[f] + bin]</c>), counted
    /// on first use: the row counts of a root over every row, the same for every tree of a fit.
    /// </summary>
    public int[] BinCounts => Volatile.Read(ref _binCounts) ?? CountBins();

    public int Features => Thresholds.Length;

    /// <summary>Per feature, the upper edge of each bin but the last (bin count = length + 1).</summary>
    public double[][] Thresholds { get; }

    /// <summary>Per feature, whether any training value was missing.</summary>
    public bool[] HasMissing { get; }

    public int BinCount(int feature) => Thresholds[feature].Length + 1;

    /// <summary>The bin that holds feature <paramref name="feature"/>'s missing values.</summary>
    public int MissingBinOf(int feature) => Thresholds[feature].Length + 1;

    /// <summary>
    /// Learns bin edges from <paramref name="features"/> and bins every value; features are processed in parallel.
    /// <paramref name="rowMajor"/> forces the row-major copy (<see cref="RowSlots"/>) on or off; by default
    /// it is made up to 2^28 slots. Either way the trees are the same.
    /// </summary>
    public static BinnedFeatures Create(FeatureMatrix features, int maxBins, ulong seed, bool? rowMajor = null)
    {
        var p = features.Columns;
        var n = features.Rows;
        var values = features.Values;
        var thresholds = new double[p][];
        var hasMissing = new bool[p];
        var bins = HugePages.Allocate<byte>((long)n * p);

        // The values the edges are learned from (a sample of rows, or every row), gathered column by
        // column in one pass over their rows: the matrix is row-major, and copying out one column at a
        // time read all of it once per feature (20 passes over 160 MB for 1M x 20).
        var sample = n > ThresholdSampleSize ? SampleRows(n, ThresholdSampleSize, seed) : null;
        var sampled = sample?.Length ?? n;
        var columns = new double[p][];
        for (var f = 0; f < p; f++)
        {
            columns[f] = HugePages.AllocateUninitialized<double>(sampled); // every value written below
        }

        for (var i = 0; i < sampled; i++)
        {
            var row = values.Slice((sample?[i] ?? i) * p, p);
            for (var f = 0; f < p; f++)
            {
                columns[f][i] = row[f];
            }
        }

        ParallelSteps.For(p, f => thresholds[f] = FindThresholds(columns[f], maxBins));

        // Binning by blocks of rows (a block's slice of the matrix stays in the L2 cache while each
        // feature's values are picked from it), the blocks on the cores; no result depends on the cut.
        var blocks = (n + BinningBlock - 1) / BinningBlock;
        var missingSeen = new bool[blocks * p];
        var matrix = features;
        ParallelSteps.For(blocks, block =>
        {
            var from = block * BinningBlock;
            var to = Math.Min(n, from + BinningBlock);
            var m = matrix.Values;
            for (var f = 0; f < p; f++)
            {
                var edges = thresholds[f];
                var target = bins.AsSpan(f * n, n);
                var r = from;
                for (; r + 4 <= to; r += 4)
                {
                    BinOf4(m[(r * p) + f], m[((r + 1) * p) + f], m[((r + 2) * p) + f], m[((r + 3) * p) + f], edges, target.Slice(r, 4));
                }

                for (; r < to; r++)
                {
                    target[r] = BinOf(m[(r * p) + f], edges);
                }

                var missing = (byte)(edges.Length + 1);
                missingSeen[(block * p) + f] = target[from..to].Contains(missing);
            }
        });

        for (var block = 0; block < blocks; block++)
        {
            for (var f = 0; f < p; f++)
            {
                hasMissing[f] |= missingSeen[(block * p) + f];
            }
        }

        return new BinnedFeatures(bins, n, thresholds, hasMissing, rowMajor);
    }

    private int[] CountBins()
    {
        var counts = new int[HistogramLength];
        for (var f = 0; f < Features; f++)
        {
            var bins = counts.AsSpan(Offsets[f], Offsets[f + 1] - Offsets[f]);
            foreach (var bin in Column(f))
            {
                bins[bin]++;
            }
        }

        // Threads that count at the same time get equal arrays; the first one published is kept.
        return Interlocked.CompareExchange(ref _binCounts, counts, null) ?? counts;
    }

    /// <summary>The bin of <paramref name="value"/> given a feature's edges.</summary>
    public static byte BinOf(double value, double[] edges)
    {
        if (double.IsNaN(value))
        {
            return (byte)(edges.Length + 1);
        }

        // The index of the first edge >= value (values above every edge go to the last bin), by a
        // branch-free binary search: the comparison is added as 0 or 1 (a jump on it was taken at
        // random and mispredicted half the time: 47 ns a value against 27 ns).
        var edgesSpan = edges.AsSpan();
        var position = 0;
        var length = edgesSpan.Length;
        while (length > 1)
        {
            var half = length >> 1;
            position += Below(edgesSpan[position + half - 1], value) * half;
            length -= half;
        }

        if (length == 1)
        {
            position += Below(edgesSpan[position], value);
        }

        return (byte)position;
    }

    // BinOf of four values at once: the searches take the same steps (they depend on the edge count
    // only), so their chains of dependent loads overlap (12-15 ns a value against 27 ns one at a time).
    private static void BinOf4(double v0, double v1, double v2, double v3, double[] edges, Span<byte> target)
    {
        var edgesSpan = edges.AsSpan();
        int p0 = 0, p1 = 0, p2 = 0, p3 = 0;
        var length = edgesSpan.Length;
        while (length > 1)
        {
            var half = length >> 1;
            p0 += Below(edgesSpan[p0 + half - 1], v0) * half;
            p1 += Below(edgesSpan[p1 + half - 1], v1) * half;
            p2 += Below(edgesSpan[p2 + half - 1], v2) * half;
            p3 += Below(edgesSpan[p3 + half - 1], v3) * half;
            length -= half;
        }

        if (length == 1)
        {
            p0 += Below(edgesSpan[p0], v0);
            p1 += Below(edgesSpan[p1], v1);
            p2 += Below(edgesSpan[p2], v2);
            p3 += Below(edgesSpan[p3], v3);
        }

        // NaN compares false everywhere; its bin is the missing one.
        var missing = (byte)(edgesSpan.Length + 1);
        target[0] = double.IsNaN(v0) ? missing : (byte)p0;
        target[1] = double.IsNaN(v1) ? missing : (byte)p1;
        target[2] = double.IsNaN(v2) ? missing : (byte)p2;
        target[3] = double.IsNaN(v3) ? missing : (byte)p3;
    }

    // 1 when edge < value, else 0, without a jump.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Below(double edge, double value) => Unsafe.BitCast<bool, byte>(edge < value);

    // The bin edges of one feature from its (sampled) values; NaN values are left out.
    private static double[] FindThresholds(double[] column, int maxBins)
    {
        var count = 0;
        foreach (var v in column)
        {
            if (!double.IsNaN(v))
            {
                column[count++] = v;
            }
        }

        if (count == 0)
        {
            return [];
        }

        var values = column.AsSpan(0, count);
        RadixSort.Sort(values);
        // The distinct values in order (fresh memory on huge pages: a continuous feature's sample is mostly distinct).
        var distinctValues = HugePages.AllocateUninitialized<double>(values.Length);
        var distinctCount = 0;
        foreach (var v in values)
        {
            if (distinctCount == 0 || distinctValues[distinctCount - 1] != v)
            {
                distinctValues[distinctCount++] = v;
            }
        }

        ReadOnlySpan<double> distinct = distinctValues.AsSpan(0, distinctCount);
        if (distinct.Length <= maxBins)
        {
            var edges = new double[distinct.Length - 1];
            for (var i = 0; i < edges.Length; i++)
            {
                edges[i] = Midpoint(distinct[i], distinct[i + 1]);
            }

            return edges;
        }

        // Quantile edges: the midpoint of the two values around each of the maxBins - 1 inner quantiles.
        var result = new List<double>(maxBins - 1);
        for (var k = 1; k < maxBins; k++)
        {
            var position = (double)k / maxBins * (values.Length - 1);
            var lower = values[(int)Math.Floor(position)];
            var upper = values[(int)Math.Ceiling(position)];
            var edge = lower == upper ? NextEdge(distinct, lower) : Midpoint(lower, upper);
            if (result.Count == 0 || edge > result[^1])
            {
                result.Add(edge);
            }
        }

        if (result.Count > 0 && result[^1] >= distinct[^1])
        {
            result.RemoveAt(result.Count - 1);
        }

        return [.. result];
    }

    // By blocks of rows on the cores: a block's slots (80 KB for 20 features) stay in cache while
    // each feature's bytes are spread into them.
    private static ushort[] RowMajorSlots(byte[] bins, int rows, int[] offsets)
    {
        var p = offsets.Length - 1;
        var slots = HugePages.Allocate<ushort>((long)rows * p);
        ParallelSteps.For((rows + BinningBlock - 1) / BinningBlock, block =>
        {
            var from = block * BinningBlock;
            var to = Math.Min(rows, from + BinningBlock);
            for (var f = 0; f < p; f++)
            {
                var column = bins.AsSpan(f * rows, rows);
                var offset = offsets[f];
                for (var r = from; r < to; r++)
                {
                    slots[((long)r * p) + f] = (ushort)(offset + column[r]);
                }
            }
        });

        return slots;
    }

    // The edge just above a value that repeats across a quantile: between it and the next distinct value.
    private static double NextEdge(ReadOnlySpan<double> distinct, double value)
    {
        var i = distinct.BinarySearch(value);
        return i + 1 < distinct.Length ? Midpoint(distinct[i], distinct[i + 1]) : value;
    }

    private static double Midpoint(double a, double b)
    {
        var mid = a + ((b - a) / 2);

        // Keep a < mid (so a goes left); with adjacent doubles the midpoint rounds to a, which is still correct for <=.
        return mid >= b ? a : mid;
    }

    private static int[] SampleRows(int n, int size, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var rows = new int[n];
        for (var i = 0; i < n; i++)
        {
            rows[i] = i;
        }

        for (var i = 0; i < size; i++)
        {
            var j = i + (int)rng.NextBounded((ulong)(n - i));
            (rows[i], rows[j]) = (rows[j], rows[i]);
        }

        Array.Resize(ref rows, size);
        Array.Sort(rows);
        return rows;
    }
}
