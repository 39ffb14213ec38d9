using ModelOps.Core.Interop.Linux;

namespace ModelOps.Core.Tests.Interop.Linux;

/// <summary>Large arrays advised for transparent huge pages: ordinary arrays whatever the kernel does with the advice.</summary>
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
}
