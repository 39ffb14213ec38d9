using ModelOps.Core.Learners.Trees;

namespace ModelOps.Core.Tests.Learners.Trees;

public sealed class BinnedFeaturesTests
{
    [Fact]
    public void BinOf_AnyEdges_IsFirstEdgeAtOrAboveValue()
    {
        var random = new Random(5);
        for (var count = 0; count <= 40; count++)
        {
            var edges = Enumerable.Range(0, count).Select(_ => Math.Round(random.NextDouble() * 20) / 2).Distinct().Order().ToArray();
            for (var v = -1.0; v <= 11; v += 0.25)
            {
                var expected = Array.FindIndex(edges, e => e >= v);
                Assert.Equal(expected < 0 ? edges.Length : expected, BinnedFeatures.BinOf(v, edges));
            }

            Assert.Equal(edges.Length + 1, BinnedFeatures.BinOf(double.NaN, edges));
        }
    }

    [Fact]
    public void Create_BinsFourRowsAtATime_EveryRowInTheBinOfItsValue()
    {
        // Columns with 1, 2, 3, 7 and 300 distinct values (no edge up to quantile edges), NaNs
        // anywhere, and a row count that leaves a remainder after the four-row steps.
        const int rows = 1003;
        var random = new Random(11);
        var values = new double[rows * 5];
        for (var r = 0; r < rows; r++)
        {
            values[(r * 5) + 0] = 4;
            values[(r * 5) + 1] = r % 2;
            values[(r * 5) + 2] = r % 9 == 0 ? double.NaN : r % 3;
            values[(r * 5) + 3] = r % 7;
            values[(r * 5) + 4] = r % 13 == 0 ? double.NaN : Math.Floor(random.NextDouble() * 300);
        }

        var matrix = new Learning.FeatureMatrix(values, rows, ["one", "two", "three", "seven", "many"]);
        var data = BinnedFeatures.Create(matrix, 255, 1);

        for (var f = 0; f < 5; f++)
        {
            Assert.Equal(f == 2 || f == 4, data.HasMissing[f]);
            for (var r = 0; r < rows; r++)
            {
                Assert.Equal(BinnedFeatures.BinOf(values[(r * 5) + f], data.Thresholds[f]), data.Column(f)[r]);
            }
        }

        Assert.Empty(data.Thresholds[0]);
        Assert.InRange(data.Thresholds[4].Length, 200, 254);
    }
}
