using ModelOps.Core.Randomness;

namespace ModelOps.Core.Tests.Randomness;

public sealed class StrictMathTests
{
    [Fact]
    public void Log_ManyValues_WithinOneUlpOfMathLog()
    {
        var random = new SplitMix64(1);
        for (var i = 0; i < 100_000; i++)
        {
            // Values spread over the whole exponent range, subnormals included.
            var x = BitConverter.UInt64BitsToDouble(random.Next() & 0x7FEF_FFFF_FFFF_FFFFUL);
            AssertWithinOneUlp(Math.Log(x), StrictMath.Log(x), x);
        }
    }

    [Fact]
    public void Exp_ManyValues_WithinOneUlpOfMathExp()
    {
        var random = new SplitMix64(2);
        for (var i = 0; i < 100_000; i++)
        {
            var x = (random.NextDouble() * 1400) - 700;
            AssertWithinOneUlp(Math.Exp(x), StrictMath.Exp(x), x);
            var small = (random.NextDouble() * 2) - 1;
            AssertWithinOneUlp(Math.Exp(small), StrictMath.Exp(small), small);
        }
    }

    [Fact]
    public void Log_SpecialValues_AsIeee()
    {
        Assert.Equal(0.0, StrictMath.Log(1.0));
        Assert.Equal(double.NegativeInfinity, StrictMath.Log(0.0));
        Assert.Equal(double.PositiveInfinity, StrictMath.Log(double.PositiveInfinity));
        Assert.True(double.IsNaN(StrictMath.Log(-1.0)));
        Assert.True(double.IsNaN(StrictMath.Log(double.NaN)));
        Assert.Equal(Math.Log(double.Epsilon), StrictMath.Log(double.Epsilon));
    }

    [Fact]
    public void Exp_SpecialValues_AsIeee()
    {
        Assert.Equal(1.0, StrictMath.Exp(0.0));
        Assert.Equal(double.PositiveInfinity, StrictMath.Exp(710));
        Assert.Equal(0.0, StrictMath.Exp(-746));
        Assert.Equal(0.0, StrictMath.Exp(double.NegativeInfinity));
        Assert.Equal(double.PositiveInfinity, StrictMath.Exp(double.PositiveInfinity));
        Assert.True(double.IsNaN(StrictMath.Exp(double.NaN)));
    }

    // fdlibm rounds exp(1) one ulp above e, as Java's StrictMath.exp(1.0) does: pinned, since the
    // point of this class is the same bits everywhere, not the nearest double.
    [Fact]
    public void Exp_One_SameBitsAsFdlibm()
    {
        Assert.Equal(2.7182818284590455, StrictMath.Exp(1.0));
        Assert.Equal(BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(Math.E) + 1), StrictMath.Exp(1.0));
        Assert.Equal(2.302585092994046, StrictMath.Log(10.0));
    }

    private static void AssertWithinOneUlp(double expected, double actual, double x)
    {
        if (expected == actual)
        {
            return;
        }

        var distance = Math.Abs(BitConverter.DoubleToInt64Bits(expected) - BitConverter.DoubleToInt64Bits(actual));
        Assert.True(distance <= 1, $"x = {x:R}: expected {expected:R}, got {actual:R} ({distance} ulps apart)");
    }
}
