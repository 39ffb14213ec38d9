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
        var column = table.Column("c", codes, null);
        Assert.Equal(["b", "a", "", "ünïcødé 🚲"], column.Categories);
        Assert.NotNull(column.Utf8); // kept as the bytes read
        Assert.Equal("ünïcødé 🚲"u8.ToArray(), column.Utf8.Bytes(3).ToArray());
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
        Assert.Equal(texts, table.Column("c", first, null).Categories);
    }

    [Fact]
    public void Code_ValuesOfEveryLengthDifferingInOneByte_AreEachTheirOwnCategory()
    {
        // Lengths 0 to 40 cover each branch of the hash (under 4 bytes, 4 to 7, whole words and a last overlapping word),
        // and values of one length differ in a single byte at each position.
        var table = new Utf8CategoryTable();
        var texts = Enumerable.Range(0, 41)
            .SelectMany(length => Enumerable.Range(0, Math.Max(1, length)).Select(at => string.Create(length, at, (chars, place) =>
            {
                chars.Fill('x');
                if (chars.Length > 0)
                {
                    chars[place] = 'y';
                }
            })))
            .Prepend("x")
            .Distinct()
            .ToArray();

        var codes = texts.Select(text => table.Code(Encoding.UTF8.GetBytes(text))).ToArray();
        var again = texts.Select(text => table.Code(Encoding.UTF8.GetBytes(text))).ToArray();

        Assert.Equal(Enumerable.Range(0, texts.Length), codes);
        Assert.Equal(codes, again);
        Assert.Equal(texts, table.Column("c", codes, null).Categories);
    }

    [Fact]
    public void Hash_SimilarValues_SpreadOverTheSlotsAsRandomNumbersWould()
    {
        // 100,000 e-mail-like values differing in a few digits, and as many 8-byte ids, into 262,144 slots (the table's
        // size for them): random numbers fill 1 - e^(-100000/262144) = 31.7 % of the slots; a hash that let similar
        // values share low bits would fill far fewer, and each lookup would probe a long run.
        const int Slots = 1 << 18;
        string[][] sets =
        [
            [.. Enumerable.Range(0, 100_000).Select(i => $"user{i:D6}@example.org")],
            [.. Enumerable.Range(0, 100_000).Select(i => $"{i:x8}")],
        ];

        foreach (var set in sets)
        {
            var filled = set.Select(text => Utf8CategoryTable.Hash(Encoding.UTF8.GetBytes(text)) & (Slots - 1)).Distinct().Count();
            Assert.InRange(filled / (double)Slots, 0.31, 0.33);
        }
    }

    [Fact]
    public void Reserve_AfterSomeValues_KeepsTheirCodesAndBytes()
    {
        var table = new Utf8CategoryTable();
        var texts = Enumerable.Range(0, 50_000).Select(i => $"id-{i:x8}").ToArray();
        var before = texts[..100].Select(text => table.Code(Encoding.UTF8.GetBytes(text))).ToArray();

        table.Reserve(60_000, 60_000 * 11L);
        var all = texts.Select(text => table.Code(Encoding.UTF8.GetBytes(text))).ToArray();

        Assert.Equal(Enumerable.Range(0, 100), before);
        Assert.Equal(Enumerable.Range(0, texts.Length), all);
        Assert.Equal(texts, table.Column("c", all, null).Categories);
    }

    [Fact]
    public void Code_InvalidBytesReadingAsAStringAlreadyHeld_ShareItsCode()
    {
        // 0xFF and 0xFE are not UTF-8: both read as U+FFFD, which valid UTF-8 writes as EF BF BD.
        var table = new Utf8CategoryTable();

        var codes = new[] { [0xEF, 0xBF, 0xBD], [0xFF], (byte[])[0x61], [0xFE], [0x61, 0xFF], [0x61, 0xEF, 0xBF, 0xBD] }.Select(bytes => table.Code(bytes)).ToArray();

        Assert.Equal([0, 0, 1, 0, 2, 2], codes);
        var column = table.Column("c", codes, null);
        Assert.Equal(["\uFFFD", "a", "a\uFFFD"], column.Categories);
        Assert.Null(column.Utf8); // strings from the first invalid value on
    }

    [Fact]
    public void Column_InvalidBytesAfterValidOnes_DecodesTheEarlierValuesToo()
    {
        var table = new Utf8CategoryTable();

        var codes = new[] { "x"u8.ToArray(), "é"u8.ToArray(), [0x78, 0xC3], "x"u8.ToArray(), "x\uFFFD"u8.ToArray() }.Select(bytes => table.Code(bytes)).ToArray();

        Assert.Equal([0, 1, 2, 0, 2], codes);
        Assert.Equal(["x", "é", "x\uFFFD"], table.Column("c", codes, null).Categories);
    }

    [Fact]
    public void Codes_ABatchWithRepeatsAndInvalidBytes_GivesTheCodesOfOneValueAtATime()
    {
        // 5,000 strings (1,000 distinct, one of them invalid UTF-8, one empty) in one Arrow-style buffer, looked up in a
        // scattered order: more values than the pipeline's distance, repeats inside it, and a growing table.
        var values = Enumerable.Range(0, 5_000).Select(i => (i % 1_000) switch
        {
            7 => (byte[])[0x78, 0xFF],
            8 => [],
            var k => Encoding.UTF8.GetBytes($"v{k * 7919 % 1_000:d4}"),
        }).ToArray();
        var offsets = new int[values.Length + 1];
        for (var i = 0; i < values.Length; i++)
        {
            offsets[i + 1] = offsets[i] + values[i].Length;
        }

        var data = values.SelectMany(v => v).ToArray();
        var entries = Enumerable.Range(0, values.Length).Select(i => i * 3_001 % values.Length).ToArray();
        var one = new Utf8CategoryTable();
        var expected = new int[values.Length];
        foreach (var e in entries)
        {
            expected[e] = one.Code(values[e]);
        }

        var batch = new Utf8CategoryTable();
        var codes = Enumerable.Repeat(-9, values.Length).ToArray();
        batch.Codes(data, offsets, entries, codes);

        Assert.Equal(expected, codes);
        Assert.Equal(1_000, batch.Count);
        Assert.Equal(one.Column("c", expected, null).Categories, batch.Column("c", codes, null).Categories);
    }

    [Fact]
    public void Codes_SomeEntries_WritesOnlyTheirPlaces()
    {
        var table = new Utf8CategoryTable();
        var data = "abcab"u8.ToArray();
        int[] offsets = [0, 1, 2, 3, 4, 5];
        var codes = new[] { -9, -9, -9, -9, -9 };

        table.Codes(data, offsets, [4, 1, 3], codes);

        Assert.Equal([-9, 0, -9, 1, 0], codes); // "b" first, then "a"; entries 0 and 2 untouched
        Assert.Equal(["b", "a"], table.Column("c", [0, 1], null).Categories);
    }
}
