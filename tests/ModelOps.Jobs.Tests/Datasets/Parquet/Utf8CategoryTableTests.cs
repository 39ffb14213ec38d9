using System.Text;
using ModelOps.Jobs.Datasets.Parquet;

namespace ModelOps.Jobs.Tests.Datasets.Parquet;

/// <summary>The reader's table of distinct strings, found by their UTF-8 bytes.</summary>
public sealed class Utf8CategoryTableTests
{
    [Fact]
    public void Code_RepeatedValues_GiveOneCodeEachInOrderOfFirstAppearance()
    {
        var table = new Utf8CategoryTable();

        var codes = new[] { "b", "a", "b", "", "ünïcødé 🚲", "a" }.Select(text => table.Code(Encoding.UTF8.GetBytes(text))).ToArray();

        Assert.Equal([0, 1, 0, 2, 3, 1], codes);
        Assert.Equal(["b", "a", "", "ünïcødé 🚲"], table.ToArray());
    }

    [Fact]
    public void Code_ManyDistinctValues_GrowsAndFindsEachAgain()
    {
        var table = new Utf8CategoryTable();
        var texts = Enumerable.Range(0, 100_000).Select(i => $"session-{i * 7919 % 100_003:x}").ToArray();

        var first = texts.Select(text => table.Code(Encoding.UTF8.GetBytes(text))).ToArray();
        var again = texts.Reverse().Select(text => table.Code(Encoding.UTF8.GetBytes(text))).Reverse().ToArray();

        Assert.Equal(Enumerable.Range(0, texts.Length), first);
        Assert.Equal(first, again);
        Assert.Equal(texts, table.ToArray());
    }

    [Fact]
    public void Code_InvalidBytesReadingAsAStringAlreadyHeld_ShareItsCode()
    {
        // 0xFF and 0xFE are not UTF-8: both read as U+FFFD, which valid UTF-8 writes as EF BF BD.
        var table = new Utf8CategoryTable();

        var codes = new[] { [0xEF, 0xBF, 0xBD], [0xFF], (byte[])[0x61], [0xFE], [0x61, 0xFF], [0x61, 0xEF, 0xBF, 0xBD] }.Select(bytes => table.Code(bytes)).ToArray();

        Assert.Equal([0, 0, 1, 0, 2, 2], codes);
        Assert.Equal(["\uFFFD", "a", "a\uFFFD"], table.ToArray());
    }
}
