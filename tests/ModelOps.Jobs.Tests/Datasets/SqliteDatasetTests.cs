using Microsoft.Data.Sqlite;
using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Datasets.Readers;
using ModelOps.Jobs.Datasets.Writers;
using static ModelOps.Jobs.Tests.Datasets.DatasetTestKit;

namespace ModelOps.Jobs.Tests.Datasets;

public sealed class SqliteDatasetTests : SqlDatasetContract, IDisposable
{
    private readonly string _folder = TemporaryFolder();

    protected override string NotNullMessage => "NOT NULL constraint failed: scores.id";

    protected override string RealTypeName => "REAL";

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>SQLite keeps a REAL with no fraction as an integer, so -0.0 comes back as 0.</summary>
    protected override Frame AfterRoundTrip(Frame frame) =>
        frame.WithColumn(new Float64Column("x", [.. frame.Get<Float64Column>("x").ToNullableArray().Select(v => v is 0.0 ? 0.0 : v)]));

    protected override Task<string> ConnectionAsync() => Task.FromResult("sqlite:" + Path.Combine(_folder, "data", "bike.db"));

    protected override string Display(string connection) => connection;

    protected override async Task ExecuteAsync(string connection, string sql)
    {
        var path = connection["sqlite:".Length..];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var sqlite = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await sqlite.OpenAsync();
        await using var command = sqlite.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Connection_PathEndingDb_IsSqliteAndItsFolderIsCreated()
    {
        var path = Path.Combine(_folder, "new", "deeper", "out.sqlite");

        var uri = await new SqlWriter { Connection = path, Table = "bike" }.WriteAsync(Bike(2));

        Assert.Equal($"sqlite:{path}#bike", uri);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task Read_MissingDatabaseFile_SaysSoWithoutCreatingIt()
    {
        var connection = "sqlite:" + Path.Combine(_folder, "missing.db");

        var error = await Assert.ThrowsAsync<DatasetException>(() => new SqlReader { Connection = connection, Table = "bike" }.ReadAsync());

        Assert.Equal($"{connection}: database file not found", error.Message);
        Assert.False(File.Exists(Path.Combine(_folder, "missing.db")));
    }

    [Fact]
    public async Task Read_EmptyDatabase_SaysItHasNoTables()
    {
        var connection = await ConnectionAsync();
        await ExecuteAsync(connection, "CREATE TABLE unrelated_thing (a INTEGER); DROP TABLE unrelated_thing");

        var error = await Assert.ThrowsAsync<DatasetException>(() => new SqlReader { Connection = connection, Table = "bike" }.ReadAsync());

        Assert.Equal($"{connection}: table 'bike' not found (the database has no tables)", error.Message);
    }

    [Fact]
    public async Task Read_TableNameInOtherCase_FindsIt()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "Bike" }.WriteAsync(Bike(2));

        var read = await new SqlReader { Connection = connection, Table = "bike" }.ReadAsync();

        Assert.Equal(2, read.Frame.RowCount);
    }

    [Fact]
    public async Task Read_TableMadeBySql_MapsDeclaredTypes()
    {
        var connection = await ConnectionAsync();
        await ExecuteAsync(
            connection,
            """
            CREATE TABLE hour (id INT PRIMARY KEY, dteday DATE, at TIMESTAMP, hum NUMERIC(4, 2), holiday BOOL, note VARCHAR(20), extra);
            INSERT INTO hour VALUES (1, '2011-01-01', '2011-01-01 08:30:00', 0.81, 0, 'calm', 5);
            INSERT INTO hour VALUES (2, '2011-01-02', '2011-01-02T09:00:00.5Z', NULL, 1, NULL, 6.5);
            """);

        var read = await new SqlReader { Connection = connection, Table = "hour" }.ReadAsync();

        Assert.Equal(
            [ColumnType.Int64, ColumnType.DateTime, ColumnType.DateTime, ColumnType.Float64, ColumnType.Bool, ColumnType.String, ColumnType.Float64],
            read.Frame.Columns.Select(c => c.Type));
        AssertTexts(["2011-01-01T08:30:00", "2011-01-02T09:00:00.5Z"], read.Frame["at"]);
        AssertTexts(["0.81", null], read.Frame["hum"]);
        AssertTexts(["false", "true"], read.Frame["holiday"]);
        AssertTexts(["5", "6.5"], read.Frame["extra"]);
    }

    [Fact]
    public async Task Read_ViewWithUntypedColumns_TakesTypesFromValues()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(Bike(3));
        await ExecuteAsync(connection, "CREATE VIEW doubled AS SELECT instant * 2 AS twice, temp * 2 AS warm, season || '!' AS loud FROM bike");

        var read = await new SqlReader { Connection = connection, Table = "doubled" }.ReadAsync();

        Assert.Equal([ColumnType.Int64, ColumnType.Float64, ColumnType.String], read.Frame.Columns.Select(c => c.Type));
        AssertTexts(["2", "4", "6"], read.Frame["twice"]);
        AssertTexts(["0", null, "0.08"], read.Frame["warm"]);
        AssertTexts(["spring!", "summer!", null], read.Frame["loud"]);
    }

    [Fact]
    public async Task Read_TextInRealColumn_NamesRowAndColumn()
    {
        var connection = await ConnectionAsync();
        await ExecuteAsync(connection, "CREATE TABLE m (x REAL); INSERT INTO m VALUES (1.5); INSERT INTO m VALUES ('abc')");

        var error = await Assert.ThrowsAsync<DatasetException>(() => new SqlReader { Connection = connection, Table = "m" }.ReadAsync());

        Assert.Equal($"{connection}: table 'm' row 2, column 'x': 'abc' is not a float64", error.Message);
    }

    [Fact]
    public async Task Read_BlobColumn_SaysAFrameCannotHoldIt()
    {
        var connection = await ConnectionAsync();
        await ExecuteAsync(connection, "CREATE TABLE files (name TEXT, content BLOB)");

        var error = await Assert.ThrowsAsync<DatasetException>(() => new SqlReader { Connection = connection, Table = "files" }.ReadAsync());
        var names = await new SqlReader { Connection = connection, Table = "files", Columns = ["name"] }.ReadAsync();

        Assert.Equal($"{connection}: table 'files': column 'content' has type BLOB, which a frame cannot hold (leave it out with columns, or cast it in a view)", error.Message);
        Assert.Equal(["name"], names.Frame.ColumnNames);
    }

    [Fact]
    public async Task Write_NaN_IsStoredAsNull()
    {
        var connection = await ConnectionAsync();

        await new SqlWriter { Connection = connection, Table = "m" }.WriteAsync(new Frame(new Float64Column("x", [double.NaN, double.PositiveInfinity, 1.5])));
        var read = await new SqlReader { Connection = connection, Table = "m" }.ReadAsync();

        AssertTexts([null, "Infinity", "1.5"], read.Frame["x"]);
    }

    [Fact]
    public async Task Write_BikeData_RoundTripsWholeFile()
    {
        var connection = await ConnectionAsync();
        var hour = await new CsvReader { Path = TestData("hour.csv") }.ReadAsync();

        await new SqlWriter { Connection = connection, Table = "hour" }.WriteAsync(hour.Frame);
        var read = await new SqlReader { Connection = connection, Table = "hour" }.ReadAsync();

        Assert.Equal(17_379, read.Frame.RowCount);
        AssertFramesEqual(hour.Frame, read.Frame);
    }
}
