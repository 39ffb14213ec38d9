using System.Text;
using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Datasets.Csv;
using ModelOps.Jobs.Datasets.JsonLines;

namespace ModelOps.Jobs.Tests.Datasets;

/// <summary>Shared helpers: read text as a dataset, compare frames cell by cell, temporary folders.</summary>
internal static class DatasetTestKit
{
    public static string TestData(string name) => Path.Combine(AppContext.BaseDirectory, "Datasets", "TestData", name);

    public static Frame ReadCsvText(string text, CsvReadOptions? options = null) =>
        Dataset.ReadCsv(new MemoryStream(Encoding.UTF8.GetBytes(text)), options ?? new CsvReadOptions { SourceName = "data.csv" });

    public static Frame ReadJsonText(string text, JsonLinesReadOptions? options = null) =>
        Dataset.ReadJsonLines(new MemoryStream(Encoding.UTF8.GetBytes(text)), options ?? new JsonLinesReadOptions { SourceName = "data.jsonl" });

    public static string WriteCsvText(Frame frame, CsvWriteOptions? options = null)
    {
        var stream = new MemoryStream();
        Dataset.WriteCsv(stream, frame, options);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static string WriteJsonText(Frame frame)
    {
        var stream = new MemoryStream();
        Dataset.WriteJsonLines(stream, frame);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The values of a column as invariant text (null for nulls).</summary>
    public static string?[] Texts(Column column)
    {
        var texts = new string?[column.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = column.Format(i);
        }

        return texts;
    }

    public static void AssertTexts(IEnumerable<string?> expected, Column column) => Assert.Equal(expected, Texts(column));

    /// <summary>Asserts equal names, types, nulls and values (doubles and dates compared by their exact round-trip text).</summary>
    public static void AssertFramesEqual(Frame expected, Frame actual)
    {
        Assert.Equal(expected.ColumnNames, actual.ColumnNames);
        Assert.Equal(expected.RowCount, actual.RowCount);
        for (var c = 0; c < expected.ColumnCount; c++)
        {
            Assert.True(expected[c].Type == actual[c].Type, $"column '{expected[c].Name}': expected {expected[c].Type.ToName()}, got {actual[c].Type.ToName()}");
            Assert.Equal(Texts(expected[c]), Texts(actual[c]));
            for (var r = 0; r < expected.RowCount; r++)
            {
                Assert.Equal(expected[c].IsNull(r), actual[c].IsNull(r));
            }
        }
    }

    public static string TemporaryFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "modelops-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Every column type, with nulls, and strings that need quoting in CSV.</summary>
    public static Frame AllTypes() => new(
        new Int64Column("id", [1L, -2L, null, 9_007_199_254_740_993L, 0L]),
        new Float64Column("x", [0.1 + 0.2, null, -0.0, 1e-7, 12345.5]),
        new BoolColumn("flag", [true, false, null, true, false]),
        new DateTimeColumn("when", [
            new DateTime(2011, 1, 1),
            new DateTime(2012, 12, 31, 23, 59, 58, 123, DateTimeKind.Utc),
            null,
            new DateTime(2011, 6, 1, 8, 30, 0),
            new DateTime(2000, 2, 29, 0, 0, 0, DateTimeKind.Utc),
        ]),
        new StringColumn("name", ["plain", "a,b", null, "say \"hi\"\nbye", ""]),
        new StringColumn("padded", [" lead", "trail ", "é ü 中", null, "x"]));
}
