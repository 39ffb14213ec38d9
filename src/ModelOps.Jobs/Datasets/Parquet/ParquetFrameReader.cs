using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;
using ModelOps.Core.Data;
using ModelOps.Core.Text;
using ParquetSharp;
using ParquetSharp.Arrow;
using ArrowColumnType = Apache.Arrow.Types.IArrowType;
using Column = ModelOps.Core.Data.Column;

namespace ModelOps.Jobs.Datasets.Parquet;

/// <summary>What <see cref="ParquetFrameReader"/> reads.</summary>
public sealed record ParquetReadOptions
{
    /// <summary>The columns to read, in the order of the frame; every column when <see langword="null"/>.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>At most this many rows (the first, in file and row-group order); every row when <see langword="null"/>.</summary>
    public int? Limit { get; init; }
}

/// <summary>
/// Reads Parquet files into a <see cref="Frame"/> with ParquetSharp (Apache Arrow's C++ Parquet reader), one row group
/// at a time, so memory holds the frame and one row group's Arrow arrays, never the whole file twice. Several files
/// (the parts of one data set) are read in order as one frame and must have the same columns and types.
/// </summary>
/// <remarks>
/// Types: integers of any width (unsigned up to 2^63 - 1) become int64; float and double float64; boolean bool;
/// strings (plain or dictionary-encoded, read through the dictionary) string; dates and timestamps (milli, micro or
/// nano units, with or without a time zone, and legacy INT96) datetime at the 100 ns resolution of <see cref="DateTime"/>:
/// a timestamp adjusted to UTC (with a time zone) as a UTC value, a local one (without) and a date as a value without a
/// kind; decimals float64 (the nearest double). Nulls are kept everywhere.
/// </remarks>
internal static class ParquetFrameReader
{
    /// <summary>Reads <paramref name="files"/> as one frame.</summary>
    /// <param name="files">The file, or the parts of one data set in order.</param>
    /// <param name="options">Columns and limit.</param>
    /// <param name="places">When given, records each row group read, so that later messages name where a row is.</param>
    /// <param name="cancellationToken">Checked between row groups.</param>
    public static Frame Read(IReadOnlyList<string> files, ParquetReadOptions options, ParquetRowPlaces? places, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(options);
        Appender[]? appenders = null;
        string? firstFile = null;
        var remaining = options.Limit ?? int.MaxValue;
        foreach (var file in files)
        {
            if (remaining == 0)
            {
                break;
            }

            using var reader = Open(file);
            var fields = reader.Schema.FieldsList;
            var indices = Select(file, fields, options.Columns);
            if (appenders is null)
            {
                appenders = [.. indices.Select(i => Appender.For(file, fields[i]))];
                firstFile = file;
            }
            else
            {
                CheckSameColumns(file, firstFile!, appenders, indices.Select(i => fields[i]).ToArray());
            }

            var rowInFile = 0L;
            for (var group = 0; group < reader.NumRowGroups && remaining > 0; group++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var read = ReadRowGroup(file, reader, group, indices, appenders, remaining);
                places?.Add(file, group, rowInFile, read);
                rowInFile += read;
                remaining -= read;
            }
        }

        return new Frame((appenders ?? []).Select(a => a.Build()));
    }

    private static int ReadRowGroup(string file, FileReader reader, int group, int[] indices, Appender[] appenders, int remaining)
    {
        var read = 0;
        try
        {
            using var batches = reader.GetRecordBatchReader(rowGroups: [group], columns: indices);
            while (read < remaining && batches.ReadNextRecordBatchAsync().AsTask().GetAwaiter().GetResult() is { } batch)
            {
                using (batch)
                {
                    var take = Math.Min(batch.Length, remaining - read);
                    for (var c = 0; c < appenders.Length; c++)
                    {
                        appenders[c].Append(batch.Column(c), take);
                    }

                    read += take;
                }
            }
        }
        catch (ParquetException error)
        {
            throw new DatasetException(string.Create(CultureInfo.InvariantCulture, $"{file}: row group {group}: cannot be read: {Reason(error)}"));
        }

        return read;
    }

    private static FileReader Open(string file)
    {
        if (!File.Exists(file))
        {
            throw new DatasetException($"{file}: file not found");
        }

        try
        {
            // Strings are read through their dictionary when the column chunk has one (one string per distinct value).
            int columns;
            using (var metadata = new ParquetFileReader(file))
            {
                columns = metadata.FileMetaData.NumColumns;
            }

            using var properties = ArrowReaderProperties.GetDefault();
            for (var c = 0; c < columns; c++)
            {
                properties.SetReadDictionary(c, true);
            }

            return new FileReader(file, arrowProperties: properties);
        }
        catch (ParquetException error)
        {
            throw new DatasetException($"{file}: not a Parquet file, or a damaged one: {Reason(error)}");
        }
    }

