using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Datasets.Readers;
using ModelOps.Jobs.Datasets.Writers;
using static ModelOps.Jobs.Tests.Datasets.DatasetTestKit;

namespace ModelOps.Jobs.Tests.Datasets;

/// <summary>What <see cref="SqlReader"/> and <see cref="SqlWriter"/> do on every engine; each engine's class runs these on a real database.</summary>
public abstract class SqlDatasetContract
{
    /// <summary>The connection text of a fresh, empty database.</summary>
    protected abstract Task<string> ConnectionAsync();

    /// <summary>How messages name the database of <paramref name="connection"/>.</summary>
    protected abstract string Display(string connection);

    /// <summary>Runs SQL on the database, outside the writer.</summary>
    protected abstract Task ExecuteAsync(string connection, string sql);

    /// <summary>The database's message for a NULL in NOT NULL column <c>id</c> of table <c>scores</c> (row values 3 / null).</summary>
    protected abstract string NotNullMessage { get; }

    /// <summary>What the frame looks like after a trip through the database.</summary>
    protected virtual Frame AfterRoundTrip(Frame frame) => frame;

    protected static Frame Bike(int rows, int offset = 0)
    {
        var instant = new long[rows];
        var temp = new double?[rows];
        var season = new string?[rows];
        for (var i = 0; i < rows; i++)
        {
            instant[i] = i + 1 + offset;
            temp[i] = i == 1 ? null : 0.02 * (i + offset);
            season[i] = (i % 3) switch { 0 => "spring", 1 => "summer", _ => null };
        }

        return new Frame(new Int64Column("instant", instant), new Float64Column("temp", temp), new StringColumn("season", season));
    }

    [Fact]
    public async Task WriteThenRead_EveryColumnType_GivesEqualFrame()
    {
        var connection = await ConnectionAsync();
        var frame = AllTypes();

        var uri = await new SqlWriter { Connection = connection, Table = "all_types" }.WriteAsync(frame);
        var read = await new SqlReader { Connection = connection, Table = "all_types" }.ReadAsync();

        AssertFramesEqual(AfterRoundTrip(frame), read.Frame);
        Assert.Equal(uri, read.SourceUri);
        Assert.EndsWith("#all_types", uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ColumnsLimitAndOrder_SelectsThoseRows()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(Bike(10));

        var read = await new SqlReader { Connection = connection, Table = "bike", Columns = ["season", "instant"], OrderBy = ["instant desc"], Limit = 3 }.ReadAsync();

        Assert.Equal(["season", "instant"], read.Frame.ColumnNames);
        AssertTexts(["10", "9", "8"], read.Frame["instant"]);
        AssertTexts(["spring", null, "summer"], read.Frame["season"]);
    }

    [Fact]
    public async Task Read_SchemaViolation_NamesTheTableAndZeroBasedRows()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(Bike(5));
        var schema = Path.Combine(Path.GetTempPath(), $"modelops-sql-schema-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(schema, "name: bike\ncolumns:\n  temp: {type: float64, nullable: false}\n");
        try
        {
            var error = await Assert.ThrowsAsync<Core.Schemas.SchemaException>(() => new SqlReader { Connection = connection, Table = "bike", OrderBy = ["instant"], Schema = schema }.ReadAsync());

            Assert.Equal("Schema 'bike' failed on table 'bike' with 1 violation:\n  - column 'temp': not nullable: 1 row, first: row 1 = null", error.Message);
        }
        finally
        {
            File.Delete(schema);
        }
    }

    [Fact]
    public async Task Read_WithoutOrder_KeepsInsertionOrder()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(Bike(5));

        var read = await new SqlReader { Connection = connection, Table = "bike", Limit = 2 }.ReadAsync();

        AssertTexts(["1", "2"], read.Frame["instant"]);
    }

    [Fact]
    public async Task Read_UnknownColumn_SuggestsClosest()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(Bike(2));

        var error = await Assert.ThrowsAsync<DatasetException>(() => new SqlReader { Connection = connection, Table = "bike", Columns = ["instant", "tmp"] }.ReadAsync());

