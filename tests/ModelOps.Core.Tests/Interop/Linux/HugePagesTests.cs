using ModelOps.Core.Interop.Linux;

namespace ModelOps.Core.Tests.Interop.Linux;

/// <summary>Large arrays advised for transparent huge pages and populated: ordinary arrays whatever the kernel does with the advice.</summary>
public sealed class HugePagesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1_000)]
    [InlineData(3_000_000)]
    public void AllocateUninitialized_AnyLength_KeepsEveryValueWritten(int length)
    {
        var array = HugePages.AllocateUninitialized<long>(length);
        for (var i = 0; i < array.Length; i++)
        {
            array[i] = i * 3L;
        }

        Assert.Equal(length, array.Length);
        Assert.True(array.Select((value, i) => value == i * 3L).All(equal => equal));
    }

    [Fact]
    public void Prepare_AnArrayAlreadyWritten_KeepsItsValues()
    {
        // An array reused from a pool has its pages already: making them ready again must not touch what they hold.
        var array = new long[3_000_000];
        for (var i = 0; i < array.Length; i++)
        {
            array[i] = (i * 7L) - 5;
        }

        HugePages.Prepare(array);

        Assert.True(array.Select((value, i) => value == (i * 7L) - 5).All(equal => equal));
    }
}
