using ModelOps.Core.Data;

namespace ModelOps.Core.Tests.Data;

/// <summary>A string column whose categories stay the UTF-8 bytes a file held, decoded when asked for.</summary>
public sealed class Utf8CategoriesTests
{
    private static StringColumn Column()
    {
        // "b", "ä", "" and "🚲" back to back, as a reader keeps them.
        byte[] bytes = [.. "b"u8, .. "ä"u8, .. "🚲"u8, 0, 0, 0];
        var categories = new Utf8Categories(bytes, [0, 1, 3, 3, 7, 0, 0], 4);
        var nulls = NullMask.Create(6);
        NullMask.Set(nulls, 1);
        return new StringColumn("c", [1, -1, 0, 2, 3, 1], categories, nulls);
    }

    [Fact]
    public void Column_ReadsLikeOneOfStrings()
    {
        var column = Column();

        Assert.Equal(["b", "ä", "", "🚲"], column.Categories);
        Assert.Equal(["ä", null, "b", "", "🚲", "ä"], Enumerable.Range(0, column.Length).Select(row => column[row]));
        Assert.Equal("🚲", column.Format(4));
        Assert.Equal(1, column.NullCount);
        Assert.Equal("ä"u8.ToArray(), column.Utf8!.Bytes(1).ToArray());
    }

    [Fact]
    public void TakeRenameAppend_KeepTheValues()
    {
        var column = Column();

        var taken = (StringColumn)column.Take([4, 1, 0]);
        var renamed = (StringColumn)column.Rename("d");
        var appended = (StringColumn)new StringColumn("c", ["🚲", "z"]).Append(column);

        Assert.Equal(["🚲", null, "ä"], Enumerable.Range(0, 3).Select(row => taken[row]));
        Assert.Same(column.Utf8, taken.Utf8);
        Assert.Equal("d", renamed.Name);
        Assert.Equal("ä", renamed[5]);
        Assert.Equal(["🚲", "z", "ä", null, "b", "", "🚲", "ä"], Enumerable.Range(0, appended.Length).Select(row => appended[row]));
        Assert.Equal(["🚲", "z", "b", "ä", ""], appended.Categories); // the appended column's categories in its order
    }

    [Fact]
    public void Summarize_CountsTheDecodedValues()
    {
        var summary = ColumnSummary.Summarize(Column());

        Assert.Equal(4, summary.Distinct);
        Assert.Equal([("ä", 2), ("b", 1), ("", 1)], summary.Top.Take(3));
    }

    [Fact]
    public void Indexer_OutsideTheValues_Throws()
    {
        var categories = new Utf8Categories("ab"u8.ToArray(), [0, 1, 2], 2);

        Assert.Equal("b", categories[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => categories[2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Utf8Categories([], [0], 1));
    }
}
