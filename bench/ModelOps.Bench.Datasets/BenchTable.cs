using System.Globalization;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;
using ModelOps.Core.Randomness;
using ParquetSharp;
using ParquetSharp.Arrow;

namespace ModelOps.Bench;

/// <summary>
/// The Parquet benchmark's input: a table of N rows x 20 columns of mixed types, made from one SplitMix64 stream (the
/// same bytes every time), written as CSV and as Parquet. The Parquet file is written with ParquetSharp's Arrow writer
/// directly (the product's writer widens int32, float and date to int64, double and timestamp, and the table is meant to
/// hold those types): snappy, row groups of 122,880 rows (the product writer's default), every column nullable,
/// ParquetSharp's default encodings (dictionary pages, falling back to plain when a column chunk's dictionary passes
/// 1 MB, as it does for <c>session</c>). The CSV holds the same values as text: nulls as empty fields, floats in their
/// shortest round-trip form, dates <c>yyyy-MM-dd</c>, timestamps <c>yyyy-MM-ddTHH:mm:ss.ffffff</c>.
/// </summary>
internal static class BenchTable
{
    public const int RowGroupSize = 122_880;

    /// <summary>The columns: name, Parquet/Arrow type, nulls per 1,000 rows.</summary>
    public static readonly (string Name, string Type, int NullsPerMille)[] Columns =
    [
        ("id", "int64", 0),
        ("user_id", "int32", 0),
        ("qty", "int32", 50),
        ("bytes", "int64", 20),
        ("hour", "int32", 0),
        ("price", "double", 0),
        ("temperature", "double", 30),
        ("latitude", "double", 0),
        ("discount", "double", 300),
        ("ratio", "float", 10),
        ("weight", "float", 0),
        ("active", "bool", 0),
        ("flagged", "bool", 100),
        ("country", "string", 0),
        ("device", "string", 50),
        ("city", "string", 0),
        ("session", "string", 10),
        ("email", "string", 0),
        ("day", "date", 0),
        ("event_time", "timestamp", 20),
    ];

    private static readonly string[] Countries = ["US", "DE", "FR", "GB", "IN", "BR", "JP", "CN", "CA", "AU", "ES", "IT", "NL", "SE", "PL", "MX", "KR", "ZA", "NG", "AR"];
    private static readonly string[] Devices = ["mobile", "desktop", "tablet", "tv", "console"];
    private static readonly DateTime FirstDay = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
    private static readonly DateTime FirstEvent = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    /// <summary>Writes <paramref name="csvPath"/> and <paramref name="parquetPath"/> with <paramref name="rows"/> rows.</summary>
    public static void Write(string csvPath, string parquetPath, int rows)
    {
        var table = Generate(rows);
        WriteCsv(csvPath, table);
        WriteParquet(parquetPath, table);
    }

    /// <summary>The table's values, column by column (null entries are nulls).</summary>
    private sealed class Values(int rows)
    {
        public readonly long[] Id = new long[rows];
        public readonly int[] UserId = new int[rows];
        public readonly int?[] Qty = new int?[rows];
        public readonly long?[] Bytes = new long?[rows];
        public readonly int[] Hour = new int[rows];
        public readonly double[] Price = new double[rows];
        public readonly double?[] Temperature = new double?[rows];
        public readonly double[] Latitude = new double[rows];
        public readonly double?[] Discount = new double?[rows];
        public readonly float?[] Ratio = new float?[rows];
        public readonly float[] Weight = new float[rows];
        public readonly bool[] Active = new bool[rows];
        public readonly bool?[] Flagged = new bool?[rows];
        public readonly string[] Country = new string[rows];
        public readonly string?[] Device = new string?[rows];
        public readonly string[] City = new string[rows];
        public readonly string?[] Session = new string?[rows];
        public readonly string[] Email = new string[rows];
        public readonly DateTime[] Day = new DateTime[rows];
        public readonly DateTime?[] EventTime = new DateTime?[rows];

        public int Rows => Id.Length;
    }

