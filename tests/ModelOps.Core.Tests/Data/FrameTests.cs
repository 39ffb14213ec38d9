using ModelOps.Core.Data;

namespace ModelOps.Core.Tests.Data;

public sealed class FrameTests
{
    private static Frame Sample() => new(
        new Float64Column("temp", [0.2, null, 0.7]),
        new Int64Column("hr", [0L, 1L, 2L]),
        new StringColumn("city", ["a", "b", "a"]),
        new BoolColumn("holiday", [true, false, null]),
        new DateTimeColumn("day", [new DateTime(2011, 1, 1), new DateTime(2011, 1, 2), new DateTime(2011, 1, 3)]));

    [Fact]
    public void Constructor_NullableValues_MarksNullsAndStoresNaN()
    {
        var frame = Sample();
        var temp = frame.Get<Float64Column>("temp");

        Assert.Equal(3, frame.RowCount);
        Assert.Equal(5, frame.ColumnCount);
        Assert.Equal(1, temp.NullCount);
        Assert.True(temp.IsNull(1));
        Assert.True(double.IsNaN(temp[1]));
        Assert.False(temp.IsNull(0));
        Assert.Equal(1, frame["holiday"].NullCount);
    }

    [Fact]
    public void Float64Column_NaNValue_IsNotNull()
    {
        var column = new Float64Column("x", [double.NaN, 1.0]);

        Assert.Equal(0, column.NullCount);
        Assert.Equal("NaN", column.Format(0));
    }

    [Fact]
    public void Constructor_UnequalLengths_NamesBothColumns()
    {
        var error = Assert.Throws<ArgumentException>(() => new Frame(
            new Int64Column("a", [1L, 2L]),
            new Int64Column("b", [1L])));

        Assert.StartsWith("Column 'b' has 1 rows but column 'a' has 2.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DuplicateName_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new Frame(
            new Int64Column("a", [1L]),
            new Int64Column("a", [2L])));

        Assert.StartsWith("Column 'a' appears more than once.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Indexer_UnknownColumn_ListsColumns()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => Sample()["tmp"]);

        Assert.Equal("Column 'tmp' not found; the frame has: temp, hr, city, holiday, day.", error.Message);
    }

    [Fact]
    public void Get_WrongType_NamesActualType()
    {
        var error = Assert.Throws<InvalidCastException>(() => Sample().Get<Int64Column>("temp"));

        Assert.Equal("Column 'temp' is float64, not Int64Column.", error.Message);
    }

    [Fact]
    public void Select_Names_KeepsGivenOrder()
    {
        var selected = Sample().Select("hr", "temp");

        Assert.Equal(["hr", "temp"], selected.ColumnNames);
    }

    [Fact]
    public void Drop_Names_RemovesThem()
    {
        Assert.Equal(["temp", "holiday", "day"], Sample().Drop("hr", "city", "absent").ColumnNames);
    }

    [Fact]
    public void Take_RepeatedAndReorderedRows_CarriesValuesAndNulls()
    {
        var taken = Sample().Take([2, 1, 1]);

        Assert.Equal(3, taken.RowCount);
        Assert.Equal([2L, 1L, 1L], taken.Get<Int64Column>("hr").Values.ToArray());
        Assert.Equal(new string?[] { "a", "b", "b" }, Enumerable.Range(0, 3).Select(i => taken.Get<StringColumn>("city")[i]));
        Assert.False(taken["temp"].IsNull(0));
        Assert.True(taken["temp"].IsNull(1));
        Assert.True(taken["temp"].IsNull(2));
        Assert.True(taken["holiday"].IsNull(0));
    }

