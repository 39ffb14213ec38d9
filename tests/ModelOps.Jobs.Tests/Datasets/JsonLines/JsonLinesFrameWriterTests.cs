using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Datasets.JsonLines;
using static ModelOps.Jobs.Tests.Datasets.DatasetTestKit;

namespace ModelOps.Jobs.Tests.Datasets.JsonLines;

public sealed class JsonLinesFrameWriterTests
{
    [Fact]
    public void WriteJsonLines_Frame_WritesOneObjectPerRow()
    {
        var frame = new Frame(
            new Int64Column("n", [1L, null]),
            new Float64Column("x", [0.1 + 0.2, double.NaN]),
            new BoolColumn("b", [true, false]),
            new DateTimeColumn("d", [new DateTime(2011, 1, 1), new DateTime(2011, 1, 1, 3, 4, 5, DateTimeKind.Utc)]),
            new StringColumn("s", ["a+b <é>", "q\"\n"]));

        var text = WriteJsonText(frame);

        Assert.Equal(
            "{\"n\":1,\"x\":0.30000000000000004,\"b\":true,\"d\":\"2011-01-01\",\"s\":\"a+b <é>\"}\n" +
            "{\"n\":null,\"x\":\"NaN\",\"b\":false,\"d\":\"2011-01-01T03:04:05Z\",\"s\":\"q\\\"\\n\"}\n",
            text);
    }

    [Fact]
    public void WriteJsonLines_AllTypesWithNulls_RoundTripsToAnEqualFrame()
    {
        var frame = AllTypes().WithColumn(new Float64Column("special", [double.NaN, double.PositiveInfinity, double.NegativeInfinity, null, 1.0]));

        var back = ReadJsonText(WriteJsonText(frame));

        AssertFramesEqual(frame, back);
    }

    [Fact]
    public void WriteJsonLines_ToPath_ReadsBackByPath()
    {
        var folder = TemporaryFolder();
        var path = Path.Combine(folder, "out.jsonl");

        Dataset.Write(path, AllTypes());

        AssertFramesEqual(AllTypes(), Dataset.Read(path));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void WriteJsonLines_AllNullColumn_KeepsItsTypeOnlyWhenTypesAreGiven()
    {
        var frame = new Frame(new BoolColumn("b", [null, null]));
        var text = WriteJsonText(frame);

        var typed = ReadJsonText(text, new JsonLinesReadOptions { ColumnTypes = new Dictionary<string, ColumnType> { ["b"] = ColumnType.Bool } });

        Assert.Equal(ColumnType.String, ReadJsonText(text)["b"].Type);
        AssertFramesEqual(frame, typed);
    }
}
