using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets;
using Parquet;
using Parquet.Schema;
using NetParquetWriter = Parquet.ParquetWriter;

namespace ModelOps.Bench;

/// <summary>
/// Parquet.Net 6.1.0 writing a frame as the product's writer does (snappy, row groups of 122,880 rows, every column
/// nullable, the same Parquet types: INT64, DOUBLE, BOOLEAN, UTF-8 strings, <c>TIMESTAMP(MICROS, UTC)</c>), through its
/// lowest-level write, <c>WriteAllPartsAsync</c>: per column chunk the non-null values and the definition levels. A
/// column without nulls is handed over without a copy; the file is replaced through the product's <c>AtomicFile</c>
/// (flushed to disk, then renamed), like <c>Dataset.WriteParquet</c>.
/// </summary>
internal static class ParquetNetWrite
{
    public static void Write(string path, Frame frame, int rowGroupSize)
    {
        var fields = frame.Columns.Select(FieldOf).ToArray();
        AtomicFile.Write(path, stream => WriteAsync(stream, frame, fields, rowGroupSize).GetAwaiter().GetResult());
    }

    private static DataField FieldOf(Column column) => column.Type switch
    {
        ColumnType.Int64 => new DataField(column.Name, typeof(long), isNullable: true),
        ColumnType.Float64 => new DataField(column.Name, typeof(double), isNullable: true),
        ColumnType.Bool => new DataField(column.Name, typeof(bool), isNullable: true),
        ColumnType.String => new DataField(column.Name, typeof(string), isNullable: true),
        ColumnType.DateTime => new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, DateTimeTimeUnit.Micros, isNullable: true),
        var other => throw new NotSupportedException(other.ToName()),
    };

    private static async Task WriteAsync(Stream stream, Frame frame, DataField[] fields, int rowGroupSize)
    {
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        await using var writer = await NetParquetWriter.CreateAsync(new ParquetSchema(fields), stream, options);
        var ones = new int[rowGroupSize];
        Array.Fill(ones, 1);
        var levels = new int[rowGroupSize];
        var scratch = new Dictionary<Type, Array>();
        for (var start = 0; start < frame.RowCount; start += rowGroupSize)
        {
            var count = Math.Min(rowGroupSize, frame.RowCount - start);
            using var group = writer.CreateRowGroup();
            for (var c = 0; c < fields.Length; c++)
            {
                var field = fields[c];
                switch (frame[c])
                {
                    case Int64Column longs:
                        await WriteValues(group, field, longs, start, count, ones, levels, scratch);
                        break;
                    case Float64Column doubles:
                        await WriteValues(group, field, doubles, start, count, ones, levels, scratch);
                        break;
                    case BoolColumn bools:
                        await WriteValues(group, field, bools, start, count, ones, levels, scratch);
                        break;
                    case DateTimeColumn dates:
                        await WriteValues(group, field, dates, start, count, ones, levels, scratch);
                        break;
                    case StringColumn strings:
                        {
                            var values = Scratch<ReadOnlyMemory<char>>(scratch, rowGroupSize);
                            var categories = strings.Categories.Select(s => s.AsMemory()).ToArray();
                            var codes = strings.Codes.Slice(start, count);
                            var n = 0;
                            for (var i = 0; i < codes.Length; i++)
                            {
                                var code = codes[i];
                                levels[i] = code < 0 ? 0 : 1;
                                if (code >= 0)
                                {
                                    values[n++] = categories[code];
                                }
                            }

                            await group.WriteAllPartsAsync<ReadOnlyMemory<char>>(field, values.AsMemory(0, n), levels.AsMemory(0, count), null, default);
                            break;
                        }

                    default:
                        throw new NotSupportedException(frame[c].Type.ToName());
                }
            }

            group.CompleteValidate();
        }
    }

    private static async Task WriteValues<T>(ParquetRowGroupWriter group, DataField field, ValueColumn<T> column, int start, int count, int[] ones, int[] levels, Dictionary<Type, Array> scratch)
        where T : unmanaged
    {
        if (column.NullCount == 0)
        {
            await group.WriteAllPartsAsync(field, column.Memory.Slice(start, count), ones.AsMemory(0, count), null, default);
            return;
        }

        var values = Scratch<T>(scratch, ones.Length);
        var source = column.Values;
        var n = 0;
        for (var i = 0; i < count; i++)
        {
            var isNull = column.IsNull(start + i);
            levels[i] = isNull ? 0 : 1;
            if (!isNull)
            {
                values[n++] = source[start + i];
            }
        }

        await group.WriteAllPartsAsync<T>(field, values.AsMemory(0, n), levels.AsMemory(0, count), null, default);
    }

    private static T[] Scratch<T>(Dictionary<Type, Array> scratch, int size)
    {
        if (!scratch.TryGetValue(typeof(T), out var array))
        {
            scratch[typeof(T)] = array = new T[size];
        }

        return (T[])array;
    }
}