    private static int[] Select(string file, IReadOnlyList<Field> fields, IReadOnlyList<string>? columns)
    {
        if (columns is null)
        {
            return [.. Enumerable.Range(0, fields.Count)];
        }

        var names = fields.Select(f => f.Name).ToList();
        return [.. columns.Select(name => names.IndexOf(name) is >= 0 and var index
            ? index
            : throw new DatasetException($"{file}: column '{name}' not found{NameSuggestions.Hint(name, names)}"))];
    }

    private static void CheckSameColumns(string file, string first, Appender[] appenders, Field[] fields)
    {
        var expected = string.Join(", ", appenders.Select(a => $"{a.Name} {a.Type}"));
        var found = string.Join(", ", fields.Select(f => $"{f.Name} {Appender.KindOf(f.DataType)}"));
        if (!string.Equals(expected, found, StringComparison.Ordinal))
        {
            throw new DatasetException($"{file}: its columns ({found}) differ from those of {first} ({expected}); the parts of one data set must have the same columns");
        }
    }

    /// <summary>The Arrow C++ error's text without the exception's C++ type name.</summary>
    private static string Reason(ParquetException error)
    {
        var message = error.Message;
        var start = message.IndexOf("(message: '", StringComparison.Ordinal);
        return start >= 0 ? message[(start + "(message: '".Length)..].TrimEnd(')', '\'') : message;
    }

    /// <summary>Appends the values of one Arrow column, batch after batch, to the frame column it becomes.</summary>
    private sealed class Appender(string name, ColumnType type, Action<IArrowArray, int, ColumnBuilder> append)
    {
        private readonly ColumnBuilder _builder = ColumnBuilder.Create(type, 1024);

        public string Name => name;

        public string Type => type.ToName();

        public static string KindOf(ArrowColumnType type) => Map(type)?.ToName() ?? type.Name;

        public static Appender For(string file, Field field)
        {
            if (Map(field.DataType) is not { } type)
            {
                throw new DatasetException($"{file}: column '{field.Name}' has type {field.DataType.Name}, which a frame cannot hold (it holds numbers, booleans, strings, dates and timestamps)");
            }

            return new Appender(field.Name, type, AppendOf(field.DataType));
        }

        public void Append(IArrowArray array, int count) => append(array, count, _builder);

        public Column Build() => _builder.Build(name);

        private static ColumnType? Map(ArrowColumnType type) => type switch
        {
            Int8Type or Int16Type or Int32Type or Int64Type or UInt8Type or UInt16Type or UInt32Type or UInt64Type => ColumnType.Int64,
            FloatType or DoubleType or Decimal128Type or Decimal256Type => ColumnType.Float64,
            BooleanType => ColumnType.Bool,
            StringType or LargeStringType or StringViewType => ColumnType.String,
            DictionaryType { ValueType: StringType or LargeStringType or StringViewType } => ColumnType.String,
            Date32Type or Date64Type or TimestampType => ColumnType.DateTime,
            _ => null,
        };

        private static Action<IArrowArray, int, ColumnBuilder> AppendOf(ArrowColumnType type) => type switch
        {
            Int8Type => Values<sbyte>(v => v),
            Int16Type => Values<short>(v => v),
            Int32Type => Values<int>(v => v),
            Int64Type => Values<long>(v => v),
            UInt8Type => Values<byte>(v => v),
            UInt16Type => Values<ushort>(v => v),
            UInt32Type => Values<uint>(v => v),
            UInt64Type => Values<ulong>(v => v <= long.MaxValue ? (long)v : throw new DatasetException($"unsigned value {v} is more than an int64 holds")),
            FloatType => Values<float>(v => (double)v),
            DoubleType => Values<double>(v => v),
            Decimal128Type => Each<Decimal128Array, double>((a, i) => (double)a.GetSqlDecimal(i)!.Value.Value),
            Decimal256Type => Each<Decimal256Array, double>((a, i) => double.Parse(a.GetString(i)!, CultureInfo.InvariantCulture)),
            BooleanType => Each<BooleanArray, bool>((a, i) => a.GetValue(i)!.Value),
            StringType => Strings<StringArray>((a, i) => a.GetString(i)),
            LargeStringType => Strings<LargeStringArray>((a, i) => a.GetString(i)),
            StringViewType => Strings<StringViewArray>((a, i) => a.GetString(i)),
            DictionaryType => Dictionary,
            Date32Type => Each<Date32Array, DateTime>((a, i) => DateTime.SpecifyKind(a.GetDateTime(i)!.Value, DateTimeKind.Unspecified)),
            Date64Type => Each<Date64Array, DateTime>((a, i) => DateTime.SpecifyKind(a.GetDateTime(i)!.Value, DateTimeKind.Unspecified)),
            TimestampType timestamp => Timestamps(timestamp),
            _ => throw new InvalidOperationException($"no appender for {type.Name}"),
        };

