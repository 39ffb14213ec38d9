using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Learning;
using ModelOps.Core.Randomness;

namespace ModelOps.Core.Tests.Learners.Trees;

public sealed class TreeGrowerTests
{
    // Large enough that the first nodes are partitioned and gathered in pieces on several cores, and
    // that the root's row-wise histogram (rows x features >= 2^20 additions) is split over the cores.
    private const int Rows = 300_000;

    // x0..x3: 524 histogram bins, row-wise for every node; "wide" adds x4 (780 bins): row-wise only
    // for nodes holding less than 1/16 of the rows, feature by feature above.
    private static (BinnedFeatures Data, double[] G, double[] H) LargeData(bool? rowMajor = null, bool unitHessian = true, bool wide = false)
    {
        var features = wide ? 5 : 4;
        var rng = new SplitMix64(7);
        var values = new double[Rows * features];
        var g = new double[Rows];
        var h = new double[Rows];
        for (var i = 0; i < Rows; i++)
        {
            var x0 = rng.NextDouble();
            var x1 = i % 7;
            var x2 = i % 10 == 0 ? double.NaN : rng.NextDouble();
            var x3 = i % 3;
            var x4 = rng.NextDouble();
            values[(i * features) + 0] = x0;
            values[(i * features) + 1] = x1;
            values[(i * features) + 2] = x2;
            values[(i * features) + 3] = x3;
            if (wide)
            {
                values[(i * features) + 4] = x4;
            }

            var y = Math.Sin(6 * x0) + (0.3 * x1) + (double.IsNaN(x2) ? 2 : x2) + (0.2 * x3) + (wide ? 0.5 * x4 * x0 : 0) + (0.1 * rng.NextDouble());
            g[i] = -y;
            h[i] = unitHessian ? 1 : 0.5 + rng.NextDouble();
        }

        string[] names = ["x0", "x1", "x2", "x3", "x4"];
        var matrix = new FeatureMatrix(values, Rows, names[..features]);
        return (BinnedFeatures.Create(matrix, 255, 1, rowMajor), g, h);
    }

    private static GrowerSettings Settings(bool parallel, bool unitHessian = true, int features = 4) =>
        new(MaxDepth: null, MaxLeafNodes: 31, MinSamplesLeaf: 20, MinSamplesSplit: 2, MinHessianLeaf: 1e-3, L2: 0, Shrinkage: 0.1, MaxFeatures: features, ParallelHistograms: parallel, UnitHessian: unitHessian);

    private static int[] Identity()
    {
        var rows = new int[Rows];
        for (var i = 0; i < Rows; i++)
        {
            rows[i] = i;
        }

        return rows;
    }

    [Fact]
    public void Create_MakesRowMajorSlotsUnlessTooManyBinsAndGoesRowWiseEverywhereForSmallHistogramsOnly()
    {
        var small = new FeatureMatrix([1, 10, 2, 20, 3, 30], 3, ["a", "b"]);

        var data = BinnedFeatures.Create(small, 255, 1);
        var large = BinnedFeatures.Create(Distinct(300, 3), 255, 1);
        var off = BinnedFeatures.Create(Distinct(300, 3), 255, 1, rowMajor: false);
        var tooMany = BinnedFeatures.Create(Distinct(300, 260), 255, 1, rowMajor: true);

        // a: 3 value bins + missing (slots 0-3); b: 3 value bins + missing (slots 4-7).
        Assert.Equal(8, data.HistogramLength);
        Assert.Equal(new ushort[] { 0, 4, 1, 5, 2, 6 }, data.RowSlots);
        Assert.True(data.RowWiseEverywhere);

        // 3 features of 255 bins + missing: 768 slots, above the row-wise-everywhere limit of 680 (16 KB of bins).
        Assert.Equal(768, large.HistogramLength);
        Assert.Equal(256 + large.Column(1)[7], large.RowSlots![(7 * 3) + 1]);
        Assert.False(large.RowWiseEverywhere);
        Assert.Null(off.RowSlots);

        // 260 x 256 = 66,560 bins: past 16-bit slots.
        Assert.Equal(260 * 256, tooMany.HistogramLength);
        Assert.Null(tooMany.RowSlots);
        Assert.False(tooMany.RowWiseEverywhere);
    }