    private static Values Generate(int rows)
    {
        var v = new Values(rows);
        var random = new SplitMix64(20);
        var cities = new string[1000];
        for (var i = 0; i < cities.Length; i++)
        {
            cities[i] = string.Create(CultureInfo.InvariantCulture, $"city_{i:D4}");
        }

        for (var r = 0; r < rows; r++)
        {
            v.Id[r] = r + 1;
            v.UserId[r] = (int)random.NextBounded(1_000_000);
            v.Qty[r] = random.NextBounded(1000) < 50 ? null : (int)random.NextBounded(101);
            v.Bytes[r] = random.NextBounded(1000) < 20 ? null : (long)random.NextBounded(1UL << 40);
            v.Hour[r] = (int)random.NextBounded(24);
            v.Price[r] = (1 + (long)random.NextBounded(1_000_000)) / 100.0;
            v.Temperature[r] = random.NextBounded(1000) < 30 ? null : -30 + (75 * random.NextDouble());
            v.Latitude[r] = ((long)random.NextBounded(18_000_001) - 9_000_000) / 100_000.0;
            v.Discount[r] = random.NextBounded(1000) < 300 ? null : random.NextBounded(5_001) / 100.0;
            v.Ratio[r] = random.NextBounded(1000) < 10 ? null : (float)(random.NextBounded(10_001) / 10_000.0);
            v.Weight[r] = (float)(random.NextBounded(2_000_000) / 1000.0);
            v.Active[r] = random.NextBounded(2) == 1;
            v.Flagged[r] = random.NextBounded(1000) < 100 ? null : random.NextBounded(10) == 0;
            v.Country[r] = Countries[random.NextBounded((ulong)Countries.Length)];
            v.Device[r] = random.NextBounded(1000) < 50 ? null : Devices[random.NextBounded((ulong)Devices.Length)];
            v.City[r] = cities[random.NextBounded((ulong)cities.Length)];
            var session = random.Next();
            v.Session[r] = random.NextBounded(1000) < 10 ? null : session.ToString("x16", CultureInfo.InvariantCulture);
            v.Email[r] = string.Create(CultureInfo.InvariantCulture, $"user{random.NextBounded(100_000)}@example.com");
            v.Day[r] = FirstDay.AddDays(random.NextBounded(1827));
            var micros = (long)random.NextBounded(366UL * 86_400 * 1_000_000);
            v.EventTime[r] = random.NextBounded(1000) < 20 ? null : FirstEvent.AddTicks(micros * 10);
        }

        return v;
    }

