using System.Globalization;
using System.Text.Json;
using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Datasets.Parquet;
using static ModelOps.Jobs.Tests.Datasets.DatasetTestKit;

namespace ModelOps.Jobs.Tests.Datasets.Parquet;

/// <summary>Parquet files written by another implementation (DuckDB, tests/fixtures/parquet/generate_parquet.mjs) read by the product.</summary>
public sealed class DuckDbParquetFixtureTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "parquet", name);

    public static TheoryData<string> TypeColumns() => ["i32", "i64", "f32", "f64", "flag", "s_plain", "s_dict", "d", "ts_ms", "ts_us", "ts_ns", "ts_tz", "dec"];

    [Theory]
    [MemberData(nameof(TypeColumns))]
    public void Types_EveryColumnReadsAsDuckDbWroteIt(string name)
    {
        var expected = JsonDocument.Parse(File.ReadAllText(Fixture("types.expected.json"))).RootElement.GetProperty("columns")
            .EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("values").EnumerateArray().ToArray();

        var column = Dataset.ReadParquet(Fixture("types.parquet"))[name];

        Assert.Equal(expected.Length, column.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var value = expected[i];
            Assert.True(value.ValueKind == JsonValueKind.Null == column.IsNull(i), $"{name}[{i}]: null expected {value.ValueKind == JsonValueKind.Null}");
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            switch (column)
            {
                case Int64Column longs:
                    Assert.Equal(value.GetInt64(), longs[i]);
                    break;
                case Float64Column floats:
                    Assert.Equal(value.ValueKind == JsonValueKind.String ? double.Parse(value.GetString()!, CultureInfo.InvariantCulture) : value.GetDouble(), floats[i]);
                    break;
                case BoolColumn bools:
                    Assert.Equal(value.GetBoolean(), bools[i]);
                    break;
                case StringColumn strings:
                    Assert.Equal(value.GetString(), strings[i]);
                    break;
                case DateTimeColumn dates:
                    Assert.Equal(Instant(value.GetString()!), dates[i].Ticks);
                    Assert.Equal(name == "ts_tz" ? DateTimeKind.Utc : DateTimeKind.Unspecified, dates[i].Kind);
                    break;
                default:
                    Assert.Fail($"{name} read as {column.Type.ToName()}");
                    break;
            }
        }

        var type = name switch
        {
            "i32" or "i64" => ColumnType.Int64,
            "f32" or "f64" or "dec" => ColumnType.Float64,
            "flag" => ColumnType.Bool,
            "s_plain" or "s_dict" => ColumnType.String,
            _ => ColumnType.DateTime,
        };
        Assert.Equal(type, column.Type);
    }

    [Fact]
    public void RowGroups_EveryGroupIsRead_AndALimitStopsInsideOne()
    {
        var expected = JsonDocument.Parse(File.ReadAllText(Fixture("row_groups.expected.json"))).RootElement;

        var frame = Dataset.ReadParquet(Fixture("row_groups.parquet"));
        var head = Dataset.ReadParquet(Fixture("row_groups.parquet"), new ParquetReadOptions { Columns = ["id"], Limit = 2_500 });

        Assert.Equal(expected.GetProperty("rows").GetInt32(), frame.RowCount);
        Assert.Equal(expected.GetProperty("sum_id").GetInt64(), frame.Get<Int64Column>("id").Values.ToArray().Sum());
        var x = frame.Get<Float64Column>("x");
        Assert.Equal(expected.GetProperty("sum_x").GetDouble(), Enumerable.Range(0, x.Length).Where(i => !x.IsNull(i)).Sum(i => x[i]));
        foreach (var (column, nulls) in expected.GetProperty("null_count").EnumerateObject().Select(p => (p.Name, p.Value.GetInt32())))
        {
            Assert.Equal(nulls, Enumerable.Range(0, frame.RowCount).Count(i => frame[column].IsNull(i)));
        }

        Assert.Equal(Enumerable.Range(1, 2_500).Select(i => (long)i), head.Get<Int64Column>("id").Values.ToArray());
    }

    [Fact]
    public void Parts_AFolderIsOneDataSetInFileOrder()
    {
        var expected = JsonDocument.Parse(File.ReadAllText(Fixture("parts.expected.json"))).RootElement;

        var frame = Dataset.ReadParquet(Fixture("parts"));

        Assert.Equal(expected.GetProperty("total_rows").GetInt32(), frame.RowCount);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), frame.Get<Int64Column>("id").Values.ToArray());
        Assert.Equal(Enumerable.Range(1, 100).Select(i => $"item-{i}"), Texts(frame["name"]));
        Assert.Equal(new DateTime(2024, 1, 1).AddDays(100), frame.Get<DateTimeColumn>("day")[99]);
    }

    [Fact]
    public void BadFiles_AreRefusedNamingTheFile()
    {
        Assert.Equal(
            $"{Fixture("not_parquet.parquet")}: not a Parquet file, or a damaged one: Invalid: Parquet magic bytes not found in footer. Either the file is corrupted or this is not a parquet file.",
            Assert.Throws<DatasetException>(() => Dataset.ReadParquet(Fixture("not_parquet.parquet"))).Message);
        Assert.Equal(
            $"{Fixture("truncated.parquet")}: not a Parquet file, or a damaged one: Invalid: Parquet magic bytes not found in footer. Either the file is corrupted or this is not a parquet file.",
            Assert.Throws<DatasetException>(() => Dataset.ReadParquet(Fixture("truncated.parquet"))).Message);
    }

    [Fact]
    public void HourParquet_HoldsTheSameRowsAsHourCsv()
    {
        var csv = Dataset.ReadCsv(TestData("hour.csv"));

        var parquet = Dataset.ReadParquet(TestData("hour.parquet"));

        Assert.Equal(csv.ColumnNames, parquet.ColumnNames);
        Assert.Equal(csv.RowCount, parquet.RowCount);
        foreach (var name in csv.ColumnNames.Where(n => n != "dteday"))
        {
            Assert.Equal(Texts(csv[name]), Texts(parquet[name]));
        }

        Assert.Equal(Texts(csv["dteday"]), Texts(parquet["dteday"]));
    }

    /// <summary>The ticks of an ISO-8601 UTC instant with up to 9 fractional digits, cut to the 100 ns of a tick (towards the past).</summary>
    private static long Instant(string text)
    {
        if (text.Length == 10)
        {
            return DateTime.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture).Ticks;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var whole = DateTime.ParseExact(text[..dot], "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var fraction = text[(dot + 1)..^1].PadRight(9, '0');
        return whole.Ticks + (long.Parse(fraction, CultureInfo.InvariantCulture) / 100);
    }
}