    // rows x columns distinct values: every column has as many values as rows.
    private static FeatureMatrix Distinct(int rows, int columns)
    {
        var values = new double[rows * columns];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = i;
        }

        return new FeatureMatrix(values, rows, [.. Enumerable.Range(0, columns).Select(c => $"f{c}")]);
    }

    [Theory]
    [InlineData(false, true, true, false)]
    [InlineData(true, false, true, false)]
    [InlineData(true, true, true, false)]
    [InlineData(false, true, false, false)]
    [InlineData(true, false, false, false)]
    [InlineData(true, true, false, false)]
    [InlineData(true, false, true, true)]
    [InlineData(true, true, true, true)]
    [InlineData(true, false, false, true)]
    [InlineData(true, true, false, true)]
    public void Grow_WithEitherBinLayoutOnOneOrSeveralCores_GivesTheTreeAndRowOrderOfTheSerialColumnPass(bool rowMajor, bool parallel, bool unitHessian, bool wide)
    {
        var features = wide ? 5 : 4;
        var (columns, g, h) = LargeData(rowMajor: false, unitHessian, wide);
        var (data, _, _) = LargeData(rowMajor, unitHessian, wide);

        var reference = TreeGrower.Grow(columns, g, h, Identity(), Settings(parallel: false, unitHessian, features), 0);
        var grown = TreeGrower.Grow(data, g, h, Identity(), Settings(parallel, unitHessian, features), 0);

        Assert.Equal(rowMajor, data.RowSlots is not null);
        Assert.Equal(rowMajor && !wide, data.RowWiseEverywhere);
        Assert.Equal(31, reference.Tree.LeafCount);
        Assert.Contains(reference.Leaves, leaf => (leaf.End - leaf.Start) * 16 < Rows);
        Assert.Equal(reference.Tree.Features.ToArray(), grown.Tree.Features.ToArray());
        Assert.Equal(reference.Tree.Thresholds.ToArray(), grown.Tree.Thresholds.ToArray());
        Assert.Equal(reference.Tree.DefaultLeft.ToArray(), grown.Tree.DefaultLeft.ToArray());
        Assert.Equal(reference.Tree.Values.ToArray(), grown.Tree.Values.ToArray());
        Assert.Equal(reference.Tree.Covers.ToArray(), grown.Tree.Covers.ToArray());
        Assert.Equal(reference.Tree.Gains.ToArray(), grown.Tree.Gains.ToArray());
        Assert.Equal(reference.Rows, grown.Rows);
        Assert.Equal(reference.Leaves, grown.Leaves);
    }

    [Fact]
    public void Grow_OnSeveralCores_GroupsEveryRowUnderTheLeafItReachesInAscendingOrder()
    {
        var (data, g, h) = LargeData();
        var matrixRow = new double[4];

        var grown = TreeGrower.Grow(data, g, h, Identity(), Settings(parallel: true), 0);

        var seen = new bool[Rows];
        var covered = 0;
        foreach (var (node, start, end) in grown.Leaves)
        {
            Assert.True(grown.Tree.Features[node] < 0, $"node {node} listed as a leaf has a split");
            for (var i = start; i < end; i++)
            {
                var r = grown.Rows[i];
                Assert.False(seen[r], $"row {r} is in two leaves");
                seen[r] = true;
                Assert.True(i == start || grown.Rows[i - 1] < r, $"leaf {node}: rows out of order at position {i}");
                for (var f = 0; f < 4; f++)
                {
                    matrixRow[f] = BinnedThreshold(data, f, r);
                }

                Assert.Equal(node, grown.Tree.LeafIndex(matrixRow));
            }

            covered += end - start;
        }

        Assert.Equal(Rows, covered);
    }

    // A value inside row r's bin of feature f (the bin's upper edge, or NaN for the missing bin), so
    // the tree's thresholds send it exactly where the binned partition sent the row.
    private static double BinnedThreshold(BinnedFeatures data, int feature, int row)
    {
        var bin = data.Column(feature)[row];
        var edges = data.Thresholds[feature];
        if (bin == data.MissingBinOf(feature))
        {
            return double.NaN;
        }

        return bin < edges.Length ? edges[bin] : double.PositiveInfinity;
    }
}
