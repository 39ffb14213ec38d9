using ModelOps.Core.Data;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Datasets.Readers;
using ModelOps.Jobs.Datasets.Writers;

namespace ModelOps.Jobs.Tests.Datasets;

/// <summary>A config with one reader and one writer, as jobs hold them.</summary>
public sealed record DatasetsConfig
{
    public required DatasetReader Inputs { get; init; }

    public DatasetWriter? Outputs { get; init; }
}

public sealed class DatasetKindsTests
{
    private static DatasetsConfig Bind(string yaml) =>
        new ConfigBinder(ConfigKinds.CreateStandard().AddDatasets()).Bind<DatasetsConfig>(new ConfigLoader(_ => null).Merge([new("job.yaml", yaml)]));

    private static string Error(string yaml) => Assert.Throws<ConfigException>(() => Bind(yaml)).Message;

    [Fact]
    public void AddDatasets_RegistersTheNineKindsByName()
    {
        var kinds = ConfigKinds.CreateStandard().AddDatasets();

        Assert.Equal(["CsvReader", "GroupLogReader", "JsonLinesReader", "ParquetReader", "SqlReader"], kinds.KindsOf(typeof(DatasetReader)).Keys);
        Assert.Equal(["CsvWriter", "JsonLinesWriter", "ParquetWriter", "SqlWriter"], kinds.KindsOf(typeof(DatasetWriter)).Keys);
    }

