using System.Text;
using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Datasets.Csv;
using static ModelOps.Jobs.Tests.Datasets.DatasetTestKit;

namespace ModelOps.Jobs.Tests.Datasets.Csv;

public sealed class CsvFrameReaderErrorTests
{
    private static DatasetException ReadError(string text, CsvReadOptions? options = null) =>
        Assert.Throws<DatasetException>(() => ReadCsvText(text, options));

    [Fact]
    public void ReadCsv_UnterminatedQuote_NamesLineWhereFieldStarted()
    {
        var error = ReadError("a,b\n1,x\n2,\"never\nclosed\n3,y\n");

        Assert.Equal("data.csv line 3, column 'b': the quoted field is not closed before the end of the input", error.Message);
        Assert.Equal(3, error.Line);
        Assert.Equal("b", error.Column);
        Assert.Equal("data.csv", error.SourceName);
    }

    [Fact]
    public void ReadCsv_TooFewFields_SaysExpectedAndFound()
    {
        var error = ReadError("a,b,c\n1,2,3\n4,5\n");

        Assert.Equal("data.csv line 3: expected 3 fields (the header's) but found 2", error.Message);
    }

    [Fact]
    public void ReadCsv_TooManyFieldsAfterMultilineField_CountsLinesInsideQuotes()
    {
        var error = ReadError("a,b\n\"one\ntwo\nthree\",x\n1,2,3\n");

        Assert.Equal("data.csv line 5: expected 2 fields (the header's) but found 3", error.Message);
    }

    [Fact]
    public void ReadCsv_TextInGivenFloatColumn_NamesLineColumnAndValue()
    {
        var text = new StringBuilder("instant,temp\n");
        for (var i = 2; i < 18; i++)
        {
            text.Append(i - 1).Append(",0.5\n");
        }

        text.Append("17,abc\n");
        var options = new CsvReadOptions
        {
            SourceName = "hour.csv",
            ColumnTypes = new Dictionary<string, ColumnType> { ["temp"] = ColumnType.Float64 },
        };

        var error = ReadError(text.ToString(), options);

        Assert.Equal("hour.csv line 18, column 'temp': 'abc' is not a float64", error.Message);
        Assert.Equal(18, error.Line);
    }

    [Fact]
    public void ReadCsv_DecimalInGivenIntColumn_SaysNotAnInt64()
    {
        var options = new CsvReadOptions { SourceName = "data.csv", ColumnTypes = new Dictionary<string, ColumnType> { ["n"] = ColumnType.Int64 } };

        var error = ReadError("n\n1\n1.5\n", options);

        Assert.Equal("data.csv line 3, column 'n': '1.5' is not an int64", error.Message);
    }

    [Fact]
    public void ReadCsv_BadValueAfterMultilineField_NamesTheValuesOwnLine()
    {
        var options = new CsvReadOptions { SourceName = "data.csv", ColumnTypes = new Dictionary<string, ColumnType> { ["flag"] = ColumnType.Bool } };

        var error = ReadError("note,flag\n\"a\nb\",yes\n", options);

        Assert.Equal("data.csv line 3, column 'flag': 'yes' is not a bool", error.Message);
    }

    [Fact]
    public void ReadCsv_LongBadValue_IsShortened()
    {
        var options = new CsvReadOptions { SourceName = "data.csv", ColumnTypes = new Dictionary<string, ColumnType> { ["d"] = ColumnType.DateTime } };

        var error = ReadError($"d\n{new string('z', 100)}\n", options);

        Assert.Equal($"data.csv line 2, column 'd': '{new string('z', 57)}...' is not a datetime", error.Message);
    }

    [Fact]
    public void ReadCsv_EmptyInput_SaysHeaderIsRequired()
    {
        Assert.Equal("data.csv: the input is empty; a header row is required", ReadError("").Message);
        Assert.Equal("data.csv: the input is empty; a header row is required", ReadError("\uFEFF").Message);
    }

