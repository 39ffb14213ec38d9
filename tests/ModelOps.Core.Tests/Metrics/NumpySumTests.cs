using ModelOps.Core.Metrics;

namespace ModelOps.Core.Tests.Metrics;

public sealed class NumpySumTests
{
    [Fact]
    public void Sum_RepeatedTenth_RoundsLikeNumpy()
    {
        // np.sum([0.1] * 3) == 0.30000000000000004 and np.mean(...) == 0.10000000000000002.
        Assert.Equal(0.30000000000000004, NumpySum.Sum([0.1, 0.1, 0.1]));
        Assert.Equal(0.10000000000000002, NumpySum.Average(new[] { 0.1, 0.1, 0.1 }, []));
    }

    [Fact]
    public void Sum_ThousandTenths_MatchesNumpyPairwiseResult()
    {
        var values = new double[1000];
        Array.Fill(values, 0.1);

        // np.sum(np.full(1000, 0.1)) == 100.00000000000001; a plain loop gives 99.9999999999986.
        Assert.Equal(100.00000000000001, NumpySum.Sum(values));
    }

    [Fact]
    public void Average_Weights_DividesWeightedSumByWeightSum()
    {
        Assert.Equal(2.5, NumpySum.Average(new[] { 1.0, 3.0 }, [1.0, 3.0]));
    }
}
