using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets.Readers;
using ModelOps.Jobs.Datasets.Writers;

namespace ModelOps.Jobs.Tests.Datasets;

public sealed class DatasetSettingsTests
{
    [Fact]
    public async Task ReadAsync_CsvReaderBuiltInCode_ListsEveryProblemWithItsConfigPath()
    {
        var reader = new CsvReader
        {
            Path = "",
            Limit = 0,
            Schema = "",
            ColumnTypes = new Dictionary<string, ColumnType> { ["a"] = (ColumnType)42 },
            NullValues = ["NA", null!],
            Delimiter = "\"",
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => reader.ReadAsync());

        Assert.Equal(
            "Invalid CsvReader: limit = 0: must be at least 1; schema: must not be empty (leave it out to read without a schema); "
            + $"path: must not be empty; column_types: 'a' is 42, not one of {ColumnTypeNames.Accepted}; null_values: has a null entry; "
            + "delimiter: must be one ASCII character other than a double quote, CR or LF, not '\"'.",
            error.Message);
    }

    [Fact]
    public void Validate_JsonLinesReaderRepeatedAndUnknownColumns_ListsThemAtTheirFields()
    {
        var reader = new JsonLinesReader
        {
            Path = "in.jsonl",
            Columns = ["a", "", "a"],
            ColumnTypes = new Dictionary<string, ColumnType> { [""] = ColumnType.Int64, ["b"] = (ColumnType)(-1) },
        };

        Assert.Equal(
            [
                "columns: has an empty name",
                "columns: 'a' is listed more than once",
                "column_types: has an empty name",
                $"column_types: 'b' is -1, not one of {ColumnTypeNames.Accepted}",
            ],
            reader.Validate());
    }

    [Fact]
    public void Validate_SqlReaderAndWriter_CheckConnectionAndTableAlike()
    {
        var reader = new SqlReader { Connection = "", Table = "1t" };
        var writer = new SqlWriter { Connection = "", Table = "1t" };

        Assert.Equal(reader.Validate(), writer.Validate());
        Assert.Equal(2, writer.Validate().Count);
    }

    [Fact]
    public void Validate_ValidWriter_HasNoProblems()
    {
        Assert.Empty(new JsonLinesWriter { Path = "out.jsonl" }.Validate());
    }
}
