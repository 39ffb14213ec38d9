using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Datasets.Csv;
using static ModelOps.Jobs.Tests.Datasets.DatasetTestKit;

namespace ModelOps.Jobs.Tests.Datasets.Csv;

public sealed class CsvFrameWriterTests
{
    [Fact]
    public void WriteCsv_AllTypesWithNulls_RoundTripsToAnEqualFrame()
    {
        var frame = AllTypes();

        var back = ReadCsvText(WriteCsvText(frame));

        AssertFramesEqual(frame, back);
    }

    [Fact]
    public void WriteCsv_Values_QuotesOnlyWhereNeeded()
    {
        var frame = new Frame(
            new StringColumn("s", ["plain", "a,b", "q\"q", "l\nf", " lead", "trail ", "", null]),
            new Float64Column("x", [0.1 + 0.2, double.NaN, double.PositiveInfinity, -0.0, 1e-7, 1e21, null, 2.5]),
            new DateTimeColumn("d", [new DateTime(2011, 1, 1), new DateTime(2011, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2011, 1, 1, 3, 4, 5, 600), null, null, null, null, null]));

        var text = WriteCsvText(frame);

        Assert.Equal(
            "s,x,d\n" +
            "plain,0.30000000000000004,2011-01-01\n" +
            "\"a,b\",NaN,2011-01-01T00:00:00Z\n" +
            "\"q\"\"q\",Infinity,2011-01-01T03:04:05.6\n" +
            "\"l\nf\",-0,\n" +
            "\" lead\",1E-07,\n" +
            "\"trail \",1E+21,\n" +
            "\"\",,\n" +
            ",2.5,\n",
            text);
    }

    [Fact]
    public void WriteCsv_HeaderNeedingQuotes_IsQuoted()
    {
        var frame = new Frame(new Int64Column("a,b", [1L]), new BoolColumn("c\"d", [true]));

        Assert.Equal("\"a,b\",\"c\"\"d\"\n1,true\n", WriteCsvText(frame));
    }

    [Fact]
    public void WriteCsv_SemicolonAndCrLf_UsesThem()
    {
        var frame = new Frame(new Float64Column("x", [1.5, 2.0]), new StringColumn("s", ["a;b", "c,d"]));

        var text = WriteCsvText(frame, new CsvWriteOptions { Delimiter = ';', NewLine = "\r\n" });

        Assert.Equal("x;s\r\n1.5;\"a;b\"\r\n2;c,d\r\n", text);
    }

    [Fact]
    public void WriteCsv_DelimiterThatOccursInNumbers_QuotesThoseNumbers()
    {
        var frame = new Frame(new Float64Column("x", [1.5, 2.0]), new Int64Column("n", [-1L, 3L]));

        var text = WriteCsvText(frame, new CsvWriteOptions { Delimiter = '.' });

        Assert.Equal("x.n\n\"1.5\".-1\n2.3\n", text);
    }

    [Fact]
    public void WriteCsv_OneColumnWithNulls_RoundTrips()
    {
        var frame = new Frame(new StringColumn("s", ["a", null, "", null]));

        var back = ReadCsvText(WriteCsvText(frame));

        AssertFramesEqual(frame, back);
    }

    [Fact]
    public void WriteCsv_AllNullColumn_KeepsItsTypeOnlyWhenTypesAreGiven()
    {
        var frame = new Frame(new Int64Column("n", [null, null]), new BoolColumn("b", [true, false]));
        var text = WriteCsvText(frame);

        var inferred = ReadCsvText(text);
        var typed = ReadCsvText(text, new CsvReadOptions { ColumnTypes = new Dictionary<string, ColumnType> { ["n"] = ColumnType.Int64 } });

        Assert.Equal(ColumnType.String, inferred["n"].Type);
        AssertFramesEqual(frame, typed);
    }

    [Fact]
    public void WriteCsv_ManyRows_RoundTripsAcrossBufferFlushes()
    {
        var random = new Random(3);
        const int rows = 30000;
        var ids = new long?[rows];
        var values = new double?[rows];
        var names = new string?[rows];
        for (var i = 0; i < rows; i++)
        {
            ids[i] = i % 97 == 0 ? null : random.NextInt64(long.MinValue, long.MaxValue);
            values[i] = i % 89 == 0 ? null : (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-10, 20));
            names[i] = i % 83 == 0 ? null : "n" + random.Next(0, 500) + (i % 7 == 0 ? ",\"x\"" : "");
        }

        var frame = new Frame(new Int64Column("id", ids), new Float64Column("v", values), new StringColumn("name", names));

        var back = ReadCsvText(WriteCsvText(frame), new CsvReadOptions { ChunkBytes = 4096 });

        AssertFramesEqual(frame, back);
    }

    [Fact]
    public void WriteCsv_InvalidOptions_ListsEveryProblem()
    {
        var error = Assert.Throws<ArgumentException>(() => WriteCsvText(AllTypes(), new CsvWriteOptions { Delimiter = '\n', NewLine = "\r" }));

        Assert.Equal(
            "Invalid CsvWriteOptions: Delimiter must be one ASCII character other than a double quote, CR or LF, not U+000A; NewLine must be \"\\n\" or \"\\r\\n\". (Parameter 'options')",
            error.Message);
    }

    [Fact]
    public void WriteCsv_ToPath_ReadsBackByPath()
    {
        var folder = TemporaryFolder();
        var path = Path.Combine(folder, "out.csv");

        Dataset.WriteCsv(path, AllTypes());

        AssertFramesEqual(AllTypes(), Dataset.ReadCsv(path));
        Assert.Equal(["out.csv"], Directory.GetFiles(folder).Select(Path.GetFileName));
        Directory.Delete(folder, recursive: true);
    }
}
