using ModelOps.Core.Data;
using ModelOps.Core.Schemas;

namespace ModelOps.Core.Tests.Schemas;

public sealed class SchemaTests
{
    private static Schema BikeLike(bool strict = false) => new("bike", [
        new ColumnSchema("season", ColumnType.Int64) { AllowedValues = ["1", "2", "3", "4"] },
        new ColumnSchema("temp", ColumnType.Float64) { Minimum = 0, Maximum = 1 },
        new ColumnSchema("cnt", ColumnType.Int64) { Minimum = 0 },
    ], strict);

    [Fact]
    public void Check_ValidFrame_ReturnsSameColumns()
    {
        var frame = new Frame(
            new Int64Column("season", [1L, 4L]),
            new Float64Column("temp", [0.0, 1.0]),
            new Int64Column("cnt", [0L, 977L]));

        var checkedFrame = BikeLike().Check(frame);

        Assert.Same(frame["temp"], checkedFrame["temp"]);
    }

    [Fact]
    public void Check_SeveralViolations_ListsEveryOneInOneMessage()
    {
        var frame = new Frame(
            new Int64Column("season", [1L, 7L, 2L, 0L]),
            new Float64Column("temp", [0.5, 1.7, null, -0.25]),
            new Int64Column("other", [1L, 2L, 3L, 4L]));

        var error = Assert.Throws<SchemaException>(() => BikeLike().Check(frame));

        Assert.Equal(
            "Schema 'bike' failed with 5 violations:\n" +
            "  - column 'season': allowed values [1, 2, 3, 4]: 2 rows, first: row 1 = 7, row 3 = 0\n" +
            "  - column 'temp': not nullable: 1 row, first: row 2 = null\n" +
            "  - column 'temp': minimum 0: 1 row, first: row 3 = -0.25\n" +
            "  - column 'temp': maximum 1: 1 row, first: row 1 = 1.7\n" +
            "  - column 'cnt': missing column (the data has: season, temp, other)",
            error.Message);
        Assert.Equal(5, error.Violations.Count);
        Assert.Equal("bike", error.SchemaName);
    }

    [Fact]
    public void Check_TextNumbers_CoercesAndReportsTextThatIsNoNumber()
    {
        var frame = new Frame(
            new StringColumn("season", ["1", "2", "x", null]),
            new StringColumn("temp", ["0.5", "abc", "0.25", "1"]),
            new Float64Column("cnt", [1.0, 2.0, 3.5, 4.0]));
        var schema = new Schema("bike", [
            new ColumnSchema("season", ColumnType.Int64) { Nullable = true },
            new ColumnSchema("temp", ColumnType.Float64),
            new ColumnSchema("cnt", ColumnType.Int64),
        ]);

        var result = schema.Validate(frame, out var violations);

        Assert.Equal(
            [
                "column 'season': type int64: 1 row, first: row 2 = x",
                "column 'temp': type float64: 1 row, first: row 1 = abc",
                "column 'cnt': type int64: 1 row, first: row 2 = 3.5",
            ],
            violations.Select(v => v.ToString()));
        Assert.Equal([1L, 2L, 0L, 0L], result.Get<Int64Column>("season").Values.ToArray());
        Assert.Equal(2, result["season"].NullCount);
        Assert.Equal(0.25, result.Get<Float64Column>("temp")[2]);
    }

    [Fact]
    public void Check_IntegersToFloat_Coerces()
    {
        var schema = new Schema("s", [new ColumnSchema("x", ColumnType.Float64)]);

        var result = schema.Check(new Frame(new Int64Column("x", [1L, 2L])));

        Assert.Equal([1.0, 2.0], result.Get<Float64Column>("x").Values.ToArray());
    }

    [Fact]
    public void Check_CoercionOff_ReportsType()
    {
        var schema = new Schema("s", [new ColumnSchema("x", ColumnType.Float64) { Coerce = false }]);

        var error = Assert.Throws<SchemaException>(() => schema.Check(new Frame(new Int64Column("x", [1L]))));

        Assert.Equal("Schema 's' failed with 1 violation:\n  - column 'x': type float64 (found int64, coercion is off)", error.Message);
    }

    [Fact]
    public void Check_TextToDateAndBool_Coerces()
    {
        var schema = new Schema("s", [
            new ColumnSchema("day", ColumnType.DateTime),
            new ColumnSchema("flag", ColumnType.Bool),
        ]);

        var result = schema.Check(new Frame(
            new StringColumn("day", ["2011-01-01", "2012-12-31T23:00:00Z"]),
            new Int64Column("flag", [0L, 1L])));

        Assert.Equal(new DateTime(2011, 1, 1), result.Get<DateTimeColumn>("day")[0]);
        Assert.Equal(DateTimeKind.Utc, result.Get<DateTimeColumn>("day")[1].Kind);
        Assert.Equal([false, true], result.Get<BoolColumn>("flag").Values.ToArray());
    }

    [Fact]
    public void Check_BoolFromTwo_ReportsType()
    {
        var schema = new Schema("s", [new ColumnSchema("flag", ColumnType.Bool)]);

        var error = Assert.Throws<SchemaException>(() => schema.Check(new Frame(new Int64Column("flag", [0L, 2L]))));

        Assert.Equal("Schema 's' failed with 1 violation:\n  - column 'flag': type bool: 1 row, first: row 1 = 2", error.Message);
    }

