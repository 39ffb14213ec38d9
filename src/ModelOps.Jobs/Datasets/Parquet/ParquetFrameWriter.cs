using System.Buffers;
using System.Runtime.InteropServices;
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
/// <remarks>
/// Each row group's Arrow arrays are written from the frame's columns in bulk (values copied span by span, the validity
/// bitmap from the frame's null mask, a string column's categories as the UTF-8 it keeps or encoded once per write)
/// into buffers each column keeps for the whole write, and handed to Arrow as .NET memory (pinned while Arrow reads it, as
/// the C data export of the Apache.Arrow version pinned here, 23, does; 18 exported native memory only): no native copy of every buffer and no
/// fresh memory per row group, whose page faults and copies took a quarter of the write's time before. The row group
/// is written buffered with Arrow's threads on, so its columns are encoded and compressed on the machine's cores, and
/// on a pool thread while this thread fills the next row group's arrays into the columns' other set of buffers
/// (Arrow has encoded a row group into its own pages when its write returns, so a set is filled again only after
/// that): the filling no longer waits for the encoding, nor the encoding for the filling.
/// </remarks>
internal static class ParquetFrameWriter
{
    /// <summary>
    /// The largest dictionary page of a column chunk before the writer falls back to plain encoding for the rest of it:
    /// 256 KiB (Arrow's default is 1 MiB). A column that repeats values (categories, a few thousand numbers) keeps its
    /// dictionary; a nearly unique one (ids, measurements, timestamps) stops being hashed after about 32,000 values of a
    /// row group instead of never (122,880 distinct doubles fit in 1 MiB), which halved the write time of
    /// bench/parquet.sh's table and made its file 12 % smaller (docs/benchmarks.md, Parquet).
    /// </summary>
    internal const long DictionaryPageLimit = 256 * 1024;

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
            .DictionaryPagesizeLimit(DictionaryPageLimit)
            .Build();
        using var arrowProperties = new ArrowWriterPropertiesBuilder().UseThreads(true).Build();
        using var writer = new FileWriter(stream, arrowSchema, properties, arrowProperties, leaveOpen: true);
        var buffers = frame.Columns.Select(c => new ColumnBuffers(c)).ToArray();
        try
        {
            WriteRowGroups(writer, arrowSchema, frame, buffers, options.RowGroupSize, cancellationToken);
            writer.Close();
        }
        finally
        {
            foreach (var column in buffers)
            {
                column.Return();
            }
        }
    }

    /// <summary>
    /// Writes the row groups in order, each on a pool thread while this thread fills the next one's arrays into the
    /// other of the columns' two sets of buffers: a set is filled again only after Arrow has encoded the row group that
    /// used it.
    /// </summary>
    private static void WriteRowGroups(FileWriter writer, Schema arrowSchema, Frame frame, ColumnBuffers[] buffers, int rowGroupSize, CancellationToken cancellationToken)
    {
        Task written = Task.CompletedTask;
        RecordBatch? writing = null;
        try
        {
            var set = 0;
            for (var start = 0; start < frame.RowCount || (start == 0 && frame.RowCount == 0); start += rowGroupSize, set ^= 1)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(rowGroupSize, frame.RowCount - start);
                var arrays = new IArrowArray[frame.ColumnCount];
                for (var c = 0; c < arrays.Length; c++)
                {
                    arrays[c] = buffers[c].Array(start, count, set);
                }

                var batch = new RecordBatch(arrowSchema, arrays, count);
                written.GetAwaiter().GetResult();
                writing?.Dispose();
                writing = batch;
                written = Task.Run(() =>
                {
                    writer.NewBufferedRowGroup();
                    writer.WriteBufferedRecordBatch(batch);
                }, CancellationToken.None);
                if (frame.RowCount == 0)
                {
                    break;
                }
            }

            written.GetAwaiter().GetResult();
        }
        finally
        {
            try
            {
                written.Wait(CancellationToken.None);
            }
            catch (AggregateException)
            {
                // Thrown above when it mattered; an error of this thread matters more.
            }

            writing?.Dispose();
        }
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

    /// <summary>
    /// One column's Arrow arrays, row group after row group, in two sets of buffers it keeps for the whole write (one
    /// filled while Arrow encodes from the other; grown when a row group needs more): values, validity, and a string column's offsets and bytes, rented from the shared array pool
    /// and given back by <see cref="Return"/> (memory the kernel hands out afresh costs about 0.6 ms a megabyte on its
    /// first write on the bench machine, and a process writing one file after another reuses them). A string column's
    /// categories are the UTF-8 it keeps (read from a file) or are encoded once per write.
    /// </summary>
    private sealed class ColumnBuffers(Column column)
    {
        private readonly Utf8Categories? _utf8 = (column as StringColumn)?.Utf8;
        private readonly byte[][] _encoded = column is StringColumn { Utf8: null } strings ? [.. strings.Categories.Select(System.Text.Encoding.UTF8.GetBytes)] : [];
        private readonly byte[][] _values = [[], []];
        private readonly byte[][] _validity = [[], []];
        private readonly byte[][] _offsets = [[], []];

        /// <summary>The Arrow array of rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/>, in buffer set <paramref name="set"/> (0 or 1).</summary>
        public IArrowArray Array(int start, int count, int set)
        {
            var (validity, nulls) = Validity(start, count, set);
            switch (column)
            {
                case Float64Column floats:
                    return new DoubleArray(Copy(floats.Values.Slice(start, count), set), validity, count, nulls, 0);
                case Int64Column longs:
                    return new Int64Array(Copy(longs.Values.Slice(start, count), set), validity, count, nulls, 0);
                case BoolColumn bools:
                    {
                        var source = bools.Values.Slice(start, count);
                        var bits = Buffer(ref _values[set], (count + 7) / 8);
                        bits.Clear();
                        for (var i = 0; i < source.Length; i++)
                        {
                            if (source[i])
                            {
                                bits[i >> 3] |= (byte)(1 << (i & 7));
                            }
                        }

                        return new BooleanArray(Arrow(_values[set], bits.Length), validity, count, nulls, 0);
                    }

                case DateTimeColumn dates:
                    {
                        // As TimestampArray.Builder converts a DateTimeOffset: ticks since 1970 divided by ten, cut towards zero.
                        var source = dates.Values.Slice(start, count);
                        var micros = MemoryMarshal.Cast<byte, long>(Buffer(ref _values[set], count * sizeof(long)));
                        var epoch = DateTime.UnixEpoch.Ticks;
                        for (var i = 0; i < source.Length; i++)
                        {
                            micros[i] = (source[i].Ticks - epoch) / TimeSpan.TicksPerMicrosecond;
                        }

                        return new TimestampArray(Timestamp, Arrow(_values[set], count * sizeof(long)), validity, count, nulls, 0);
                    }

                case StringColumn strings:
                    return Strings(strings.Codes.Slice(start, count), validity, nulls, set);
                default:
                    throw new NotSupportedException($"Column '{column.Name}' has type {column.Type.ToName()}, which Parquet cannot write.");
            }
        }

        private ReadOnlySpan<byte> Category(int code) => _utf8 is null ? _encoded[code] : _utf8.Bytes(code);

        private StringArray Strings(ReadOnlySpan<int> codes, ArrowBuffer validity, int nulls, int set)
        {
            var ends = MemoryMarshal.Cast<byte, int>(Buffer(ref _offsets[set], (codes.Length + 1) * sizeof(int)));
            ends[0] = 0;
            var length = 0;
            for (var i = 0; i < codes.Length; i++)
            {
                length += codes[i] < 0 ? 0 : Category(codes[i]).Length;
                ends[i + 1] = length;
            }

            var bytes = Buffer(ref _values[set], length);
            for (var i = 0; i < codes.Length; i++)
            {
                if (codes[i] >= 0)
                {
                    Category(codes[i]).CopyTo(bytes[ends[i]..]);
                }
            }

            return new StringArray(codes.Length, Arrow(_offsets[set], (codes.Length + 1) * sizeof(int)), Arrow(_values[set], length), validity, nulls, 0);
        }

        /// <summary>The rows' validity bitmap (bit set = a value) and their null count; an empty buffer when none is null.</summary>
        private (ArrowBuffer Bitmap, int Nulls) Validity(int start, int count, int set)
        {
            if (column.NullCount == 0)
            {
                return (ArrowBuffer.Empty, 0);
            }

            var bits = Buffer(ref _validity[set], (count + 7) / 8);
            bits.Clear();
            var nulls = 0;
            for (var i = 0; i < count; i++)
            {
                if (column.IsNull(start + i))
                {
                    nulls++;
                }
                else
                {
                    bits[i >> 3] |= (byte)(1 << (i & 7));
                }
            }

            return nulls == 0 ? (ArrowBuffer.Empty, 0) : (Arrow(_validity[set], bits.Length), nulls);
        }

        /// <summary>The values copied into the column's value buffer.</summary>
        private ArrowBuffer Copy<T>(ReadOnlySpan<T> values, int set)
            where T : unmanaged
        {
            var bytes = MemoryMarshal.AsBytes(values);
            bytes.CopyTo(Buffer(ref _values[set], bytes.Length));
            return Arrow(_values[set], bytes.Length);
        }

        /// <summary>Gives the buffers back to the pool; the column must not be used afterwards.</summary>
        public void Return()
        {
            foreach (var buffers in new[] { _values, _validity, _offsets })
            {
                for (var set = 0; set < buffers.Length; set++)
                {
                    if (buffers[set].Length > 0)
                    {
                        ArrayPool<byte>.Shared.Return(buffers[set]);
                    }

                    buffers[set] = [];
                }
            }
        }

        /// <summary>The first <paramref name="length"/> bytes of <paramref name="buffer"/>, replaced by a larger one from the pool first when shorter (not zeroed).</summary>
        private static Span<byte> Buffer(ref byte[] buffer, int length)
        {
            if (buffer.Length < length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(length, buffer.Length + (buffer.Length / 2)));
                if (buffer.Length > 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                buffer = larger;
            }

            return buffer.AsSpan(0, length);
        }

        private static ArrowBuffer Arrow(byte[] buffer, int length) => new(buffer.AsMemory(0, length));
    }
}