    private static void WriteCsv(string path, Values v)
    {
        var temporary = path + ".tmp";
        using (var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 20))
        {
            writer.NewLine = "\n";
            writer.WriteLine(string.Join(',', Columns.Select(c => c.Name)));
            var line = new StringBuilder(256);
            for (var r = 0; r < v.Rows; r++)
            {
                line.Clear();
                var i = CultureInfo.InvariantCulture;
                line.Append(i, $"{v.Id[r]},{v.UserId[r]},{v.Qty[r]},{v.Bytes[r]},{v.Hour[r]},");
                line.Append(v.Price[r].ToString("R", i)).Append(',');
                line.Append(v.Temperature[r]?.ToString("R", i)).Append(',');
                line.Append(v.Latitude[r].ToString("R", i)).Append(',');
                line.Append(v.Discount[r]?.ToString("R", i)).Append(',');
                line.Append(v.Ratio[r]?.ToString(i)).Append(',');
                line.Append(v.Weight[r].ToString(i)).Append(',');
                line.Append(v.Active[r] ? "true" : "false").Append(',');
                line.Append(v.Flagged[r] switch { true => "true", false => "false", null => "" }).Append(',');
                line.Append(v.Country[r]).Append(',').Append(v.Device[r]).Append(',').Append(v.City[r]).Append(',');
                line.Append(v.Session[r]).Append(',').Append(v.Email[r]).Append(',');
                line.Append(v.Day[r].ToString("yyyy-MM-dd", i)).Append(',');
                line.Append(v.EventTime[r]?.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", i));
                writer.WriteLine(line);
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static void WriteParquet(string path, Values v)
    {
        var timestamp = new TimestampType(Apache.Arrow.Types.TimeUnit.Microsecond, (string?)null);
        var fields = new IArrowType[]
        {
            Int64Type.Default, Int32Type.Default, Int32Type.Default, Int64Type.Default, Int32Type.Default,
            DoubleType.Default, DoubleType.Default, DoubleType.Default, DoubleType.Default, FloatType.Default,
            FloatType.Default, BooleanType.Default, BooleanType.Default, StringType.Default, StringType.Default,
            StringType.Default, StringType.Default, StringType.Default, Date32Type.Default, timestamp,
        };
        var schema = new Schema.Builder();
        for (var c = 0; c < Columns.Length; c++)
        {
            schema.Field(f => f.Name(Columns[c].Name).DataType(fields[c]).Nullable(true));
        }

        var arrowSchema = schema.Build();
        var temporary = path + ".tmp";
        using (var properties = new WriterPropertiesBuilder().Compression(Compression.Snappy).MaxRowGroupLength(RowGroupSize).Build())
        using (var arrowProperties = new ArrowWriterPropertiesBuilder().Build())
        using (var writer = new FileWriter(temporary, arrowSchema, properties, arrowProperties))
        {
            // One batch of fresh arrays per row group: Arrow's C export releases the arrays it was given.
            for (var start = 0; start < v.Rows; start += RowGroupSize)
            {
                var n = Math.Min(RowGroupSize, v.Rows - start);
                var arrays = new IArrowArray[]
                {
                    new Int64Array.Builder().Append(v.Id.AsSpan(start, n)).Build(),
                    new Int32Array.Builder().Append(v.UserId.AsSpan(start, n)).Build(),
                    Build(new Int32Array.Builder(), v.Qty.AsSpan(start, n)),
                    Build(new Int64Array.Builder(), v.Bytes.AsSpan(start, n)),
                    new Int32Array.Builder().Append(v.Hour.AsSpan(start, n)).Build(),
                    new DoubleArray.Builder().Append(v.Price.AsSpan(start, n)).Build(),
                    Build(new DoubleArray.Builder(), v.Temperature.AsSpan(start, n)),
                    new DoubleArray.Builder().Append(v.Latitude.AsSpan(start, n)).Build(),
                    Build(new DoubleArray.Builder(), v.Discount.AsSpan(start, n)),
                    Build(new FloatArray.Builder(), v.Ratio.AsSpan(start, n)),
                    new FloatArray.Builder().Append(v.Weight.AsSpan(start, n)).Build(),
                    Bools(v.Active.AsSpan(start, n)),
                    Bools(v.Flagged.AsSpan(start, n)),
                    Strings(v.Country.AsSpan(start, n)),
                    Strings(v.Device.AsSpan(start, n)),
                    Strings(v.City.AsSpan(start, n)),
                    Strings(v.Session.AsSpan(start, n)),
                    Strings(v.Email.AsSpan(start, n)),
                    Dates(v.Day.AsSpan(start, n)),
                    Timestamps(timestamp, v.EventTime.AsSpan(start, n)),
                };
                using var batch = new RecordBatch(arrowSchema, arrays, n);
                writer.WriteRecordBatch(batch);
            }

            writer.Close();
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static IArrowArray Build<TValue, TArray, TBuilder>(PrimitiveArrayBuilder<TValue, TArray, TBuilder> builder, ReadOnlySpan<TValue?> values)
        where TValue : struct
        where TArray : IArrowArray
        where TBuilder : class, IArrowArrayBuilder<TArray>
    {
        foreach (var value in values)
        {
            if (value is { } present)
            {
                builder.Append(present);
            }
            else
            {
                builder.AppendNull();
            }
        }

        return builder.Build(allocator: null);
    }

    private static BooleanArray Bools(ReadOnlySpan<bool> values)
    {
        var builder = new BooleanArray.Builder();
        foreach (var value in values)
        {
            builder.Append(value);
        }

        return builder.Build();
    }

    private static BooleanArray Bools(ReadOnlySpan<bool?> values)
    {
        var builder = new BooleanArray.Builder();
        foreach (var value in values)
        {
            if (value is { } present)
            {
                builder.Append(present);
            }
            else
            {
                builder.AppendNull();
            }
        }

        return builder.Build();
    }

    private static StringArray Strings(ReadOnlySpan<string?> values)
    {
        var builder = new StringArray.Builder();
        foreach (var value in values)
        {
            if (value is null)
            {
                builder.AppendNull();
            }
            else
            {
                builder.Append(value);
            }
        }

        return builder.Build();
    }

    private static Date32Array Dates(ReadOnlySpan<DateTime> values)
    {
        var builder = new Date32Array.Builder();
        foreach (var value in values)
        {
            builder.Append(value);
        }

        return builder.Build();
    }

    private static TimestampArray Timestamps(TimestampType type, ReadOnlySpan<DateTime?> values)
    {
        var builder = new TimestampArray.Builder(type);
        foreach (var value in values)
        {
            if (value is { } present)
            {
                // A timestamp without time zone holds the wall-clock time: its value counted from 1970-01-01 00:00.
                builder.Append(new DateTimeOffset(present, TimeSpan.Zero));
            }
            else
            {
                builder.AppendNull();
            }
        }

        return builder.Build();
    }
}
