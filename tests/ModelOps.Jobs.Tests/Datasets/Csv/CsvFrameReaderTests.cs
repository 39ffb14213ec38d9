using System.Text;
using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Datasets.Csv;
using static ModelOps.Jobs.Tests.Datasets.DatasetTestKit;

namespace ModelOps.Jobs.Tests.Datasets.Csv;

public sealed class CsvFrameReaderTests
{
    [Fact]
    public void ReadCsv_MixedColumns_InfersEachType()
    {
        var frame = ReadCsvText("i,f,b,d,s\n1,0.5,true,2011-01-01,x\n-2,3,FALSE,2011-01-02T10:20:30.5Z,y\n");

        Assert.Equal(["i", "f", "b", "d", "s"], frame.ColumnNames);
        Assert.Equal([ColumnType.Int64, ColumnType.Float64, ColumnType.Bool, ColumnType.DateTime, ColumnType.String], frame.Columns.Select(c => c.Type));
        Assert.Equal([1L, -2L], frame.Get<Int64Column>("i").Values.ToArray());
        Assert.Equal([0.5, 3.0], frame.Get<Float64Column>("f").Values.ToArray());
        Assert.Equal([true, false], frame.Get<BoolColumn>("b").Values.ToArray());
        Assert.Equal(new DateTime(2011, 1, 2, 10, 20, 30, 500, DateTimeKind.Utc), frame.Get<DateTimeColumn>("d")[1]);
        Assert.Equal(DateTimeKind.Utc, frame.Get<DateTimeColumn>("d")[1].Kind);
        AssertTexts(["x", "y"], frame["s"]);
    }

    [Fact]
    public void ReadCsv_QuotedFields_UndoublesQuotesAndKeepsDelimitersAndLineBreaks()
    {
        var frame = ReadCsvText("a,b\n\"x,1\",\"say \"\"hi\"\"\"\n\"line\nbreak\",\"\"\"\"\n");

        AssertTexts(["x,1", "line\nbreak"], frame["a"]);
        AssertTexts(["say \"hi\"", "\""], frame["b"]);
    }

