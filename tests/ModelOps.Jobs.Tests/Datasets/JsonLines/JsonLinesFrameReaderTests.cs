using System.Text;
using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Datasets.JsonLines;
using static ModelOps.Jobs.Tests.Datasets.DatasetTestKit;

namespace ModelOps.Jobs.Tests.Datasets.JsonLines;

public sealed class JsonLinesFrameReaderTests
{
    private static DatasetException ReadError(string text, JsonLinesReadOptions? options = null) =>
        Assert.Throws<DatasetException>(() => ReadJsonText(text, options));

    [Fact]
    public void ReadJsonLines_KeysDifferPerRow_UnionInFirstSeenOrderWithNulls()
    {
        var frame = ReadJsonText("{\"a\":1,\"b\":\"x\"}\n{\"c\":true,\"a\":2}\n{\"b\":null}\n");

        Assert.Equal(["a", "b", "c"], frame.ColumnNames);
        AssertTexts(["1", "2", null], frame["a"]);
        AssertTexts(["x", null, null], frame["b"]);
        AssertTexts([null, "true", null], frame["c"]);
    }

    [Fact]
    public void ReadJsonLines_ScalarKinds_InferTypes()
    {
        var frame = ReadJsonText(
            "{\"i\":1,\"f\":1.5,\"m\":1,\"b\":false,\"s\":\"x\",\"d\":\"2011-01-01\",\"n\":null}\n" +
            "{\"i\":-2,\"f\":2,\"m\":2.5,\"b\":true,\"s\":\"2011-01-01\",\"d\":\"2011-01-02T03:04:05Z\",\"n\":null}\n");

        Assert.Equal(
            [ColumnType.Int64, ColumnType.Float64, ColumnType.Float64, ColumnType.Bool, ColumnType.String, ColumnType.DateTime, ColumnType.String],
            frame.Columns.Select(c => c.Type));
        Assert.Equal([1.0, 2.5], frame.Get<Float64Column>("m").Values.ToArray());
        Assert.Equal(DateTimeKind.Utc, frame.Get<DateTimeColumn>("d")[1].Kind);
        Assert.Equal(2, frame["n"].NullCount);
    }

    [Fact]
    public void ReadJsonLines_DatesThenOtherText_BecomeStringsWithOriginalText()
    {
        var frame = ReadJsonText("{\"d\":\"2011-01-01T00:00:00\"}\n{\"d\":\"2011-01-02\"}\n{\"d\":\"soon\"}\n");

        AssertTexts(["2011-01-01T00:00:00", "2011-01-02", "soon"], frame["d"]);
    }

    [Fact]
    public void ReadJsonLines_NumbersThenString_BecomeStringsWithJsonText()
    {
        var frame = ReadJsonText("{\"v\":1.50}\n{\"v\":2}\n{\"v\":true}\n{\"v\":\"x\"}\n");

        AssertTexts(["1.50", "2", "true", "x"], frame["v"]);
    }

    [Fact]
    public void ReadJsonLines_LargeIntegersAmongFloatsThenString_KeepTheirDigits()
    {
        var frame = ReadJsonText("{\"a\":10000000000000000,\"b\":1.5}\n{\"a\":2.5,\"b\":20000000000000000}\n{\"a\":\"x\",\"b\":\"y\"}\n");

        AssertTexts(["10000000000000000", "2.5", "x"], frame["a"]);
        AssertTexts(["1.5", "20000000000000000", "y"], frame["b"]);
    }

    [Fact]
    public void ReadJsonLines_IntegersThenFloats_WidenToFloat64()
    {
        var frame = ReadJsonText("{\"a\":1}\n{\"a\":2.5}\n{\"a\":1e3}\n");

        Assert.Equal([1.0, 2.5, 1000.0], frame.Get<Float64Column>("a").Values.ToArray());
    }

    [Fact]
    public void ReadJsonLines_GivenTypes_ParseAccordingly()
    {
        var types = new Dictionary<string, ColumnType> { ["d"] = ColumnType.DateTime, ["f"] = ColumnType.Float64, ["s"] = ColumnType.String };

        var frame = ReadJsonText("{\"d\":\"2011-01-01\",\"f\":1,\"s\":12}\n{\"d\":null,\"f\":\"NaN\",\"s\":\"x\"}\n", new JsonLinesReadOptions { ColumnTypes = types });

        Assert.Equal(ColumnType.DateTime, frame["d"].Type);
        Assert.Equal(1.0, frame.Get<Float64Column>("f")[0]);
        Assert.True(double.IsNaN(frame.Get<Float64Column>("f")[1]));
        AssertTexts(["12", "x"], frame["s"]);
    }

    [Fact]
    public void ReadJsonLines_EscapesInKeysAndValues_AreDecoded()
    {
        var frame = ReadJsonText("{\"caf\\u00e9\":\"a\\\"b\\n\\u4e2d\"}\n{\"café\":\"plain\"}\n");

        Assert.Equal(["café"], frame.ColumnNames);
        AssertTexts(["a\"b\n中", "plain"], frame["café"]);
    }