    [Fact]
    public void Check_FloatsToIntegerAndBool_ConvertsWholeAndZeroOneValues()
    {
        var schema = new Schema("s", [
            new ColumnSchema("n", ColumnType.Int64) { Nullable = true },
            new ColumnSchema("flag", ColumnType.Bool) { Nullable = true },
            new ColumnSchema("bit", ColumnType.Bool) { Nullable = true },
        ]);

        var result = schema.Check(new Frame(
            new Float64Column("n", [1.0, null, -3.0]),
            new Float64Column("flag", [0.0, null, 1.0]),
            new Int64Column("bit", [1L, null, 0L])));

        var n = result.Get<Int64Column>("n");
        var flag = result.Get<BoolColumn>("flag");
        var bit = result.Get<BoolColumn>("bit");
        Assert.Equal((1L, true, -3L), (n[0], n.IsNull(1), n[2]));
        Assert.Equal((false, true, true), (flag[0], flag.IsNull(1), flag[2]));
        Assert.Equal((true, true, false), (bit[0], bit.IsNull(1), bit[2]));
    }

    [Fact]
    public void Check_FractionToIntegerAndNumberToBool_ReportsTheRows()
    {
        var schema = new Schema("s", [new ColumnSchema("n", ColumnType.Int64), new ColumnSchema("flag", ColumnType.Bool)]);

        var error = Assert.Throws<SchemaException>(() => schema.Check(new Frame(
            new Float64Column("n", [1.0, 2.5]),
            new Float64Column("flag", [1.0, -1.0]))));

        Assert.Equal(
            "Schema 's' failed with 2 violations:\n  - column 'n': type int64: 1 row, first: row 1 = 2.5\n  - column 'flag': type bool: 1 row, first: row 1 = -1",
            error.Message);
    }

    [Fact]
    public void Check_NaNAgainstBounds_IsViolation()
    {
        var schema = new Schema("s", [new ColumnSchema("x", ColumnType.Float64) { Minimum = 0 }]);

        var error = Assert.Throws<SchemaException>(() => schema.Check(new Frame(new Float64Column("x", [double.NaN]))));

        Assert.Equal("Schema 's' failed with 1 violation:\n  - column 'x': minimum 0: 1 row, first: row 0 = NaN", error.Message);
    }

    [Fact]
    public void Check_Unique_ReportsRepeatsAfterTheFirst()
    {
        var schema = new Schema("s", [
            new ColumnSchema("id", ColumnType.Int64) { Unique = true },
            new ColumnSchema("name", ColumnType.String) { Unique = true },
        ]);

        var error = Assert.Throws<SchemaException>(() => schema.Check(new Frame(
            new Int64Column("id", [1L, 2L, 1L, 1L]),
            new StringColumn("name", ["a", "b", "c", "b"]))));

        Assert.Equal(
            "Schema 's' failed with 2 violations:\n" +
            "  - column 'id': unique (repeated value): 2 rows, first: row 2 = 1, row 3 = 1\n" +
            "  - column 'name': unique (repeated value): 1 row, first: row 3 = b",
            error.Message);
    }

    [Fact]
    public void Check_ManyOffendingRows_KeepsFiveExamplesAndTheCount()
    {
        var schema = new Schema("s", [new ColumnSchema("x", ColumnType.Int64) { Maximum = 0 }]);

        var error = Assert.Throws<SchemaException>(() => schema.Check(new Frame(new Int64Column("x", [1L, 2L, 3L, 4L, 5L, 6L, 7L]))));

        Assert.Equal(7, error.Violations[0].Count);
        Assert.Equal(SchemaViolation.MaxExamples, error.Violations[0].Examples.Count);
        Assert.EndsWith("7 rows, first: row 0 = 1, row 1 = 2, row 2 = 3, row 3 = 4, row 4 = 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Strict_ReportsUnexpectedColumns()
    {
        var frame = new Frame(
            new Int64Column("season", [1L]),
            new Float64Column("temp", [0.5]),
            new Int64Column("cnt", [3L]),
            new Int64Column("casual", [1L]));

        var error = Assert.Throws<SchemaException>(() => BikeLike(strict: true).Check(frame));

        Assert.Equal("Schema 'bike' failed with 1 violation:\n  - column 'casual': unexpected column (the schema is strict)", error.Message);
    }

    [Fact]
    public void Check_OptionalColumnMissing_IsFine()
    {
        var schema = new Schema("s", [new ColumnSchema("x", ColumnType.Int64) { Required = false }]);

        var result = schema.Check(new Frame(new Int64Column("y", [1L])));

        Assert.Equal(["y"], result.ColumnNames);
    }

    [Fact]
    public void Check_AllowedTextValues_ComparesOrdinal()
    {
        var schema = new Schema("s", [new ColumnSchema("c", ColumnType.String) { AllowedValues = ["yes", "no"] }]);

        var error = Assert.Throws<SchemaException>(() => schema.Check(new Frame(new StringColumn("c", ["yes", "Yes"]))));

        Assert.Equal("Schema 's' failed with 1 violation:\n  - column 'c': allowed values [yes, no]: 1 row, first: row 1 = Yes", error.Message);
    }

    [Fact]
    public void Constructor_ContradictoryRules_ListsEveryProblem()
    {
        var error = Assert.Throws<ArgumentException>(() => new Schema("s", [
            new ColumnSchema("a", ColumnType.String) { Minimum = 1 },
            new ColumnSchema("b", ColumnType.Int64) { Minimum = 2, Maximum = 1 },
            new ColumnSchema("c", ColumnType.Int64) { AllowedValues = ["1", "one"] },
            new ColumnSchema("a", ColumnType.Int64),
        ]));

        Assert.StartsWith(
            "Schema 's' is invalid: column 'a': minimum and maximum need a numeric type, not string; " +
            "column 'b': minimum 2 is above maximum 1; column 'c': allowed value 'one' is not a number; " +
            "column 'a' is listed more than once.",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void ColumnTypes_ListsEveryColumn()
    {
        var types = BikeLike().ColumnTypes;

        Assert.Equal(ColumnType.Float64, types["temp"]);
        Assert.Equal(3, types.Count);
    }
}
