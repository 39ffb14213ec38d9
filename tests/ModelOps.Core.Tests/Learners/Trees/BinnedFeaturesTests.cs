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
}
