using ModelOps.Jobs.Datasets;

namespace ModelOps.Jobs.Tests.Datasets;

public sealed class DatasetTests
{
    [Theory]
    [InlineData("data/hour.csv", DatasetFormat.Csv)]
    [InlineData("HOUR.CSV", DatasetFormat.Csv)]
    [InlineData("out/preds.jsonl", DatasetFormat.JsonLines)]
    [InlineData("x.ndjson", DatasetFormat.JsonLines)]
    public void FormatOf_KnownExtension_GivesFormat(string path, DatasetFormat expected) =>
        Assert.Equal(expected, Dataset.FormatOf(path));

    [Fact]
    public void FormatOf_UnknownExtension_SaysWhichAreKnown()
    {
        var error = Assert.Throws<ArgumentException>(() => Dataset.FormatOf("data/hour.xlsx"));

        Assert.Equal("Cannot tell the format of 'data/hour.xlsx' from its extension; use .csv, .jsonl, .ndjson or .parquet, or name the format. (Parameter 'path')", error.Message);
        Assert.Equal(DatasetFormat.Parquet, Dataset.FormatOf("data/hour.PARQUET"));
    }

    [Fact]
    public void Read_FormatGiven_OverridesExtension()
    {
        var folder = DatasetTestKit.TemporaryFolder();
        var path = Path.Combine(folder, "rows.txt");
        File.WriteAllText(path, "{\"a\":1}\n");

        var frame = Dataset.Read(path, DatasetFormat.JsonLines);

        Assert.Equal(1, frame.RowCount);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void ReadCsv_MissingFile_NamesIt()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-file-" + Guid.NewGuid().ToString("N") + ".csv");

        var error = Assert.Throws<DatasetException>(() => Dataset.ReadCsv(path));

        Assert.Equal($"{path}: file not found", error.Message);
        Assert.IsType<FileNotFoundException>(error.InnerException);
    }

    [Fact]
    public void ReadJsonLines_MissingFolder_NamesFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-folder-" + Guid.NewGuid().ToString("N"), "x.jsonl");

        var error = Assert.Throws<DatasetException>(() => Dataset.ReadJsonLines(path));

        Assert.Equal($"{path}: file not found", error.Message);
    }
}
