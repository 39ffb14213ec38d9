using System.Runtime.CompilerServices;
using ModelOps.Core.Data;
using Parquet.Schema;
using NetParquetReader = Parquet.ParquetReader;
using NetRowGroupReader = Parquet.ParquetRowGroupReader;

namespace ModelOps.Bench;

/// <summary>
/// What the product's reader would be on Parquet.Net 6.1.0 instead of ParquetSharp, for the library choice: the same
/// frame, built the same way (columns shared out over the cores largest first, each worker with its own reader of the
/// file, arrays sized once for the whole read, the frame's internal column constructors), from Parquet.Net's
/// lowest-level read (<c>ReadRawAsync</c>: non-null values and definition levels). Strings arrive as decoded characters,
/// one slice per row (Parquet.Net gives no dictionary indices), so each row's string is looked up by its characters.
/// Handles the flat types of the benchmark's table; not a product reader.
/// </summary>
internal static class ParquetNetFrameRead
{
    public static Frame Read(string path) => ReadAsync(path).GetAwaiter().GetResult();

    private static async Task<Frame> ReadAsync(string path)
    {
        DataField[] fields;
        long[] groupRows;
        long[] sizes;
        await using (var reader = await NetParquetReader.CreateAsync(path))
        {
            fields = reader.Schema.GetDataFields();
            groupRows = new long[reader.RowGroupCount];
            sizes = new long[fields.Length];
            for (var g = 0; g < groupRows.Length; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                groupRows[g] = group.RowCount;
                for (var c = 0; c < fields.Length; c++)
                {
                    sizes[c] += group.GetMetadata(fields[c])!.MetaData!.TotalCompressedSize;
                }
            }
        }

        var rows = (int)groupRows.Sum();
        var columns = fields.Select(f => Sink.For(f, rows)).ToArray();
        var order = Enumerable.Range(0, fields.Length).OrderByDescending(c => sizes[c]).ToArray();
        var next = -1;
        async Task Work()
        {
            await using var reader = await NetParquetReader.CreateAsync(path);
            var levels = new int[groupRows.Max()];
            int taken;
            while ((taken = Interlocked.Increment(ref next)) < order.Length)
            {
                var c = order[taken];
                for (var g = 0; g < groupRows.Length; g++)
                {
                    using var group = reader.OpenRowGroupReader(g);
                    await columns[c].ReadAsync(group, fields[c], levels.AsMemory(0, (int)groupRows[g]));
                }
            }
        }

        var helpers = Enumerable.Range(1, Math.Min(Environment.ProcessorCount, fields.Length) - 1).Select(_ => Task.Run(Work)).ToArray();
        await Work();
        await Task.WhenAll(helpers);
        return new Frame(columns.Select(c => c.Build()));
    }

    /// <summary>One column's arrays for the whole read, filled row group by row group.</summary>
    private abstract class Sink(string name, int rows)
    {
        private ulong[]? _nulls;

        protected string Name { get; } = name;

        protected int Count { get; set; }

        protected int Rows { get; } = rows;

        public static Sink For(DataField field, int rows)
        {
            var type = field.ClrType;
            return type == typeof(int) ? new Values<int, long>(field.Name, rows, values => new Int64Column(field.Name, values.Values, values.Nulls))
                : type == typeof(long) ? new Values<long, long>(field.Name, rows, values => new Int64Column(field.Name, values.Values, values.Nulls))
                : type == typeof(double) ? new Values<double, double>(field.Name, rows, values => new Float64Column(field.Name, values.Values, values.Nulls), double.NaN)
                : type == typeof(float) ? new Values<float, double>(field.Name, rows, values => new Float64Column(field.Name, values.Values, values.Nulls), double.NaN)
                : type == typeof(bool) ? new Values<bool, bool>(field.Name, rows, values => new BoolColumn(field.Name, values.Values, values.Nulls))
                : type == typeof(DateTime) ? new Values<DateTime, DateTime>(field.Name, rows, values => new DateTimeColumn(field.Name, values.Values, values.Nulls))
                : type == typeof(string) || type == typeof(ReadOnlyMemory<char>) ? new Strings(field.Name, rows)
                : throw new NotSupportedException($"{field.Name}: {type}");
        }

