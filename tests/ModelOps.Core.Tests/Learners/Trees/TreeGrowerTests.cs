using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Learning;
using ModelOps.Core.Randomness;

namespace ModelOps.Core.Tests.Learners.Trees;

public sealed class TreeGrowerTests
{
    // Large enough that the first nodes are partitioned and gathered in pieces on several cores, and
    // that the root's row-wise histogram (rows x features >= 2^20 additions) is split over the cores.
    private const int Rows = 300_000;
    private const int Features = 4;

    private static (BinnedFeatures Data, double[] G, double[] H) LargeData(bool? rowMajor = null, bool unitHessian = true)
    {
        var rng = new SplitMix64(7);
        var values = new double[Rows * Features];
        var g = new double[Rows];
        var h = new double[Rows];
        for (var i = 0; i < Rows; i++)
        {
            var x0 = rng.NextDouble();
            var x1 = i % 7;
            var x2 = i % 10 == 0 ? double.NaN : rng.NextDouble();
            var x3 = i % 3;
            values[(i * Features) + 0] = x0;
            values[(i * Features) + 1] = x1;
            values[(i * Features) + 2] = x2;
            values[(i * Features) + 3] = x3;
            var y = Math.Sin(6 * x0) + (0.3 * x1) + (double.IsNaN(x2) ? 2 : x2) + (0.2 * x3) + (0.1 * rng.NextDouble());
            g[i] = -y;
            h[i] = unitHessian ? 1 : 0.5 + rng.NextDouble();
        }

        var matrix = new FeatureMatrix(values, Rows, ["x0", "x1", "x2", "x3"]);
        return (BinnedFeatures.Create(matrix, 255, 1, rowMajor), g, h);
    }

    private static GrowerSettings Settings(bool parallel, bool unitHessian = true) =>
        new(MaxDepth: null, MaxLeafNodes: 31, MinSamplesLeaf: 20, MinSamplesSplit: 2, MinHessianLeaf: 1e-3, L2: 0, Shrinkage: 0.1, MaxFeatures: Features, ParallelHistograms: parallel, UnitHessian: unitHessian);

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
    public void Create_MakesRowMajorSlotsForSmallHistogramsOnly()
    {
        var small = new FeatureMatrix([1, 10, 2, 20, 3, 30], 3, ["a", "b"]);
        var wideValues = new double[300 * 3];
        for (var i = 0; i < wideValues.Length; i++)
        {
            wideValues[i] = i;
        }

        var wide = new FeatureMatrix(wideValues, 300, ["a", "b", "c"]);

        var data = BinnedFeatures.Create(small, 255, 1);
        var large = BinnedFeatures.Create(wide, 255, 1);
        var forced = BinnedFeatures.Create(wide, 255, 1, rowMajor: true);

        // a: 3 value bins + missing (slots 0-3); b: 3 value bins + missing (slots 4-7).
        Assert.Equal(8, data.HistogramLength);
        Assert.Equal(new ushort[] { 0, 4, 1, 5, 2, 6 }, data.RowSlots);

        // 3 features of 255 bins + missing: 768 slots, above the row-major limit of 680 (16 KB of bins).
        Assert.Equal(768, large.HistogramLength);
        Assert.Null(large.RowSlots);
        Assert.NotNull(forced.RowSlots);
        Assert.Equal(256 + large.Column(1)[0], forced.RowSlots![1]);
    }

    [Theory]
    [InlineData(false, true, true)]
    [InlineData(true, false, true)]
    [InlineData(true, true, true)]
    [InlineData(false, true, false)]
    [InlineData(true, false, false)]
    [InlineData(true, true, false)]
    public void Grow_WithEitherBinLayoutOnOneOrSeveralCores_GivesTheTreeAndRowOrderOfTheSerialColumnPass(bool rowMajor, bool parallel, bool unitHessian)
    {
        var (columns, g, h) = LargeData(rowMajor: false, unitHessian);
        var (data, _, _) = LargeData(rowMajor, unitHessian);

        var reference = TreeGrower.Grow(columns, g, h, Identity(), Settings(parallel: false, unitHessian), 0);
        var grown = TreeGrower.Grow(data, g, h, Identity(), Settings(parallel, unitHessian), 0);

        Assert.Equal(rowMajor, data.RowSlots is not null);
        Assert.Equal(31, reference.Tree.LeafCount);
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
        var matrixRow = new double[Features];

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
                for (var f = 0; f < Features; f++)
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