    [Fact]
    public void ReadCsv_CrLfAndBom_ReadsLikeLf()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("a,b\r\n1,\"q\r\nr\"\r\n2,s\r\n")).ToArray();

        var frame = Dataset.ReadCsv(new MemoryStream(bytes));

        Assert.Equal(["a", "b"], frame.ColumnNames);
        Assert.Equal([1L, 2L], frame.Get<Int64Column>("a").Values.ToArray());
        AssertTexts(["q\r\nr", "s"], frame["b"]);
    }

    [Fact]
    public void ReadCsv_EmptyFields_UnquotedIsNullQuotedIsEmptyString()
    {
        var frame = ReadCsvText("n,s\n,\"\"\n1,\n");

        Assert.True(frame["n"].IsNull(0));
        Assert.Equal(ColumnType.Int64, frame["n"].Type);
        AssertTexts(["", null], frame["s"]);
    }

    [Fact]
    public void ReadCsv_CustomNullValues_ReadsThemAsNull()
    {
        var frame = ReadCsvText("x,s\nNA,\"NA\"\n1.5,-\n", new CsvReadOptions { NullValues = ["NA", "-"] });

        Assert.Equal(ColumnType.Float64, frame["x"].Type);
        AssertTexts([null, "1.5"], frame["x"]);
        AssertTexts(["NA", null], frame["s"]);
    }

    [Fact]
    public void ReadCsv_NoTrailingNewline_ReadsLastRow()
    {
        var frame = ReadCsvText("a,b\n1,2\n3,4");

        Assert.Equal([2L, 4L], frame.Get<Int64Column>("b").Values.ToArray());
    }

    [Fact]
    public void ReadCsv_IntegersThenFloatInLaterChunk_WidensEarlierRowsToFloat64()
    {
        var text = new StringBuilder("n\n");
        for (var i = 0; i < 200; i++)
        {
            text.Append(i).Append('\n');
        }

        text.Append("0.25\n9007199254740993\n");
        text.Insert(2, "-0\n");

        var frame = ReadCsvText(text.ToString(), new CsvReadOptions { ChunkBytes = 64 });

        var n = frame.Get<Float64Column>("n");
        Assert.Equal(203, n.Length);
        Assert.True(double.IsNegative(n[0]));
        Assert.Equal(199.0, n[200]);
        Assert.Equal(0.25, n[201]);
        Assert.Equal(9007199254740992.0, n[202]);
    }

    [Fact]
    public void ReadCsv_NumbersThenText_FallsBackToStringWithOriginalText()
    {
        var text = new StringBuilder("code,ratio\n");
        string[] codes = ["007", "7", "+7", " 7", "-0", "12"];
        string[] ratios = ["1.50", "0.5", "1e3", "0.00001", "2", "-0.0"];
        for (var i = 0; i < 60; i++)
        {
            text.Append(codes[i % codes.Length]).Append(',').Append(ratios[i % ratios.Length]).Append('\n');
        }

        text.Append("A1,n/a\n");

        var frame = ReadCsvText(text.ToString(), new CsvReadOptions { ChunkBytes = 32 });

        Assert.Equal(ColumnType.String, frame["code"].Type);
        Assert.Equal(ColumnType.String, frame["ratio"].Type);
        var expectedCodes = Enumerable.Range(0, 60).Select(i => codes[i % codes.Length]).Append("A1");
        var expectedRatios = Enumerable.Range(0, 60).Select(i => ratios[i % ratios.Length]).Append("n/a");
        AssertTexts(expectedCodes, frame["code"]);
        AssertTexts(expectedRatios, frame["ratio"]);
    }

    [Fact]
    public void ReadCsv_LargeIntegersWidenedToFloatThenText_KeepTheirDigits()
    {
        var text = new StringBuilder("n\n10000000000000000\n-123456789012345678\n");
        for (var i = 0; i < 20; i++)
        {
            text.Append(i).Append('\n');
        }

        text.Append("1.5\n");
        for (var i = 0; i < 20; i++)
        {
            text.Append(i).Append('\n');
        }

        text.Append("x\n");

        var frame = ReadCsvText(text.ToString(), new CsvReadOptions { ChunkBytes = 24 });

        Assert.Equal(ColumnType.String, frame["n"].Type);
        Assert.Equal(["10000000000000000", "-123456789012345678", "0"], Texts(frame["n"]).Take(3));
        Assert.Equal("1.5", Texts(frame["n"])[22]);
    }

    [Fact]
    public void ReadCsv_BoolsAndDatesThenText_KeepOriginalText()
    {
        var text = new StringBuilder("b,d\n");
        for (var i = 0; i < 40; i++)
        {
            text.Append(i % 2 == 0 ? "TRUE" : "false").Append(',').Append(i % 2 == 0 ? "2011-01-01T00:00:00" : "2011-01-02").Append('\n');
        }

        text.Append("maybe,someday\n");

        var frame = ReadCsvText(text.ToString(), new CsvReadOptions { ChunkBytes = 48 });

        Assert.Equal(ColumnType.String, frame["b"].Type);
        Assert.Equal("TRUE", Texts(frame["b"])[0]);
        Assert.Equal("false", Texts(frame["b"])[1]);
        Assert.Equal("2011-01-01T00:00:00", Texts(frame["d"])[0]);
        Assert.Equal("2011-01-02", Texts(frame["d"])[1]);
        Assert.Equal("someday", Texts(frame["d"])[40]);
    }

    [Fact]
    public void ReadCsv_LeadingNullsThenValues_TypesFromValuesAndKeepsNulls()
    {
        var text = new StringBuilder("x,empty\n");
        for (var i = 0; i < 30; i++)
        {
            text.Append(",\n");
        }

        text.Append("1.5,\n");

        var frame = ReadCsvText(text.ToString(), new CsvReadOptions { ChunkBytes = 16 });

        Assert.Equal(ColumnType.Float64, frame["x"].Type);
        Assert.Equal(30, frame["x"].NullCount);
        Assert.True(double.IsNaN(frame.Get<Float64Column>("x")[0]));
        Assert.Equal(1.5, frame.Get<Float64Column>("x")[30]);
        Assert.Equal(ColumnType.String, frame["empty"].Type);
        Assert.Equal(31, frame["empty"].NullCount);
    }

    [Fact]
    public void ReadCsv_GivenTypes_OverrideInference()
    {
        var types = new Dictionary<string, ColumnType> { ["zip"] = ColumnType.String, ["flag"] = ColumnType.Float64 };

        var frame = ReadCsvText("zip,flag,n\n01234,1,5\n99,0,6\n", new CsvReadOptions { ColumnTypes = types });

        AssertTexts(["01234", "99"], frame["zip"]);
        Assert.Equal([1.0, 0.0], frame.Get<Float64Column>("flag").Values.ToArray());
        Assert.Equal(ColumnType.Int64, frame["n"].Type);
    }

    [Fact]
    public void ReadCsv_Limit_ReadsOnlyFirstRowsAndIgnoresLaterBadRows()
    {
        var frame = ReadCsvText("a,b\n1,2\n3,4\n5\n", new CsvReadOptions { Limit = 2 });

        Assert.Equal([1L, 3L], frame.Get<Int64Column>("a").Values.ToArray());
    }

    [Fact]
    public void ReadCsv_LimitZero_ReturnsHeaderColumnsWithoutRows()
    {
        var frame = ReadCsvText("a,b\n1,2\n", new CsvReadOptions { Limit = 0 });

        Assert.Equal(["a", "b"], frame.ColumnNames);
        Assert.Equal(0, frame.RowCount);
    }

    [Fact]
    public void ReadCsv_HeaderOnly_ReturnsEmptyStringColumnsUnlessTyped()
    {
        var frame = ReadCsvText("a,b\n", new CsvReadOptions { ColumnTypes = new Dictionary<string, ColumnType> { ["b"] = ColumnType.Int64 } });

        Assert.Equal(0, frame.RowCount);
        Assert.Equal(ColumnType.String, frame["a"].Type);
        Assert.Equal(ColumnType.Int64, frame["b"].Type);
    }

    [Fact]
    public void ReadCsv_ColumnSelection_ReadsOnlyThoseInGivenOrder()
    {
        var frame = ReadCsvText("a,b,c\n1,x,2.5\n", new CsvReadOptions { Columns = ["c", "a"] });

        Assert.Equal(["c", "a"], frame.ColumnNames);
        Assert.Equal(2.5, frame.Get<Float64Column>("c")[0]);
    }

    [Fact]
    public void ReadCsv_OtherDelimiter_SplitsOnIt()
    {
        var frame = ReadCsvText("a;b\n1,5;\"x;y\"\n", new CsvReadOptions { Delimiter = ';' });

        AssertTexts(["1,5"], frame["a"]);
        AssertTexts(["x;y"], frame["b"]);
    }

    [Fact]
    public void ReadCsv_BlankLines_SkippedInMultiColumnFilesAndNullInOneColumnFiles()
    {
        var multi = ReadCsvText("a,b\n1,2\n\n\r\n3,4\n\n");
        var single = ReadCsvText("a\n1\n\n3\n");

        Assert.Equal([1L, 3L], multi.Get<Int64Column>("a").Values.ToArray());
        AssertTexts(["1", null, "3"], single["a"]);
    }

    [Fact]
    public void ReadCsv_EmptyHeaderCell_IsNamedLikePandas()
    {
        var frame = ReadCsvText(",a\n0,x\n");

        Assert.Equal(["Unnamed: 0", "a"], frame.ColumnNames);
    }

    [Fact]
    public void ReadCsv_QuoteInsideUnquotedField_IsText()
    {
        var frame = ReadCsvText("a,b\n5\" pipe,1\n");

        AssertTexts(["5\" pipe"], frame["a"]);
    }

    [Fact]
    public void ReadCsv_RowLongerThanChunk_GrowsTheBuffer()
    {
        var longText = new string('x', 5000);

        var frame = ReadCsvText($"a,b\n1,{longText}\n2,\"{longText}\"\n", new CsvReadOptions { ChunkBytes = 64 });

        AssertTexts([longText, longText], frame["b"]);
    }

    [Fact]
    public void ReadCsv_DateTimeForms_ParseIsoOnly()
    {
        var frame = ReadCsvText("d,notd\n2011-01-01,2011-1-1\n2011-01-01T01:02:03.1234567,2011-02-30\n2011-01-01T01:02:03Z,2011-01-01 01:02:03\n");

        var d = frame.Get<DateTimeColumn>("d");
        Assert.Equal(new DateTime(2011, 1, 1, 1, 2, 3).AddTicks(1234567), d[1]);
        Assert.Equal(DateTimeKind.Unspecified, d[1].Kind);
        Assert.Equal(DateTimeKind.Utc, d[2].Kind);
        Assert.Equal(ColumnType.String, frame["notd"].Type);
    }

    [Fact]
    public void ReadCsv_BikeData_ReadsEveryRowWithExpectedTypes()
    {
        var frame = Dataset.ReadCsv(TestData("hour.csv"));

        Assert.Equal(17379, frame.RowCount);
        Assert.Equal(17, frame.ColumnCount);
        Assert.Equal(ColumnType.DateTime, frame["dteday"].Type);
        Assert.Equal(ColumnType.Float64, frame["temp"].Type);
        Assert.Equal(ColumnType.Int64, frame["cnt"].Type);
        var cnt = frame.Get<Int64Column>("cnt").Values;
        var total = 0L;
        foreach (var value in cnt)
        {
            total += value;
        }

        Assert.Equal(3292679L, total);
        Assert.Equal(new DateTime(2012, 12, 31), frame.Get<DateTimeColumn>("dteday")[17378]);
        Assert.Equal(0.24, frame.Get<Float64Column>("temp")[0]);
    }

    [Fact]
    public void ReadCsv_BikeDataInTinyChunks_EqualsOneChunk()
    {
        var bytes = File.ReadAllBytes(TestData("hour.csv"));
        var whole = Dataset.ReadCsv(new MemoryStream(bytes), new CsvReadOptions { ChunkBytes = bytes.Length + 16 });

        var chunked = Dataset.ReadCsv(new MemoryStream(bytes), new CsvReadOptions { ChunkBytes = 100 });

        AssertFramesEqual(whole, chunked);
    }

    [Fact]
    public void ReadCsv_TrickleStream_ReadsSameAsWholeStream()
    {
        const string text = "a,b\n1,\"x\ny\"\n2,\"z\"\"\"\n3,w";
        var whole = ReadCsvText(text);

        var trickled = Dataset.ReadCsv(new TrickleStream(Encoding.UTF8.GetBytes(text)), new CsvReadOptions { ChunkBytes = 16 });

        AssertFramesEqual(whole, trickled);
    }

    [Fact]
    public void ReadCsv_InvalidOptions_ListsEveryProblem()
    {
        var options = new CsvReadOptions { Delimiter = '"', Limit = -1, Columns = ["a", "a"] };

        var error = Assert.Throws<ArgumentException>(() => ReadCsvText("a\n1\n", options));

        Assert.Equal(
            "Invalid CsvReadOptions: Delimiter must be one ASCII character other than a double quote, CR or LF, not U+0022; Limit must be 0 or more, not -1; Columns names 'a' more than once. (Parameter 'options')",
            error.Message);
    }

    [Fact]
    public void ReadCsv_Cancelled_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            Dataset.ReadCsv(new MemoryStream(Encoding.UTF8.GetBytes("a\n1\n")), null, cancelled.Token));
    }

    /// <summary>A stream that returns at most 3 bytes per read, like a slow network.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(3, buffer.Length)]);

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(3, count));
    }
}