        public abstract ValueTask ReadAsync(NetRowGroupReader group, DataField field, Memory<int> levels);

        public abstract Column Build();

        protected void SetNull(int row)
        {
            _nulls ??= NullMask.Create(Rows);
            NullMask.Set(_nulls, row);
        }

        protected ulong[]? SealNulls() => NullMask.Seal(_nulls, Count);
    }

    private sealed class Values<TRead, TValue>(string name, int rows, Func<(TValue[] Values, ulong[]? Nulls), Column> create, TValue nullValue = default)
        : Sink(name, rows)
        where TRead : struct
        where TValue : unmanaged
    {
        private readonly TValue[] _values = new TValue[rows];
        private TRead[] _read = [];

        public override async ValueTask ReadAsync(NetRowGroupReader group, DataField field, Memory<int> levels)
        {
            if (_read.Length < levels.Length)
            {
                _read = new TRead[levels.Length];
            }

            await group.ReadRawAsync<TRead>(field, _read, levels, null);
            Scatter(levels.Span, field.MaxDefinitionLevel);
        }

        private void Scatter(ReadOnlySpan<int> levels, int defined)
        {
            var target = _values.AsSpan(Count, levels.Length);
            var k = 0;
            for (var i = 0; i < levels.Length; i++)
            {
                if (levels[i] == defined)
                {
                    target[i] = Convert(_read[k++]);
                }
                else
                {
                    target[i] = nullValue;
                    SetNull(Count + i);
                }
            }

            Count += levels.Length;
        }

        public override Column Build() => create((_values, SealNulls()));

        /// <summary>int to long, float to double, the rest as they are (the type tests are constants to the JIT).</summary>
        private static TValue Convert(TRead value)
        {
            if (typeof(TRead) == typeof(int))
            {
                long wide = Unsafe.As<TRead, int>(ref value);
                return Unsafe.As<long, TValue>(ref wide);
            }

            if (typeof(TRead) == typeof(float))
            {
                double wide = Unsafe.As<TRead, float>(ref value);
                return Unsafe.As<double, TValue>(ref wide);
            }

            return Unsafe.As<TRead, TValue>(ref value);
        }
    }

    private sealed class Strings(string name, int rows) : Sink(name, rows)
    {
        private readonly int[] _codes = new int[rows];
        private readonly Dictionary<string, int> _lookup = new(StringComparer.Ordinal);
        private readonly List<string> _categories = [];
        private ReadOnlyMemory<char>[] _read = [];

        public override async ValueTask ReadAsync(NetRowGroupReader group, DataField field, Memory<int> levels)
        {
            if (_read.Length < levels.Length)
            {
                _read = new ReadOnlyMemory<char>[levels.Length];
            }

            await group.ReadRawAsync<ReadOnlyMemory<char>>(field, _read, levels, null);
            Scatter(levels.Span, field.MaxDefinitionLevel);
        }

        private void Scatter(ReadOnlySpan<int> levels, int defined)
        {
            var byChars = _lookup.GetAlternateLookup<ReadOnlySpan<char>>();
            var codes = _codes.AsSpan(Count, levels.Length);
            var k = 0;
            for (var i = 0; i < levels.Length; i++)
            {
                if (levels[i] != defined)
                {
                    codes[i] = -1;
                    SetNull(Count + i);
                    continue;
                }

                var text = _read[k++].Span;
                if (!byChars.TryGetValue(text, out var code))
                {
                    var value = text.ToString();
                    code = _categories.Count;
                    _lookup.Add(value, code);
                    _categories.Add(value);
                }

                codes[i] = code;
            }

            Count += levels.Length;
        }

        public override Column Build() => new StringColumn(Name, _codes, [.. _categories], SealNulls());
    }
}
