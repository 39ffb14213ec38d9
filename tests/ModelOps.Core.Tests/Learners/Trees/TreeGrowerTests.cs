using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Learning;
using ModelOps.Core.Randomness;

namespace ModelOps.Core.Tests.Learners.Trees;

public sealed class TreeGrowerTests
{
    // Large enough that the first nodes are partitioned and gathered in pieces on several cores.
    private const int Rows = 300_000;

    private static (BinnedFeatures Data, double[] G, double[] H) LargeData()
    {
        var rng = new SplitMix64(7);
        var values = new double[Rows * 3];
        var g = new double[Rows];
        var h = new double[Rows];
        for (var i = 0; i < Rows; i++)
        {
            var x0 = rng.NextDouble();
            var x1 = i % 7;
            var x2 = i % 10 == 0 ? double.NaN : rng.NextDouble();
            values[(i * 3) + 0] = x0;
            values[(i * 3) + 1] = x1;
            values[(i * 3) + 2] = x2;
            var y = Math.Sin(6 * x0) + (0.3 * x1) + (double.IsNaN(x2) ? 2 : x2) + (0.1 * rng.NextDouble());
            g[i] = -y;
            h[i] = 1;
        }

        var matrix = new FeatureMatrix(values, Rows, ["x0", "x1", "x2"]);
        return (BinnedFeatures.Create(matrix, 255, 1), g, h);
    }

    private static GrowerSettings Settings(bool parallel) =>
        new(MaxDepth: null, MaxLeafNodes: 31, MinSamplesLeaf: 20, MinSamplesSplit: 2, MinHessianLeaf: 1e-3, L2: 0, Shrinkage: 0.1, MaxFeatures: 3, ParallelHistograms: parallel, UnitHessian: true);

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
    public void Grow_OnSeveralCores_GivesTheSameTreeAndRowOrderAsOnOne()
    {
        var (data, g, h) = LargeData();

        var serial = TreeGrower.Grow(data, g, h, Identity(), Settings(parallel: false), 0);
        var parallel = TreeGrower.Grow(data, g, h, Identity(), Settings(parallel: true), 0);

        Assert.Equal(31, serial.Tree.LeafCount);
        Assert.Equal(serial.Tree.Features.ToArray(), parallel.Tree.Features.ToArray());
        Assert.Equal(serial.Tree.Thresholds.ToArray(), parallel.Tree.Thresholds.ToArray());
        Assert.Equal(serial.Tree.DefaultLeft.ToArray(), parallel.Tree.DefaultLeft.ToArray());
        Assert.Equal(serial.Tree.Values.ToArray(), parallel.Tree.Values.ToArray());
        Assert.Equal(serial.Tree.Gains.ToArray(), parallel.Tree.Gains.ToArray());
        Assert.Equal(serial.Rows, parallel.Rows);
        Assert.Equal(serial.Leaves, parallel.Leaves);
    }

    [Fact]
    public void Grow_OnSeveralCores_GroupsEveryRowUnderTheLeafItReachesInAscendingOrder()
    {
        var (data, g, h) = LargeData();
        var matrixRow = new double[3];

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
                for (var f = 0; f < 3; f++)
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
