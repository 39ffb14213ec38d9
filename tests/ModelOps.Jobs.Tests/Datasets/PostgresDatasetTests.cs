using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Datasets.Readers;
using ModelOps.Jobs.Datasets.Writers;
using ModelOps.Store.Tests.Infrastructure;
using Npgsql;
using static ModelOps.Jobs.Tests.Datasets.DatasetTestKit;

namespace ModelOps.Jobs.Tests.Datasets;

[Collection(PostgresCollection.Name)]
public sealed class PostgresDatasetTests(PostgresServer server) : SqlDatasetContract
{
    protected override string NotNullMessage => "null value in column \"id\" of relation \"scores\" violates not-null constraint";

    protected override string RealTypeName => "double precision";

    protected override Task<string> ConnectionAsync() => server.CreateSchemaUrlAsync();

    protected override string Display(string connection) => connection;

    protected override async Task ExecuteAsync(string connection, string sql)
    {
        var schema = connection[(connection.IndexOf("search_path=", StringComparison.Ordinal) + "search_path=".Length)..];
        await using var postgres = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = server.Host,
            Port = server.Port,
            Username = "postgres",
            Database = "modelops_tests",
            SearchPath = schema,
            Pooling = false,
        }.ToString());
        await postgres.OpenAsync();
        await using var command = new NpgsqlCommand(sql, postgres);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>timestamptz holds instants: dates of unspecified kind are taken as UTC and come back as UTC.</summary>
    protected override Frame AfterRoundTrip(Frame frame) =>
        frame.WithColumn(new DateTimeColumn("when", [.. frame.Get<DateTimeColumn>("when").ToNullableArray().Select(d => d is { } date ? DateTime.SpecifyKind(date, DateTimeKind.Utc) : (DateTime?)null)]));

    [Fact]
    public async Task Write_TextWithNulCharacterMidway_RollsBackReplace()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(Bike(3));

        var error = await Assert.ThrowsAsync<DatasetException>(() => new SqlWriter { Connection = connection, Table = "bike", BatchRows = 1 }
            .WriteAsync(new Frame(new StringColumn("season", ["ok", "also ok", "bad\0text"]))));
        var read = await new SqlReader { Connection = connection, Table = "bike" }.ReadAsync();

        Assert.Equal($"{connection}: table 'bike' row 3: invalid byte sequence for encoding \"UTF8\": 0x00", error.Message);
        AssertFramesEqual(Bike(3), read.Frame);
    }

    [Fact]
    public async Task Write_ConstraintFailsInBatch_NamesTheBatchRows()
    {
        var connection = await ConnectionAsync();
        await ExecuteAsync(connection, "CREATE TABLE scores (id bigint NOT NULL)");

        var error = await Assert.ThrowsAsync<DatasetException>(() => new SqlWriter { Connection = connection, Table = "scores", Mode = SqlWriteMode.Append, BatchRows = 2 }
            .WriteAsync(new Frame(new Int64Column("id", [10L, 11L, null, 13L, 14L]))));

        Assert.Equal($"{connection}: table 'scores' rows 3 to 4: {NotNullMessage}", error.Message);
    }

    [Fact]
    public async Task Read_JsonColumn_IsReadAsText()
    {
        var connection = await ConnectionAsync();
        await ExecuteAsync(connection, "CREATE TABLE docs (body jsonb); INSERT INTO docs VALUES ('{\"a\": 1}')");

        var read = await new SqlReader { Connection = connection, Table = "docs" }.ReadAsync();

        AssertTexts(["{\"a\": 1}"], read.Frame["body"]);
    }

    [Fact]
    public async Task Read_TableMadeBySql_MapsPostgresTypes()
    {
        var connection = await ConnectionAsync();
        await ExecuteAsync(
            connection,
            """
            CREATE TABLE hour (id integer, small smallint, amount numeric(8, 2), ratio real, note varchar(10), day date, at timestamp, seen timestamptz, flag boolean, code uuid);
            INSERT INTO hour VALUES (1, 2, 12.5, 0.5, 'calm', '2011-01-01', '2011-01-01 08:30:00', '2011-01-01 08:30:00+02', true, '6f9619ff-8b86-d011-b42d-00c04fc964ff');
            INSERT INTO hour VALUES (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
            """);

        var read = await new SqlReader { Connection = connection, Table = "hour" }.ReadAsync();

        Assert.Equal(
            [ColumnType.Int64, ColumnType.Int64, ColumnType.Float64, ColumnType.Float64, ColumnType.String, ColumnType.DateTime, ColumnType.DateTime, ColumnType.DateTime, ColumnType.Bool, ColumnType.String],
            read.Frame.Columns.Select(c => c.Type));
        Assert.Equal(["1", "2", "12.5", "0.5", "calm", "2011-01-01", "2011-01-01T08:30:00", "2011-01-01T06:30:00Z", "true", "6f9619ff-8b86-d011-b42d-00c04fc964ff"], read.Frame.Columns.Select(c => c.Format(0)));
        Assert.All(read.Frame.Columns, c => Assert.True(c.IsNull(1)));
    }

    [Fact]
    public async Task Read_UnsupportedType_SaysAFrameCannotHoldIt()
    {
        var connection = await ConnectionAsync();
        await ExecuteAsync(connection, "CREATE TABLE docs (id bigint, body bytea)");

        var error = await Assert.ThrowsAsync<DatasetException>(() => new SqlReader { Connection = connection, Table = "docs" }.ReadAsync());

        Assert.Equal($"{connection}: table 'docs': column 'body' has type bytea, which a frame cannot hold (leave it out with columns, or cast it in a view)", error.Message);
    }

    [Fact]
    public async Task Write_AppendToTimestampWithoutTimeZone_KeepsWallClock()
    {
        var connection = await ConnectionAsync();
        await ExecuteAsync(connection, "CREATE TABLE events (at timestamp, n integer)");
        var frame = new Frame(new DateTimeColumn("at", [new DateTime(2011, 6, 1, 8, 30, 0)]), new Int64Column("n", [7L]));

        await new SqlWriter { Connection = connection, Table = "events", Mode = SqlWriteMode.Append }.WriteAsync(frame);
        var read = await new SqlReader { Connection = connection, Table = "events" }.ReadAsync();

        AssertFramesEqual(frame, read.Frame);
    }

    [Fact]
    public async Task Write_LocalTime_IsStoredAsTheSameInstant()
    {
        var connection = await ConnectionAsync();
        var local = new DateTime(2011, 6, 1, 8, 30, 0, DateTimeKind.Local);

        await new SqlWriter { Connection = connection, Table = "events" }.WriteAsync(new Frame(new DateTimeColumn("at", [local])));
        var read = await new SqlReader { Connection = connection, Table = "events" }.ReadAsync();

        Assert.Equal(local.ToUniversalTime(), read.Frame.Get<DateTimeColumn>("at")[0]);
        Assert.Equal(DateTimeKind.Utc, read.Frame.Get<DateTimeColumn>("at")[0].Kind);
    }

    [Fact]
    public async Task Write_TableInOtherCase_IsAnotherTable()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "Bike" }.WriteAsync(Bike(2));

        var error = await Assert.ThrowsAsync<DatasetException>(() => new SqlReader { Connection = connection, Table = "bike" }.ReadAsync());

        Assert.Equal($"{connection}: table 'bike' not found, did you mean Bike?", error.Message);
    }

    [Fact]
    public async Task Read_UnreachableServer_NamesTheDatabase()
    {
        var connection = $"postgresql://postgres:secret@127.0.0.1:{FreePort.Next()}/nowhere";

        var error = await Assert.ThrowsAsync<DatasetException>(() => new SqlReader { Connection = connection, Table = "bike" }.ReadAsync());

        Assert.StartsWith("postgresql://postgres@127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("/nowhere: cannot open the database: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }
}