    [Fact]
    public void ReadCsv_BlankHeaderLine_SaysHeaderIsEmpty()
    {
        Assert.Equal("data.csv line 1: the header row is empty", ReadError("\na,b\n").Message);
    }

    [Fact]
    public void ReadCsv_TypedColumnMissingFromHeader_ListsHeader()
    {
        var options = new CsvReadOptions { SourceName = "data.csv", ColumnTypes = new Dictionary<string, ColumnType> { ["tmp"] = ColumnType.Float64 } };

        var error = ReadError("temp,hum\n1,2\n", options);

        Assert.Equal("data.csv: column 'tmp' (named in ColumnTypes) is not in the header; the header has: temp, hum", error.Message);
    }

    [Fact]
    public void ReadCsv_SeveralRequestedColumnsMissing_ListsThemAll()
    {
        var options = new CsvReadOptions
        {
            SourceName = "data.csv",
            Columns = ["temp", "hr"],
            ColumnTypes = new Dictionary<string, ColumnType> { ["hr"] = ColumnType.Int64, ["day"] = ColumnType.DateTime },
        };

        var error = ReadError("temp,hum\n1,2\n", options);

        Assert.Equal("data.csv: columns 'hr' (named in Columns), 'day' (named in ColumnTypes) are not in the header; the header has: temp, hum", error.Message);
    }

    [Fact]
    public void ReadCsv_DuplicateHeaderNames_NamesColumnAndPositions()
    {
        var error = ReadError("a,b,a\n1,2,3\n");

        Assert.Equal("data.csv line 1: column 'a' appears more than once in the header (fields 1 and 3)", error.Message);
    }

    [Fact]
    public void ReadCsv_TextAfterClosingQuote_IsAnError()
    {
        var error = ReadError("a,b\n\"x\"y,1\n");

        Assert.Equal("data.csv line 2, column 'a': unexpected 'y' after the closing quote (a quote inside a quoted field is written \"\")", error.Message);
    }

    [Fact]
    public void ReadCsv_BadValueBeforeMalformedRowInLaterChunk_ReportsTheEarlierLine()
    {
        var text = new StringBuilder("a,b\n");
        for (var i = 0; i < 20; i++)
        {
            text.Append(i).Append(",1\n");
        }

        text.Append("x,1\n");
        for (var i = 0; i < 20; i++)
        {
            text.Append(i).Append(",1\n");
        }

        text.Append("1,2,3\n");
        var options = new CsvReadOptions { SourceName = "data.csv", ChunkBytes = 32, ColumnTypes = new Dictionary<string, ColumnType> { ["a"] = ColumnType.Int64 } };

        var error = ReadError(text.ToString(), options);

        Assert.Equal("data.csv line 22, column 'a': 'x' is not an int64", error.Message);
    }

    [Fact]
    public void ReadCsv_BadValuesInTwoColumnsOfOneChunk_ReportsTheEarlierLine()
    {
        var options = new CsvReadOptions
        {
            SourceName = "data.csv",
            ColumnTypes = new Dictionary<string, ColumnType> { ["a"] = ColumnType.Int64, ["b"] = ColumnType.Int64 },
        };

        var error = ReadError("a,b\n1,2\n3,x\ny,4\n", options);

        Assert.Equal("data.csv line 3, column 'b': 'x' is not an int64", error.Message);
    }

    [Fact]
    public void ReadCsv_Path_NamesTheFileInMessages()
    {
        var folder = TemporaryFolder();
        var path = Path.Combine(folder, "bad.csv");
        File.WriteAllText(path, "a,b\n1\n");

        var error = Assert.Throws<DatasetException>(() => Dataset.ReadCsv(path));

        Assert.Equal($"{path} line 2: expected 2 fields (the header's) but found 1", error.Message);
        Directory.Delete(folder, recursive: true);
    }
}
