using ModelOps.Core.Learning;

namespace ModelOps.Core.Tests.Learners.Trees;

public sealed class RadixSortTests
{
    public static TheoryData<string> Cases => ["uniform", "signed", "extremes", "repeated", "one digit"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sort_AnyDoubles_SameOrderAsArraySort(string name)
    {
        var random = new Random(name.Length);
        var values = name switch
        {
            "uniform" => Enumerable.Range(0, 5000).Select(_ => random.NextDouble()).ToArray(),
            "signed" => Enumerable.Range(0, 5000).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-300, 300))).ToArray(),
            "extremes" => [double.PositiveInfinity, double.MaxValue, double.Epsilon, -double.Epsilon, 0.0, -1.0, double.MinValue, double.NegativeInfinity, 1.0, 3.0, -3.0],
            "repeated" => Enumerable.Range(0, 3000).Select(_ => (double)random.Next(-4, 5)).ToArray(),

            // Keys that differ in one byte only: every other digit is skipped.
            _ => Enumerable.Range(0, 300).Select(i => BitConverter.UInt64BitsToDouble(0x3FF0_0000_0000_0000UL | ((ulong)(i % 256) << 8))).ToArray(),
        };
        var expected = values.Order().ToArray();

        RadixSort.Sort(values);

        Assert.Equal(expected, values);
    }

    [Fact]
    public void Sort_SignedZeros_NegativeZeroFirst()
    {
        double[] values = [0.0, 1.0, -0.0, -1.0, 0.0];

        RadixSort.Sort(values);

        Assert.Equal([-1.0, -0.0, 0.0, 0.0, 1.0], values);
        Assert.True(double.IsNegative(values[1]));
        Assert.False(double.IsNegative(values[2]));
    }

    [Fact]
    public void Sort_NoneOrOne_Unchanged()
    {
        double[] one = [7.5];

        RadixSort.Sort([]);
        RadixSort.Sort(one);

        Assert.Equal([7.5], one);
    }
}
