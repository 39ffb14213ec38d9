using System.Security.Cryptography;
using ModelOps.Core.Data;
using ModelOps.Core.Schemas;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Datasets.Readers;
using ModelOps.Store.Tracking;
using static ModelOps.Jobs.Tests.Datasets.DatasetTestKit;

namespace ModelOps.Jobs.Tests.Datasets.Readers;

public sealed class FileReaderTests : IDisposable
{
    private const string BikeCsv = "instant,hr,temp,season\n1,0,0.24,1\n2,1,0.22,1\n3,25,0.5,2\n4,3,1,4\n";

    private readonly string _folder = TemporaryFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static string Sha256(string path) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(System.IO.File.ReadAllBytes(path)));

    [Fact]
    public async Task ReadAsync_Csv_ReadsTypedFrameWithFileDigest()
    {
        var path = File("bike.csv", BikeCsv);

        var read = await new CsvReader { Path = path }.ReadAsync();

        Assert.Equal(["instant", "hr", "temp", "season"], read.Frame.ColumnNames);
        Assert.Equal(ColumnType.Float64, read.Frame["temp"].Type);
        AssertTexts(["0", "1", "25", "3"], read.Frame["hr"]);
        Assert.Equal(path, read.SourceUri);
        Assert.Equal(Sha256(path), read.Digest);
    }

    [Fact]
    public async Task ReadAsync_CsvOptions_ArePassedToTheParser()
    {
        var path = File("semi.csv", "a;b;c\n1;NA;x\n2;3;y\n");

        var read = await new CsvReader
        {
            Path = path,
            Delimiter = ";",
            NullValues = ["NA"],
            Columns = ["c", "b"],
            ColumnTypes = new Dictionary<string, ColumnType> { ["b"] = ColumnType.Float64 },
        }.ReadAsync();

        Assert.Equal(["c", "b"], read.Frame.ColumnNames);
        Assert.Equal(ColumnType.Float64, read.Frame["b"].Type);
        AssertTexts([null, "3"], read.Frame["b"]);
        AssertTexts(["x", "y"], read.Frame["c"]);
    }

    [Fact]
    public async Task ReadAsync_Limit_ReadsFirstRowsButDigestsWholeFile()
    {
        var path = File("bike.csv", BikeCsv);

        var read = await new CsvReader { Path = path, Limit = 2 }.ReadAsync();

        Assert.Equal(2, read.Frame.RowCount);
        AssertTexts(["1", "2"], read.Frame["instant"]);
        Assert.Equal(Sha256(path), read.Digest);
    }

    [Fact]
    public async Task ReadAsync_LimitAboveRowCount_ReadsEveryRow()
    {
        var path = File("bike.jsonl", "{\"a\":1}\n{\"a\":2}\n");

        var read = await new JsonLinesReader { Path = path, Limit = 5_000_000_000 }.ReadAsync();

        AssertTexts(["1", "2"], read.Frame["a"]);
    }

    [Fact]
    public async Task ReadAsync_BigFileWithLimit_DigestsEveryByte()
    {
        // Bigger than the parser's 1 MB chunks, so the limit stops reading while most of the file is unread.
        var lines = new System.Text.StringBuilder("id,x\n");
        for (var i = 0; i < 200_000; i++)
        {
            lines.Append(i).Append(",0.").Append(i % 1000).Append('\n');
        }

        var path = File("big.csv", lines.ToString());

        var read = await new CsvReader { Path = path, Limit = 10 }.ReadAsync();

        Assert.Equal(10, read.Frame.RowCount);
        Assert.Equal(Sha256(path), read.Digest);
    }

    [Fact]
    public async Task ReadAsync_JsonLines_ReadsFrameWithOptions()
    {
        var path = File("preds.jsonl", "{\"id\":1,\"score\":0.5,\"tag\":\"a\"}\n{\"id\":2,\"score\":null,\"tag\":\"b\"}\n");

        var read = await new JsonLinesReader { Path = path, Columns = ["tag", "id"], ColumnTypes = new Dictionary<string, ColumnType> { ["id"] = ColumnType.Float64 } }.ReadAsync();

        Assert.Equal(["tag", "id"], read.Frame.ColumnNames);
        Assert.Equal(ColumnType.Float64, read.Frame["id"].Type);
        Assert.Equal(Sha256(path), read.Digest);
    }

    [Fact]
    public async Task ReadAsync_SameContentInTwoFiles_GivesSameDigest()
    {
        var first = await new CsvReader { Path = File("a.csv", BikeCsv) }.ReadAsync();
        var second = await new CsvReader { Path = File("b.csv", BikeCsv) }.ReadAsync();

        Assert.Equal(first.Digest, second.Digest);
        Assert.NotEqual(first.SourceUri, second.SourceUri);
    }

    [Fact]
    public async Task ReadAsync_ChangedContent_GivesAnotherDigest()
    {
        var path = File("bike.csv", BikeCsv);
        var before = await new CsvReader { Path = path }.ReadAsync();

        File("bike.csv", BikeCsv.Replace("0.24", "0.25", StringComparison.Ordinal));
        var after = await new CsvReader { Path = path }.ReadAsync();

        Assert.NotEqual(before.Digest, after.Digest);
        Assert.Matches("^sha256:[0-9a-f]{64}$", after.Digest);
    }

    [Fact]
    public async Task ReadAsync_MissingFile_NamesThePathAsWritten()
    {
        var path = Path.Combine(_folder, "data", "missing.csv");

        var error = await Assert.ThrowsAsync<DatasetException>(() => new CsvReader { Path = path }.ReadAsync());

        Assert.Equal($"{path}: file not found", error.Message);
    }

    [Fact]
    public async Task ReadAsync_Folder_SaysItIsNotAFile()
    {
        var error = await Assert.ThrowsAsync<DatasetException>(() => new JsonLinesReader { Path = _folder }.ReadAsync());

        Assert.Equal($"{_folder}: is a folder, not a file", error.Message);
    }

    [Fact]
    public async Task ReadAsync_MissingColumn_IsTheParsersError()
    {
        var path = File("bike.csv", BikeCsv);

        var error = await Assert.ThrowsAsync<DatasetException>(() => new CsvReader { Path = path, Columns = ["tmp"] }.ReadAsync());

        Assert.Equal($"{path}: column 'tmp' (named in Columns) is not in the header; the header has: instant, hr, temp, season", error.Message);
    }

    [Fact]
    public async Task ReadAsync_Schema_CoercesColumns()
    {
        var path = File("bike.csv", BikeCsv);
        var schema = File("bike.yaml", "name: bike\ncolumns:\n  instant: int64\n  hr: {type: float64}\n  season: {type: string}\n");

        var read = await new CsvReader { Path = path, Schema = schema }.ReadAsync();

        Assert.Equal(ColumnType.Float64, read.Frame["hr"].Type);
        Assert.Equal(ColumnType.String, read.Frame["season"].Type);
        AssertTexts(["1", "1", "2", "4"], read.Frame["season"]);
        Assert.Equal("string", read.ToLineage("inputs", "training").Columns.Single(c => c.Name == "season").Type);
    }

    [Fact]
    public async Task ReadAsync_SchemaViolations_ListsEveryOne()
    {
        var path = File("bike.csv", BikeCsv);
        var schema = File("bike.yaml", "name: bike\ncolumns:\n  hr: {type: int64, minimum: 0, maximum: 23}\n  temp: {type: float64, maximum: 0.9}\n  weather: int64\n");

        var error = await Assert.ThrowsAsync<SchemaException>(() => new CsvReader { Path = path, Schema = schema }.ReadAsync());

        Assert.Equal(
            $"Schema 'bike' failed on {path} with 3 violations:\n"
            + "  - column 'hr': maximum 23: 1 row, first: line 4 = 25\n"
            + "  - column 'temp': maximum 0.9: 1 row, first: line 5 = 1\n"
            + "  - column 'weather': missing column (the data has: instant, hr, temp, season)",
            error.Message);
    }

    [Fact]
    public async Task ReadAsync_CsvSchemaViolationAfterMultiLineField_NamesTheLineTheRowStartsOn()
    {
        // Row 0 spans lines 2-4 (a quoted field with two line breaks), so row 2 starts on line 6.
        var path = File("notes.csv", "id,note,hr\n1,\"a\nb\nc\",3\n2,plain,4\n3,\"x\",30\n4,\"y\nz\",31\n");
        var schema = File("notes.yaml", "name: notes\ncolumns:\n  hr: {type: int64, maximum: 23}\n");

        var error = await Assert.ThrowsAsync<SchemaException>(() => new CsvReader { Path = path, Schema = schema }.ReadAsync());

        Assert.Equal($"Schema 'notes' failed on {path} with 1 violation:\n  - column 'hr': maximum 23: 2 rows, first: line 6 = 30, line 7 = 31", error.Message);
        Assert.Equal([2, 3], error.Violations[0].Examples.Select(e => e.Row));
    }

    [Fact]
    public async Task ReadAsync_JsonLinesSchemaViolationAfterBlankLines_NamesTheFileLine()
    {
        var path = File("bike.jsonl", "{\"hr\": 1}\n\n   \n{\"hr\": 2}\n{\"hr\": 24}\n\n{\"hr\": -1}\n");
        var schema = File("bike.yaml", "name: bike\ncolumns:\n  hr: {type: int64, minimum: 0, maximum: 23}\n");

        var error = await Assert.ThrowsAsync<SchemaException>(() => new JsonLinesReader { Path = path, Schema = schema }.ReadAsync());

        Assert.Equal(
            $"Schema 'bike' failed on {path} with 2 violations:\n"
            + "  - column 'hr': minimum 0: 1 row, first: line 7 = -1\n"
            + "  - column 'hr': maximum 23: 1 row, first: line 5 = 24",
            error.Message);
    }

    [Fact]
    public async Task ReadAsync_PlaceOf_NamesTheLineEveryRowStartsOn()
    {
        var path = File("notes.csv", "id,note\n\n1,\"a\nb\"\n2,c\n\n3,d\n");

        var read = await new CsvReader { Path = path }.ReadAsync();

        Assert.Equal(3, read.Frame.RowCount);
        Assert.Equal(["line 3", "line 5", "line 7"], Enumerable.Range(0, 3).Select(read.PlaceOf!));
    }

    [Fact]
    public async Task ReadAsync_SchemaAfterLimit_ChecksOnlyTheRowsRead()
    {
        var path = File("bike.csv", BikeCsv);
        var schema = File("bike.yaml", "columns:\n  hr: {type: int64, maximum: 23}\n");

        var read = await new CsvReader { Path = path, Schema = schema, Limit = 2 }.ReadAsync();

        Assert.Equal(2, read.Frame.RowCount);
    }

    [Fact]
    public async Task ReadAsync_MissingSchemaFile_IsAConfigProblem()
    {
        var path = File("bike.csv", BikeCsv);
        var schema = Path.Combine(_folder, "nope.yaml");

        var error = await Assert.ThrowsAsync<ConfigException>(() => new CsvReader { Path = path, Schema = schema }.ReadAsync());

        Assert.Equal($"{schema}: schema file not found", error.Message);
    }

    [Fact]
    public async Task ToLineage_CarriesSourceDigestAndShape()
    {
        var path = File("bike.csv", BikeCsv);
        var read = await new CsvReader { Path = path, Columns = ["instant", "temp"] }.ReadAsync();

        var lineage = read.ToLineage("inputs", "training");

        Assert.Equal(
            new DatasetLineage("inputs", "training", path, Sha256(path), 4, 2, lineage.Columns),
            lineage);
        Assert.Equal([new DatasetColumn("instant", "int64"), new DatasetColumn("temp", "float64")], lineage.Columns);
    }

    [Fact]
    public async Task ReadAsync_CancelledToken_Throws()
    {
        var path = File("bike.csv", BikeCsv);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new CsvReader { Path = path }.ReadAsync(new CancellationToken(canceled: true)));
    }
}
