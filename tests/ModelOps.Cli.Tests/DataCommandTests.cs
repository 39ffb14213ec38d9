namespace ModelOps.Cli.Tests;

public sealed class DataCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("modelops-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void DataCheck_ShippedData_PassesSchemasAndSummarizes()
    {
        var bike = CliProcess.Run("data", "check", "data/bike_sharing/hour.csv", "--schema", "configs/schemas/bike_inputs.yaml", "configs/schemas/bike_target.yaml");
        var credit = CliProcess.Run("data", "check", "data/german_credit/german_credit.csv", "--schema", "configs/schemas/credit_inputs.yaml", "configs/schemas/credit_target.yaml");

        Assert.Equal(0, bike.ExitCode);
        Assert.Contains("data/bike_sharing/hour.csv: 17,379 rows x 17 columns", bike.Stdout, StringComparison.Ordinal);
        Assert.Contains("passed bike_inputs, bike_target", bike.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, credit.ExitCode);
        Assert.Contains("data/german_credit/german_credit.csv: 1,000 rows x 22 columns", credit.Stdout, StringComparison.Ordinal);
        Assert.Contains("passed credit_inputs, credit_target", credit.Stdout, StringComparison.Ordinal);
        Assert.Contains("no checking (394), <0 (274), 0<=X<200 (269)", credit.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, bike.Stderr + credit.Stderr);
    }

    [Fact]
    public void DataCheck_Parquet_IsReadWithItsTypesAndCheckedLikeCsv()
    {
        var result = CliProcess.Run("data", "check", "data/bike_sharing/hour.parquet", "--schema", "configs/schemas/bike_inputs.yaml", "configs/schemas/bike_target.yaml");
        var bad = CliProcess.Run("data", "check", "tests/fixtures/parquet/not_parquet.parquet", "--schema", "configs/schemas/bike_inputs.yaml");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("data/bike_sharing/hour.parquet: 17,379 rows x 17 columns", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("passed bike_inputs, bike_target", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(3, bad.ExitCode);
        Assert.Equal("error: tests/fixtures/parquet/not_parquet.parquet: not a Parquet file, or a damaged one: Invalid: Parquet magic bytes not found in footer. Either the file is corrupted or this is not a parquet file.\n", bad.Stderr);
    }

    [Fact]
    public void DataCheck_BrokenData_ExitsThreeListingViolations()
    {
        var csv = Path.Combine(_folder, "target.csv");
        File.WriteAllText(csv, "cnt\n3\n-1\nx\n");

        var result = CliProcess.Run("data", "check", csv, "--schema", "configs/schemas/bike_target.yaml");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            $"error: Schema 'bike_target' failed on {csv} with 2 violations:\n" +
            "  - column 'cnt': type int64: 1 row, first: line 4 = x\n" +
            "  - column 'cnt': minimum 0: 1 row, first: line 3 = -1\n",
            result.Stderr);
    }

    [Fact]
    public void DataCheck_BrokenParquet_ExitsThreeNamingTheRowGroups()
    {
        var path = Path.Combine(_folder, "target.parquet");
        ModelOps.Jobs.Datasets.Dataset.WriteParquet(
            path,
            new ModelOps.Core.Data.Frame(new ModelOps.Core.Data.StringColumn("cnt", ["3", "5", "-1", "x"])),
            new ModelOps.Jobs.Datasets.Parquet.ParquetWriteOptions { RowGroupSize = 2 });

        var result = CliProcess.Run("data", "check", path, "--schema", "configs/schemas/bike_target.yaml");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            $"error: Schema 'bike_target' failed on {path} with 2 violations:\n" +
            "  - column 'cnt': type int64: 1 row, first: row 3 (row group 1) = x\n" +
            "  - column 'cnt': minimum 0: 1 row, first: row 2 (row group 1) = -1\n",
            result.Stderr);
    }

    [Fact]
    public void DataCheck_MissingDataFile_ExitsThree()
    {
        var result = CliProcess.Run("data", "check", "data/none.csv", "--schema", "configs/schemas/bike_target.yaml");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("error: data/none.csv: file not found\n", result.Stderr);
    }

    [Fact]
    public void DataCheck_MissingSchemaFile_ExitsTwo()
    {
        var result = CliProcess.Run("data", "check", "data/bike_sharing/hour.csv", "--schema", "configs/schemas/nope.yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: configs/schemas/nope.yaml: schema file not found\n", result.Stderr);
    }

    [Fact]
    public void Run_MisspeltCommand_SuggestsTheNearest()
    {
        var result = CliProcess.Run("modles", "list");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: Unrecognized command or argument 'modles', did you mean models?\n", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void DataCheck_NoSchemaOption_ExitsTwo()
    {
        var result = CliProcess.Run("data", "check", "data/bike_sharing/hour.csv");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: Option '--schema' is required.", result.Stderr, StringComparison.Ordinal);
    }
}
