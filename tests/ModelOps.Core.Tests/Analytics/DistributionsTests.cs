using ModelOps.Core.Analytics;

namespace ModelOps.Core.Tests.Analytics;

/// <summary>
/// The normal quantile equals scipy.stats.norm.ppf; the t quantile equals the 30-digit mpmath root of the t CDF (and
/// scipy.stats.t.ppf to the 1e-8 that scipy 1.10's cephes stdtrit achieves). Values from the fixture.
/// </summary>
public sealed class DistributionsTests
{
    [Fact]
    public void NormalQuantile_ScipyTable_EqualsToTwelveDigits()
    {
        var count = 0;
        foreach (var item in AnalyticsFixture.Document.GetProperty("quantiles").GetProperty("normal").EnumerateArray())
        {
            var p = item.GetProperty("p").GetDouble();
            var expected = item.GetProperty("value").GetDouble();
            var actual = Distributions.NormalQuantile(p);
            Assert.True(Math.Abs(actual - expected) <= 1e-12 * Math.Abs(expected), $"norm.ppf({p}): expected {expected:R}, got {actual:R}");
            count++;
        }

        Assert.Equal(7, count);
    }

    [Fact]
    public void StudentTQuantile_ExactTable_EqualsToTwelveDigits()
    {
        var count = 0;
        foreach (var item in AnalyticsFixture.Document.GetProperty("quantiles").GetProperty("t").EnumerateArray())
        {
            var p = item.GetProperty("p").GetDouble();
            var df = item.GetProperty("df").GetDouble();
            var expected = item.GetProperty("value").GetDouble();
            var scipy = item.GetProperty("scipy").GetDouble();
            var actual = Distributions.StudentTQuantile(p, df);
            Assert.True(Math.Abs(actual - expected) <= 1e-12 * Math.Abs(expected), $"t quantile ({p}, {df}): expected {expected:R}, got {actual:R}");
            Assert.True(Math.Abs(actual - scipy) <= 1e-8 * Math.Abs(scipy), $"t.ppf({p}, {df}): scipy {scipy:R}, got {actual:R}");
            count++;
        }

        Assert.Equal(27, count);
    }

    [Theory]
    [InlineData(-1.5)]
    [InlineData(0.3)]
    [InlineData(2.8)]
    public void StudentTCdf_ManyDegreesOfFreedom_ApproachesNormal(double x)
    {
        Assert.Equal(Distributions.NormalCdf(x), Distributions.StudentTCdf(x, 1e7), 6);
    }
}