    [Fact]
    public void ReadJsonLines_BlankLinesCrLfAndSmallReads_AreHandled()
    {
        var text = "\r\n{\"a\":1}\r\n\r\n  \n{\"a\":2}\r\n{\"a\":" + new string('1', 18) + "}";

        var frame = ReadJsonText(text, new JsonLinesReadOptions { ChunkBytes = 16 });

        Assert.Equal([1L, 2L, 111111111111111111L], frame.Get<Int64Column>("a").Values.ToArray());
    }

    [Fact]
    public void ReadJsonLines_LimitAndColumns_ReadOnlyThose()
    {
        var frame = ReadJsonText(
            "{\"a\":1,\"b\":{\"nested\":1},\"c\":\"x\"}\n{\"a\":2,\"c\":\"y\"}\n{\"a\":3}\n",
            new JsonLinesReadOptions { Columns = ["c", "a"], Limit = 2 });

        Assert.Equal(["c", "a"], frame.ColumnNames);
        Assert.Equal([1L, 2L], frame.Get<Int64Column>("a").Values.ToArray());
    }

    [Fact]
    public void ReadJsonLines_EmptyInput_IsAnEmptyFrame()
    {
        var frame = ReadJsonText("");

        Assert.Equal(0, frame.ColumnCount);
        Assert.Equal(0, frame.RowCount);
    }

    [Fact]
    public void ReadJsonLines_MalformedJson_NamesLineAndByte()
    {
        var error = ReadError("{\"a\":1}\n\n{\"a\":}\n");

        Assert.Equal("data.jsonl line 3, byte 6: malformed JSON: '}' is an invalid start of a value.", error.Message);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void ReadJsonLines_TwoValuesOnALine_IsMalformed()
    {
        var error = ReadError("{\"a\":1} {\"a\":2}\n");

        Assert.Equal("data.jsonl line 1, byte 9: malformed JSON: '{' is invalid after a single JSON value. Expected end of data.", error.Message);
    }

    [Fact]
    public void ReadJsonLines_LineNotAnObject_SaysWhatItIs()
    {
        Assert.Equal("data.jsonl line 2: expected a JSON object but found an array", ReadError("{\"a\":1}\n[1,2]\n").Message);
        Assert.Equal("data.jsonl line 1: expected a JSON object but found a number", ReadError("42\n").Message);
    }

    [Fact]
    public void ReadJsonLines_NestedValue_NamesLineAndKey()
    {
        Assert.Equal(
            "data.jsonl line 2, key 'tags': nested arrays are not supported; values must be strings, numbers, true, false or null",
            ReadError("{\"tags\":null}\n{\"tags\":[1]}\n").Message);
        Assert.Equal(
            "data.jsonl line 1, key 'geo': nested objects are not supported; values must be strings, numbers, true, false or null",
            ReadError("{\"geo\":{\"lat\":1}}\n").Message);
    }

    [Fact]
    public void ReadJsonLines_DuplicateKey_IsAnError()
    {
        Assert.Equal("data.jsonl line 1: key 'a' appears more than once in the object", ReadError("{\"a\":1,\"a\":2}\n").Message);
    }

    [Fact]
    public void ReadJsonLines_ValueNotOfGivenType_NamesLineKeyAndValue()
    {
        var options = new JsonLinesReadOptions
        {
            SourceName = "data.jsonl",
            ColumnTypes = new Dictionary<string, ColumnType> { ["temp"] = ColumnType.Float64, ["n"] = ColumnType.Int64 },
        };

        Assert.Equal("data.jsonl line 2, key 'temp': \"abc\" is not a float64", ReadError("{\"temp\":1}\n{\"temp\":\"abc\"}\n", options).Message);
        Assert.Equal("data.jsonl line 1, key 'n': 1.5 is not an int64", ReadError("{\"n\":1.5}\n", options).Message);
    }

    [Fact]
    public void ReadJsonLines_RequestedKeyInNoRow_ListsTheKeys()
    {
        var options = new JsonLinesReadOptions { SourceName = "data.jsonl", Columns = ["a", "tmp"] };

        var error = ReadError("{\"a\":1,\"b\":2}\n", options);

        Assert.Equal("data.jsonl: key 'tmp' (named in Columns) is in no row; the keys are: a, b", error.Message);
    }

    [Fact]
    public void ReadJsonLines_Path_NamesTheFileInMessages()
    {
        var folder = TemporaryFolder();
        var path = Path.Combine(folder, "bad.jsonl");
        File.WriteAllText(path, "{\"a\":1}\n\"text\"\n", Encoding.UTF8);

        var error = Assert.Throws<DatasetException>(() => Dataset.ReadJsonLines(path));

        Assert.Equal($"{path} line 2: expected a JSON object but found a string", error.Message);
        Directory.Delete(folder, recursive: true);
    }
}