    [Fact]
    public void Take_OutOfRange_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Sample().Take([0, 3]));

        Assert.StartsWith("Row index 3 is outside 0..2.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Concat_StringColumns_MergesDictionaries()
    {
        var first = new Frame(new StringColumn("c", ["x", "y", null]));
        var second = new Frame(new StringColumn("c", ["z", "x"]));

        var both = Frame.Concat(first, second).Get<StringColumn>("c");

        Assert.Equal(5, both.Length);
        Assert.Equal(new string?[] { "x", "y", null, "z", "x" }, Enumerable.Range(0, 5).Select(i => both[i]));
        Assert.Equal(["x", "y", "z"], both.Categories);
        Assert.True(both.IsNull(2));
    }

    [Fact]
    public void Concat_ValueColumnsWithNulls_KeepsNullPositions()
    {
        var first = new Frame(new Float64Column("v", [1.0, null]));
        var second = new Frame(new Float64Column("v", [null, 4.0]));

        var both = Frame.Concat(first, second)["v"];

        Assert.Equal([false, true, true, false], [.. Enumerable.Range(0, 4).Select(both.IsNull)]);
    }

    [Fact]
    public void Concat_TypeMismatch_NamesColumnAndTypes()
    {
        var error = Assert.Throws<ArgumentException>(() => Frame.Concat(
            new Frame(new Int64Column("v", [1L])),
            new Frame(new Float64Column("v", [1.0]))));

        Assert.StartsWith("Frame 1 column 0 is 'v' (float64) but frame 0 has 'v' (int64).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithColumn_ExistingName_ReplacesInPlace()
    {
        var frame = Sample().WithColumn(new Int64Column("hr", [5L, 6L, 7L]));

        Assert.Equal(["temp", "hr", "city", "holiday", "day"], frame.ColumnNames);
        Assert.Equal(5L, frame.Get<Int64Column>("hr")[0]);
    }

    [Fact]
    public void Format_Values_AreInvariantText()
    {
        var frame = Sample();

        Assert.Equal("0.2", frame["temp"].Format(0));
        Assert.Null(frame["temp"].Format(1));
        Assert.Equal("true", frame["holiday"].Format(0));
        Assert.Equal("2011-01-02", frame["day"].Format(1));
        Assert.Equal("2011-01-02T03:04:05.5Z", ValueFormat.Format(new DateTime(2011, 1, 2, 3, 4, 5, 500, DateTimeKind.Utc)));
    }

    [Fact]
    public void StringColumnBuilder_RepeatedSpans_StoresOneCategory()
    {
        var builder = new StringColumnBuilder();
        builder.Append("red".AsSpan());
        builder.Append("blue".AsSpan());
        builder.AppendNull();
        builder.Append("red".AsSpan());

        var column = (StringColumn)builder.Build("colour");

        Assert.Equal(["red", "blue"], column.Categories);
        Assert.Equal([0, 1, -1, 0], column.Codes.ToArray());
        Assert.Equal(1, column.NullCount);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(200_000)]
    public void StringColumnBuilder_ManyRowsFromAnyCapacity_KeepsEveryCodeInOrder(int capacity)
    {
        // 150,000 rows: from a small capacity the codes array doubles past the size whose memory is prepared in one
        // call (64 KB); from a larger one the built column gets an exact copy.
        var builder = new StringColumnBuilder(capacity);
        for (var i = 0; i < 150_000; i++)
        {
            if (i % 7 == 3)
            {
                builder.AppendNull();
            }
            else
            {
                builder.Append($"v{i % 1_000}".AsSpan());
            }
        }

        var column = (StringColumn)builder.Build("c");

        Assert.Equal(150_000, column.Length);
        Assert.Equal(1_000, column.Categories.Count);
        Assert.Equal(150_000 / 7 + (150_000 % 7 > 3 ? 1 : 0), column.NullCount);
        for (var i = 0; i < 150_000; i++)
        {
            Assert.Equal(i % 7 == 3 ? null : $"v{i % 1_000}", column[i]);
        }
    }

    [Fact]
    public void StringColumn_BadCode_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new StringColumn("c", [0, 2], ["a", "b"]));

        Assert.StartsWith("Code 2 at row 1 is outside -1..1.", error.Message, StringComparison.Ordinal);
    }
}