    [Fact]
    public void ConfigSchema_DescribesReadersAndWriters()
    {
        using var schema = System.Text.Json.JsonDocument.Parse(ConfigSchema.Generate(typeof(DatasetsConfig), ConfigKinds.CreateStandard().AddDatasets()));
        var defs = schema.RootElement.GetProperty("$defs");

        var sqlReader = defs.GetProperty("SqlReader");
        Assert.Equal(["connection", "table"], sqlReader.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(
            ["KIND", "limit", "schema", "connection", "table", "columns", "order_by"],
            sqlReader.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, sqlReader.GetProperty("properties").GetProperty("limit").GetProperty("minimum").GetInt32());
        Assert.Equal(
            ["Replace", "Append", "Fail"],
            defs.GetProperty("SqlWriter").GetProperty("properties").GetProperty("mode").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Bind_CsvReaderWithEveryField_BindsThem()
    {
        var config = Bind(
            """
            inputs:
              KIND: CsvReader
              path: data/bike_sharing/hour.csv
              limit: 100
              schema: configs/schemas/bike_inputs.yaml
              columns: [dteday, temp, cnt]
              column_types: {temp: float64, cnt: int64, dteday: datetime}
              null_values: ["", NA]
              delimiter: ";"
            outputs: {KIND: CsvWriter, path: out/preds.csv}
            """);

        var reader = Assert.IsType<CsvReader>(config.Inputs);
        Assert.Equal("data/bike_sharing/hour.csv", reader.Path);
        Assert.Equal(100L, reader.Limit);
        Assert.Equal("configs/schemas/bike_inputs.yaml", reader.Schema);
        Assert.Equal(["dteday", "temp", "cnt"], reader.Columns);
        Assert.Equal(ColumnType.Float64, reader.ColumnTypes!["temp"]);
        Assert.Equal(ColumnType.Int64, reader.ColumnTypes["cnt"]);
        Assert.Equal(ColumnType.DateTime, reader.ColumnTypes["dteday"]);
        Assert.Equal(["", "NA"], reader.NullValues);
        Assert.Equal(";", reader.Delimiter);
        Assert.Equal("out/preds.csv", Assert.IsType<CsvWriter>(config.Outputs).Path);
    }

    [Fact]
    public void Bind_JsonLinesKinds_BindThem()
    {
        var config = Bind(
            """
            inputs: {KIND: JsonLinesReader, path: in.jsonl, columns: [a, b], column_types: {a: string}}
            outputs: {KIND: JsonLinesWriter, path: out.jsonl}
            """);

        var reader = Assert.IsType<JsonLinesReader>(config.Inputs);
        Assert.Equal("in.jsonl", reader.Path);
        Assert.Equal(["a", "b"], reader.Columns);
        Assert.Equal(ColumnType.String, reader.ColumnTypes!["a"]);
        Assert.Null(reader.Limit);
        Assert.Null(reader.Schema);
        Assert.Equal("out.jsonl", Assert.IsType<JsonLinesWriter>(config.Outputs).Path);
    }

    [Fact]
    public void Bind_SqlKinds_BindThem()
    {
        var config = Bind(
            """
            inputs:
              KIND: SqlReader
              connection: sqlite:data/bike.db
              table: hour
              columns: [dteday, cnt]
              order_by: [dteday desc, hr]
              limit: 24
            outputs: {KIND: SqlWriter, connection: "postgresql://ml@db.internal:5433/bikes", table: predictions, mode: append}
            """);

        var reader = Assert.IsType<SqlReader>(config.Inputs);
        Assert.Equal("sqlite:data/bike.db", reader.Connection);
        Assert.Equal("hour", reader.Table);
        Assert.Equal(["dteday", "cnt"], reader.Columns);
        Assert.Equal(["dteday desc", "hr"], reader.OrderBy);
        Assert.Equal(24L, reader.Limit);
        var writer = Assert.IsType<SqlWriter>(config.Outputs);
        Assert.Equal("postgresql://ml@db.internal:5433/bikes", writer.Connection);
        Assert.Equal("predictions", writer.Table);
        Assert.Equal(SqlWriteMode.Append, writer.Mode);
    }

    [Fact]
    public void Bind_SqlWriterWithoutMode_Replaces()
    {
        var config = Bind("inputs: {KIND: CsvReader, path: a.csv}\noutputs: {KIND: SqlWriter, connection: out.db, table: t}\n");

        Assert.Equal(SqlWriteMode.Replace, Assert.IsType<SqlWriter>(config.Outputs).Mode);
    }

    [Fact]
    public void Bind_UnknownKind_SuggestsClosest()
    {
        var message = Error("inputs: {KIND: CsvReadr, path: a.csv}\n");

        Assert.Equal("job.yaml:1: inputs.KIND: unknown kind 'CsvReadr', did you mean CsvReader?", message);
    }

    [Fact]
    public void Bind_WriterKindAsReader_ListsTheReaderKinds()
    {
        var message = Error("inputs: {KIND: CsvWriter, path: a.csv}\n");

        Assert.Equal("job.yaml:1: inputs.KIND: unknown kind 'CsvWriter', expected one of CsvReader, GroupLogReader, JsonLinesReader, ParquetReader, SqlReader", message);
    }

    [Fact]
    public void Bind_UnknownField_SuggestsClosest()
    {
        var message = Error("inputs:\n  KIND: SqlReader\n  connection: x.db\n  table: hour\n  ordr_by: [hr]\n");

        Assert.Equal("job.yaml:5: inputs.ordr_by: unknown field, did you mean order_by?", message);
    }

    [Fact]
    public void Bind_MissingPath_NamesIt()
    {
        var message = Error("inputs: {KIND: CsvReader, limit: 5}\n");

        Assert.Equal("job.yaml:1: inputs: missing field 'path'", message);
    }

    [Fact]
    public void Bind_LimitZero_IsAProblemAtTheReader()
    {
        var message = Error("inputs:\n  KIND: CsvReader\n  path: a.csv\n  limit: 0\n");

        Assert.Equal("job.yaml:2: inputs: limit = 0: must be at least 1", message);
    }

    [Fact]
    public void Bind_EmptyPathAndBadDelimiter_ListsBoth()
    {
        var message = Error("inputs: {KIND: CsvReader, path: '', delimiter: ';;', columns: [a, a]}\n");

        Assert.Equal(
            "3 config problems:\n"
            + "  - job.yaml:1: inputs: path: must not be empty\n"
            + "  - job.yaml:1: inputs: columns: 'a' is listed more than once\n"
            + "  - job.yaml:1: inputs: delimiter: must be one ASCII character other than a double quote, CR or LF, not ';;'",
            message);
    }

    [Theory]
    [InlineData("bike; DROP TABLE runs")]
    [InlineData("bike\\\" --")]
    [InlineData("1bike")]
    [InlineData("bike-2011")]
    [InlineData("public.bike")]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890123x")]
    public void Bind_InvalidTableNames_AreRejected(string table)
    {
        var message = Error($"inputs: {{KIND: SqlReader, connection: x.db, table: \"{table}\"}}\n");

        var written = table.Replace("\\\"", "\"", StringComparison.Ordinal);
        Assert.Equal($"job.yaml:1: inputs: table: '{written}' is not a valid table name: use a letter or '_', then letters, digits or '_' (at most 63 characters)", message);
    }

    [Fact]
    public void Bind_LongestValidTableName_IsAccepted()
    {
        var table = "_" + new string('a', 62);

        var config = Bind($"inputs: {{KIND: SqlReader, connection: x.db, table: {table}}}\n");

        Assert.Equal(table, Assert.IsType<SqlReader>(config.Inputs).Table);
    }

    [Fact]
    public void Bind_UnknownConnection_SaysWhatIsAccepted()
    {
        var message = Error("inputs: {KIND: SqlReader, connection: mysql://db/x, table: t}\n");

        Assert.Equal("job.yaml:1: inputs: connection: 'mysql://db/x' is neither a SQLite file (sqlite:path/to.db, or a path ending .db or .sqlite) nor a postgresql:// URL", message);
    }

    [Fact]
    public void Bind_PostgresUrlWithUnknownOption_RedactsThePassword()
    {
        var message = Error("outputs: {KIND: SqlWriter, connection: 'postgresql://ml:secret@db/x?pool=3', table: t}\ninputs: {KIND: CsvReader, path: a.csv}\n");

        Assert.Equal("job.yaml:1: outputs: connection: database URL 'postgresql://ml:***@db/x?pool=3' is invalid: unknown option 'pool' (known: sslmode, search_path, schema, application_name)", message);
    }

    [Fact]
    public void Bind_UnknownMode_ListsTheModes()
    {
        var message = Error("inputs: {KIND: CsvReader, path: a.csv}\noutputs: {KIND: SqlWriter, connection: x.db, table: t, mode: overwrite}\n");

        Assert.Equal("job.yaml:2: outputs.mode: expected one of Replace, Append, Fail, found 'overwrite'", message);
    }

    [Fact]
    public async Task Validate_ReaderBuiltInCode_ThrowsOnRead()
    {
        var reader = new SqlReader { Connection = "x.db", Table = "t; --", Limit = -1 };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => reader.ReadAsync());

        Assert.Equal(
            "Invalid SqlReader: limit = -1: must be at least 1; table: 't; --' is not a valid table name: use a letter or '_', then letters, digits or '_' (at most 63 characters).",
            error.Message);
    }
}