        Assert.Equal($"{Display(connection)}: table 'bike': column 'tmp' not found, did you mean temp?", error.Message);
    }

    [Fact]
    public async Task Read_UnknownOrderColumn_ListsColumns()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(Bike(2));

        var error = await Assert.ThrowsAsync<DatasetException>(() => new SqlReader { Connection = connection, Table = "bike", OrderBy = ["weathersit"] }.ReadAsync());

        Assert.Equal($"{Display(connection)}: table 'bike': column 'weathersit' not found (columns: instant, temp, season)", error.Message);
    }

    [Fact]
    public async Task Read_UnknownTable_SuggestsClosest()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(Bike(2));

        var error = await Assert.ThrowsAsync<DatasetException>(() => new SqlReader { Connection = connection, Table = "bikes" }.ReadAsync());

        Assert.Equal($"{Display(connection)}: table 'bikes' not found, did you mean bike?", error.Message);
    }

    [Fact]
    public async Task Read_EmptyTable_GivesTypedEmptyFrame()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(Bike(0));

        var read = await new SqlReader { Connection = connection, Table = "bike" }.ReadAsync();

        Assert.Equal(0, read.Frame.RowCount);
        Assert.Equal([ColumnType.Int64, ColumnType.Float64, ColumnType.String], read.Frame.Columns.Select(c => c.Type));
    }

    [Fact]
    public async Task Digest_SameRows_SameDigest_ChangedRow_OtherDigest()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "first" }.WriteAsync(Bike(20));
        await new SqlWriter { Connection = connection, Table = "second" }.WriteAsync(Bike(20));
        await new SqlWriter { Connection = connection, Table = "third" }.WriteAsync(Bike(20, offset: 1));

        var first = await new SqlReader { Connection = connection, Table = "first" }.ReadAsync();
        var second = await new SqlReader { Connection = connection, Table = "second" }.ReadAsync();
        var third = await new SqlReader { Connection = connection, Table = "third" }.ReadAsync();
        var limited = await new SqlReader { Connection = connection, Table = "first", Limit = 19 }.ReadAsync();

        Assert.Matches("^sha256:[0-9a-f]{64}$", first.Digest);
        Assert.Equal(first.Digest, second.Digest);
        Assert.NotEqual(first.Digest, third.Digest);
        Assert.NotEqual(first.Digest, limited.Digest);
    }

    [Fact]
    public async Task ToLineage_NamesTheTable()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(Bike(4));
        var read = await new SqlReader { Connection = connection, Table = "bike" }.ReadAsync();

        var lineage = read.ToLineage("inputs", "inference");

        Assert.Equal(("inputs", "inference", read.SourceUri, read.Digest, 4L, 3), (lineage.Name, lineage.Context, lineage.SourceUri, lineage.Digest, lineage.RowCount, lineage.ColumnCount));
        Assert.Equal(["instant:int64", "temp:float64", "season:string"], lineage.Columns.Select(c => $"{c.Name}:{c.Type}"));
        Assert.DoesNotContain("secret", lineage.SourceUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_Replace_ReplacesRowsAndColumns()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(Bike(5));

        await new SqlWriter { Connection = connection, Table = "bike", Mode = SqlWriteMode.Replace }.WriteAsync(new Frame(new BoolColumn("ok", [true, false])));
        var read = await new SqlReader { Connection = connection, Table = "bike" }.ReadAsync();

        Assert.Equal(["ok"], read.Frame.ColumnNames);
        AssertTexts(["true", "false"], read.Frame["ok"]);
    }

    [Fact]
    public async Task Write_FailModeOnExistingTable_NamesItAndKeepsIt()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(Bike(3));

        var error = await Assert.ThrowsAsync<DatasetException>(() => new SqlWriter { Connection = connection, Table = "bike", Mode = SqlWriteMode.Fail }.WriteAsync(Bike(7)));
        var read = await new SqlReader { Connection = connection, Table = "bike" }.ReadAsync();

        Assert.Equal($"{Display(connection)}: table 'bike' already exists (mode Fail; use mode Replace to overwrite it or Append to add rows)", error.Message);
        Assert.Equal(3, read.Frame.RowCount);
    }

    [Fact]
    public async Task Write_FailModeOnNewTable_CreatesIt()
    {
        var connection = await ConnectionAsync();

        await new SqlWriter { Connection = connection, Table = "bike", Mode = SqlWriteMode.Fail }.WriteAsync(Bike(3));
        var read = await new SqlReader { Connection = connection, Table = "bike" }.ReadAsync();

        AssertFramesEqual(Bike(3), read.Frame);
    }

    [Fact]
    public async Task Write_Append_AddsRowsAndFillsMissingColumnsWithNull()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(Bike(3));

        await new SqlWriter { Connection = connection, Table = "bike", Mode = SqlWriteMode.Append }.WriteAsync(new Frame(new Int64Column("instant", [4L, 5L])));
        var read = await new SqlReader { Connection = connection, Table = "bike" }.ReadAsync();

        AssertTexts(["1", "2", "3", "4", "5"], read.Frame["instant"]);
        AssertTexts(["0", null, "0.04", null, null], read.Frame["temp"]);
    }

    [Fact]
    public async Task Write_AppendInt64ToFloat64Column_Widens()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(Bike(1));

        await new SqlWriter { Connection = connection, Table = "bike", Mode = SqlWriteMode.Append }.WriteAsync(new Frame(new Int64Column("temp", [7L])));
        var read = await new SqlReader { Connection = connection, Table = "bike" }.ReadAsync();

        AssertTexts(["0", "7"], read.Frame["temp"]);
    }

    [Fact]
    public async Task Write_AppendColumnTheTableCannotHold_FailsAndKeepsTable()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(Bike(3));

        var error = await Assert.ThrowsAsync<DatasetException>(() => new SqlWriter { Connection = connection, Table = "bike", Mode = SqlWriteMode.Append }
            .WriteAsync(new Frame(new Int64Column("instant", [9L]), new StringColumn("temp", ["warm"]))));
        var read = await new SqlReader { Connection = connection, Table = "bike" }.ReadAsync();

        Assert.Equal($"{Display(connection)}: table 'bike': column 'temp' is string in the frame but {RealTypeName} in the table, which cannot hold it", error.Message);
        AssertFramesEqual(Bike(3), read.Frame);
    }

    /// <summary>How the database names the type of a float64 column it created.</summary>
    protected abstract string RealTypeName { get; }

    [Fact]
    public async Task Write_AppendUnknownColumn_SuggestsClosest()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(Bike(1));

        var error = await Assert.ThrowsAsync<DatasetException>(() => new SqlWriter { Connection = connection, Table = "bike", Mode = SqlWriteMode.Append }
            .WriteAsync(new Frame(new StringColumn("seasons", ["x"]))));

        Assert.Equal($"{Display(connection)}: table 'bike' has no column 'seasons', did you mean season?", error.Message);
    }

    [Fact]
    public async Task Write_ConstraintFailsMidway_RollsBackEveryRow()
    {
        var connection = await ConnectionAsync();
        await ExecuteAsync(connection, "CREATE TABLE scores (id BIGINT NOT NULL, x DOUBLE PRECISION); INSERT INTO scores VALUES (1, 0.5); INSERT INTO scores VALUES (2, 1.5)");

        var error = await Assert.ThrowsAsync<DatasetException>(() => new SqlWriter { Connection = connection, Table = "scores", Mode = SqlWriteMode.Append, BatchRows = 1 }
            .WriteAsync(new Frame(new Int64Column("id", [10L, 11L, null, 13L]), new Float64Column("x", [1.0, 2.0, 3.0, 4.0]))));
        var read = await new SqlReader { Connection = connection, Table = "scores" }.ReadAsync();

        Assert.Equal($"{Display(connection)}: table 'scores' row 3: {NotNullMessage}", error.Message);
        AssertTexts(["1", "2"], read.Frame["id"]);
        AssertTexts(["0.5", "1.5"], read.Frame["x"]);
    }

    [Fact]
    public async Task Write_ReplaceCancelledMidway_KeepsOldTable()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(Bike(3));
        using var cancel = new CancellationTokenSource();
        var batches = new List<long>();
        var writer = new SqlWriter
        {
            Connection = connection,
            Table = "bike",
            BatchRows = 2,
            RowsWritten = rows =>
            {
                batches.Add(rows);
                cancel.Cancel();
                return Task.CompletedTask;
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.WriteAsync(Bike(9, offset: 100), cancel.Token));
        var read = await new SqlReader { Connection = connection, Table = "bike" }.ReadAsync();

        Assert.Equal([2L], batches);
        AssertFramesEqual(Bike(3), read.Frame);
    }

    [Fact]
    public async Task Write_ReaderDuringAppend_SeesOnlyCommittedRows()
    {
        var connection = await ConnectionAsync();
        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(Bike(3));
        var seen = new List<int>();
        var reader = new SqlReader { Connection = connection, Table = "bike" };
        var writer = new SqlWriter
        {
            Connection = connection,
            Table = "bike",
            Mode = SqlWriteMode.Append,
            BatchRows = 2,
            RowsWritten = async _ => seen.Add((await reader.ReadAsync()).Frame.RowCount),
        };

        await writer.WriteAsync(Bike(5, offset: 3));
        var after = await new SqlReader { Connection = connection, Table = "bike" }.ReadAsync();

        Assert.Equal([3, 3, 3], seen);
        AssertFramesEqual(Frame.Concat(Bike(3), Bike(5, offset: 3)), after.Frame);
    }

    [Fact]
    public async Task Write_HostileNamesAndValues_AreStoredLiterally()
    {
        var connection = await ConnectionAsync();
        var frame = new Frame(
            new StringColumn("name\"; DROP TABLE bike; --", ["'); DROP TABLE bike; --", "\"quoted\""]),
            new Int64Column("Mixed Case", [1L, 2L]));

        await new SqlWriter { Connection = connection, Table = "bike" }.WriteAsync(frame);
        var read = await new SqlReader { Connection = connection, Table = "bike" }.ReadAsync();

        AssertFramesEqual(frame, read.Frame);
    }

    [Theory]
    [InlineData("bike\"; DROP TABLE bike; --")]
    [InlineData("bike' OR '1'='1")]
    [InlineData("")]
    public async Task Write_InjectionInTableName_IsRejectedBeforeConnecting(string table)
    {
        var connection = await ConnectionAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => new SqlWriter { Connection = connection, Table = table }.WriteAsync(Bike(1)));

        var expected = table.Length == 0 ? "table: must not be empty"
            : $"table: '{table}' is not a valid table name: use a letter or '_', then letters, digits or '_' (at most 63 characters)";
        Assert.Equal($"Invalid SqlWriter: {expected}.", error.Message);
    }
}
