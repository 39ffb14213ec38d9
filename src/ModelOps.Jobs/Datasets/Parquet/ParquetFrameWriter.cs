using Apache.Arrow;
using Apache.Arrow.Types;
using ModelOps.Core.Data;
using ParquetSharp;
using ParquetSharp.Arrow;
using Column = ModelOps.Core.Data.Column;

namespace ModelOps.Jobs.Datasets.Parquet;

/// <summary>The compression of a Parquet file's pages.</summary>
public enum ParquetCompression
{
    /// <summary>Snappy: fast, the common default (<c>snappy</c>).</summary>
    Snappy,

    /// <summary>Zstandard: smaller files, slower writes (<c>zstd</c>).</summary>
    Zstd,

    /// <summary>No compression (<c>none</c>).</summary>
    None,
}

/// <summary>How <see cref="ParquetFrameWriter"/> writes.</summary>
public sealed record ParquetWriteOptions
{
    /// <summary>The page compression.</summary>
    /// <value>Default: <see cref="ParquetCompression.Snappy"/>.</value>
    public ParquetCompression Compression { get; init; } = ParquetCompression.Snappy;

    /// <summary>Rows per row group (the unit readers read and skip by).</summary>
    /// <value>Default: 122,880 (as DuckDB); 1 to 100,000,000.</value>
    public int RowGroupSize { get; init; } = 122_880;
}

/// <summary>
/// Writes a <see cref="Frame"/> as a Parquet file with ParquetSharp's Arrow writer: float64 as DOUBLE, int64 as INT64,
/// bool as BOOLEAN, string as a dictionary-encoded UTF-8 BYTE_ARRAY, datetime as <c>TIMESTAMP(MICROS, isAdjustedToUTC=true)</c>
/// (never INT96); every column nullable; one row group per <see cref="ParquetWriteOptions.RowGroupSize"/> rows.
/// </summary>
internal static class ParquetFrameWriter
{
    private static readonly TimestampType Timestamp = new(Apache.Arrow.Types.TimeUnit.Microsecond, "UTC");

    /// <summary>Writes <paramref name="frame"/> to <paramref name="stream"/> (left open).</summary>
    public static void Write(Stream stream, Frame frame, ParquetWriteOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(options);
        var schema = new Schema.Builder();
        foreach (var column in frame.Columns)
        {
            schema.Field(f => f.Name(column.Name).DataType(TypeOf(column)).Nullable(true));
        }

        var arrowSchema = schema.Build();
        using var properties = new WriterPropertiesBuilder()
            .Compression(options.Compression switch
            {
                ParquetCompression.Zstd => Compression.Zstd,
                ParquetCompression.None => Compression.Uncompressed,
                _ => Compression.Snappy,
            })
            .MaxRowGroupLength(options.RowGroupSize)
            .Build();
        using var arrowProperties = new ArrowWriterPropertiesBuilder().Build();
        using var writer = new FileWriter(stream, arrowSchema, properties, arrowProperties, leaveOpen: true);
        for (var start = 0; start < frame.RowCount || (start == 0 && frame.RowCount == 0); start += options.RowGroupSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(options.RowGroupSize, frame.RowCount - start);
            var arrays = frame.Columns.Select(c => ArrayOf(c, start, count)).ToArray();
            using var batch = new RecordBatch(arrowSchema, arrays, count);
            writer.WriteRecordBatch(batch);
            if (frame.RowCount == 0)
            {
                break;
            }
        }

        writer.Close();
    }

    private static IArrowType TypeOf(Column column) => column.Type switch
    {
        ColumnType.Float64 => DoubleType.Default,
        ColumnType.Int64 => Int64Type.Default,
        ColumnType.Bool => BooleanType.Default,
        ColumnType.String => StringType.Default,
        ColumnType.DateTime => Timestamp,
        var other => throw new NotSupportedException($"Column '{column.Name}' has type {other.ToName()}, which Parquet cannot write."),
    };

    private static IArrowArray ArrayOf(Column column, int start, int count)
    {
        switch (column)
        {
            case Float64Column floats:
                {
                    var builder = new DoubleArray.Builder().Reserve(count);
                    for (var i = start; i < start + count; i++)
                    {
                        if (floats.IsNull(i))
                        {
                            builder.AppendNull();
                        }
                        else
                        {
                            builder.Append(floats[i]);
                        }
                    }

                    return builder.Build();
                }

            case Int64Column longs:
                {
                    var builder = new Int64Array.Builder().Reserve(count);
                    for (var i = start; i < start + count; i++)
                    {
                        if (longs.IsNull(i))
                        {
                            builder.AppendNull();
                        }
                        else
                        {
                            builder.Append(longs[i]);
                        }
                    }

                    return builder.Build();
                }

            case BoolColumn bools:
                {
                    var builder = new BooleanArray.Builder().Reserve(count);
                    for (var i = start; i < start + count; i++)
                    {
                        if (bools.IsNull(i))
                        {
                            builder.AppendNull();
                        }
                        else
                        {
                            builder.Append(bools[i]);
                        }
                    }

                    return builder.Build();
                }

            case DateTimeColumn dates:
                {
                    var builder = new TimestampArray.Builder(Timestamp).Reserve(count);
                    for (var i = start; i < start + count; i++)
                    {
                        if (dates.IsNull(i))
                        {
                            builder.AppendNull();
                        }
                        else
                        {
                            builder.Append(new DateTimeOffset(DateTime.SpecifyKind(dates[i], DateTimeKind.Utc)));
                        }
                    }

                    return builder.Build();
                }

            case StringColumn strings:
                {
                    var builder = new StringArray.Builder().Reserve(count);
                    var codes = strings.Codes;
                    for (var i = start; i < start + count; i++)
                    {
                        if (codes[i] < 0)
                        {
                            builder.AppendNull();
                        }
                        else
                        {
                            builder.Append(strings.Categories[codes[i]]);
                        }
                    }

                    return builder.Build();
                }

            default:
                throw new NotSupportedException($"Column '{column.Name}' has type {column.Type.ToName()}, which Parquet cannot write.");
        }
    }
}