        /// <summary>A primitive column: values straight from the Arrow buffer, nulls from its bitmap.</summary>
        private static Action<IArrowArray, int, ColumnBuilder> Values<TArrow>(Func<TArrow, long> convert)
            where TArrow : struct, IEquatable<TArrow> => (array, count, builder) =>
            {
                var values = ((PrimitiveArray<TArrow>)array).Values;
                var target = (Int64ColumnBuilder)builder;
                for (var i = 0; i < count; i++)
                {
                    if (array.IsNull(i))
                    {
                        target.AppendNull();
                    }
                    else
                    {
                        target.Append(convert(values[i]));
                    }
                }
            };

        private static Action<IArrowArray, int, ColumnBuilder> Values<TArrow>(Func<TArrow, double> convert)
            where TArrow : struct, IEquatable<TArrow> => (array, count, builder) =>
            {
                var values = ((PrimitiveArray<TArrow>)array).Values;
                var target = (Float64ColumnBuilder)builder;
                for (var i = 0; i < count; i++)
                {
                    if (array.IsNull(i))
                    {
                        target.AppendNull();
                    }
                    else
                    {
                        target.Append(convert(values[i]));
                    }
                }
            };

        private static Action<IArrowArray, int, ColumnBuilder> Each<TArray, TValue>(Func<TArray, int, TValue> value)
            where TArray : IArrowArray
            where TValue : unmanaged => (array, count, builder) =>
            {
                var typed = (TArray)array;
                var target = (ValueColumnBuilder<TValue>)builder;
                for (var i = 0; i < count; i++)
                {
                    if (array.IsNull(i))
                    {
                        target.AppendNull();
                    }
                    else
                    {
                        target.Append(value(typed, i));
                    }
                }
            };

        /// <summary>Timestamps from their raw values, cut to the 100 ns of a tick towards the past (Arrow's own conversion cuts towards 1970).</summary>
        private static Action<IArrowArray, int, ColumnBuilder> Timestamps(TimestampType type)
        {
            var kind = string.IsNullOrEmpty(type.Timezone) ? DateTimeKind.Unspecified : DateTimeKind.Utc;
            Func<long, long> ticks = type.Unit switch
            {
                Apache.Arrow.Types.TimeUnit.Second => v => v * TimeSpan.TicksPerSecond,
                Apache.Arrow.Types.TimeUnit.Millisecond => v => v * TimeSpan.TicksPerMillisecond,
                Apache.Arrow.Types.TimeUnit.Microsecond => v => v * TimeSpan.TicksPerMicrosecond,
                _ => v => Math.DivRem(v, 100, out var rest) - (rest < 0 ? 1 : 0),
            };
            return (array, count, builder) =>
            {
                var values = ((TimestampArray)array).Values;
                var target = (DateTimeColumnBuilder)builder;
                for (var i = 0; i < count; i++)
                {
                    if (array.IsNull(i))
                    {
                        target.AppendNull();
                    }
                    else
                    {
                        target.Append(new DateTime(DateTime.UnixEpoch.Ticks + ticks(values[i]), kind));
                    }
                }
            };
        }

        private static Action<IArrowArray, int, ColumnBuilder> Strings<TArray>(Func<TArray, int, string?> value)
            where TArray : IArrowArray => (array, count, builder) =>
            {
                var typed = (TArray)array;
                var target = (StringColumnBuilder)builder;
                for (var i = 0; i < count; i++)
                {
                    if (value(typed, i) is { } text)
                    {
                        target.Append(text);
                    }
                    else
                    {
                        target.AppendNull();
                    }
                }
            };

        /// <summary>A dictionary-encoded string column: each distinct string is decoded once per batch.</summary>
        private static void Dictionary(IArrowArray array, int count, ColumnBuilder builder)
        {
            var dictionaryArray = (DictionaryArray)array;
            var words = dictionaryArray.Dictionary switch
            {
                StringArray strings => Enumerable.Range(0, strings.Length).Select(i => strings.GetString(i)).ToArray(),
                LargeStringArray strings => Enumerable.Range(0, strings.Length).Select(i => strings.GetString(i)).ToArray(),
                StringViewArray strings => Enumerable.Range(0, strings.Length).Select(i => strings.GetString(i)).ToArray(),
                var other => throw new DatasetException($"dictionary of {other.Data.DataType.Name} values is not text"),
            };
            var target = (StringColumnBuilder)builder;
            for (var i = 0; i < count; i++)
            {
                if (array.IsNull(i) || Index(dictionaryArray.Indices, i) is not { } index || words[index] is not { } word)
                {
                    target.AppendNull();
                }
                else
                {
                    target.Append(word);
                }
            }
        }

        private static long? Index(IArrowArray indices, int i) => indices switch
        {
            Int8Array a => a.GetValue(i),
            Int16Array a => a.GetValue(i),
            Int32Array a => a.GetValue(i),
            Int64Array a => a.GetValue(i),
            UInt8Array a => a.GetValue(i),
            UInt16Array a => a.GetValue(i),
            UInt32Array a => a.GetValue(i),
            _ => throw new DatasetException($"dictionary indices of {indices.Data.DataType.Name}"),
        };
    }
}
