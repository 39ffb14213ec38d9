using System.Globalization;
using System.Numerics;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;
using ModelOps.Core.Data;
using ModelOps.Core.Interop.Linux;
using ArrowColumnType = Apache.Arrow.Types.IArrowType;
using Column = ModelOps.Core.Data.Column;

namespace ModelOps.Jobs.Datasets.Parquet;

/// <summary>
/// Turns the Arrow arrays of one Parquet column, batch after batch, into the frame column it becomes. The values go
/// straight from the Arrow buffers into one array sized once for every row the read will give (allocated without
/// zeroing: every row is written) and the null rows into a bit mask beside it, so a batch costs a copy or a widening
/// loop, never an append per value.
/// </summary>
/// <remarks>
/// Strings keep the frame's dictionary encoding: each distinct value is one .NET string, found by its UTF-8 bytes
/// (<see cref="Utf8CategoryTable"/>); a dictionary-encoded Arrow array maps each of its entries to a frame code once
/// per batch, on first use, so the categories stay in order of first appearance (as the CSV reader gives them).
/// </remarks>
internal abstract class ArrowColumnConverter(string name)
{
    private ulong[]? _nulls;

    /// <summary>The column's name.</summary>
    public string Name { get; } = name;

    /// <summary>The frame type's name (<c>int64</c>, ...).</summary>
    public abstract string Type { get; }

    /// <summary>The rows appended so far.</summary>
    protected int Count { get; private set; }

    /// <summary>The frame type an Arrow type becomes, or <see langword="null"/> when a frame cannot hold it.</summary>
    public static ColumnType? Map(ArrowColumnType type) => type switch
    {
        Int8Type or Int16Type or Int32Type or Int64Type or UInt8Type or UInt16Type or UInt32Type or UInt64Type => ColumnType.Int64,
        FloatType or DoubleType or Decimal128Type or Decimal256Type => ColumnType.Float64,
        BooleanType => ColumnType.Bool,
        StringType or LargeStringType or StringViewType => ColumnType.String,
        DictionaryType { ValueType: StringType or LargeStringType or StringViewType } => ColumnType.String,
        Date32Type or Date64Type or TimestampType => ColumnType.DateTime,
        _ => null,
    };

    /// <summary>The frame type <paramref name="field"/> becomes.</summary>
    /// <exception cref="DatasetException">A frame cannot hold the field's type.</exception>
    public static ColumnType TypeOf(string file, Field field) => Map(field.DataType)
        ?? throw new DatasetException($"{file}: column '{field.Name}' has type {field.DataType.Name}, which a frame cannot hold (it holds numbers, booleans, strings, dates and timestamps)");

    /// <summary>The converter of <paramref name="field"/>, with room for <paramref name="rows"/> rows.</summary>
    public static ArrowColumnConverter For(string file, Field field, int rows) => TypeOf(file, field) switch
    {
        ColumnType.Int64 => new Int64Converter(field.Name, rows),
        ColumnType.Float64 => new Float64Converter(field.Name, rows),
        ColumnType.Bool => new BoolConverter(field.Name, rows),
        ColumnType.String => new StringConverter(field.Name, rows),
        _ => new DateTimeConverter(field.Name, rows),
    };

    /// <summary>Appends the first <paramref name="count"/> values of <paramref name="array"/>.</summary>
    public void Append(IArrowArray array, int count)
    {
        Convert(array, count);
        Count += count;
    }

    /// <summary>The column; the converter must not be used afterwards.</summary>
    public abstract Column Build();

    /// <summary>Writes rows <see cref="Count"/> to <see cref="Count"/> + <paramref name="count"/> from the array.</summary>
    private protected abstract void Convert(IArrowArray array, int count);

    /// <summary>The null mask trimmed to the rows read; <see langword="null"/> when no row is null.</summary>
    private protected ulong[]? SealNulls() => NullMask.Seal(_nulls, Count);

    /// <summary>Marks row <see cref="Count"/> + <paramref name="i"/> null.</summary>
    private protected void SetNull(int capacity, int i)
    {
        _nulls ??= NullMask.Create(capacity);
        NullMask.Set(_nulls, Count + i);
    }

    /// <summary>
    /// Marks the null rows among the array's first <paramref name="count"/> in the mask; calls <paramref name="onNull"/>
    /// with each one's index in the array. Returns whether any was null.
    /// </summary>
    private protected bool CopyNulls<TState>(IArrowArray array, int count, int capacity, TState state, Action<TState, int> onNull)
    {
        var validity = new Validity(array);
        if (validity.AllValid)
        {
            return false;
        }

        var any = false;
        for (var i = 0; i < count; i++)
        {
            if (!validity.IsValid(i))
            {
                SetNull(capacity, i);
                onNull(state, i);
                any = true;
            }
        }

        return any;
    }

    /// <summary>An Arrow array's validity bitmap, read without a call into the array per value.</summary>
    private readonly ref struct Validity
    {
        private readonly ReadOnlySpan<byte> _bits;
        private readonly int _offset;

        public Validity(IArrowArray array)
        {
            var buffer = array.Data.Buffers[0];
            if (array.Data.GetNullCount() != 0 && !buffer.IsEmpty)
            {
                _bits = buffer.Span;
                _offset = array.Offset;
            }
        }

        public bool AllValid => _bits.IsEmpty;

        public bool IsValid(int i) => _bits.IsEmpty || BitUtility.GetBit(_bits, _offset + i);
    }

    /// <summary>The strings of an Arrow string array: UTF-8 bytes straight from its buffers for the common <c>utf8</c> type.</summary>
    private readonly ref struct Strings
    {
        private readonly IArrowArray _array;
        private readonly ReadOnlySpan<int> _offsets;
        private readonly ReadOnlySpan<byte> _bytes;
        private readonly Validity _validity;

        public Strings(IArrowArray array)
        {
            _array = array;
            _validity = new Validity(array);
            if (array is StringArray utf8)
            {
                _offsets = utf8.ValueOffsets;
                _bytes = utf8.Values;
                IsUtf8 = true;
            }
        }

        /// <summary>Whether <see cref="Data"/> and <see cref="Offsets"/> apply (a <c>utf8</c> array); else <see cref="Text"/>.</summary>
        public bool IsUtf8 { get; }

        /// <summary>Whether no string is null.</summary>
        public bool AllValid => _validity.AllValid;

        /// <summary>The UTF-8 of every string, one after another.</summary>
        public ReadOnlySpan<byte> Data => _bytes;

        /// <summary>Where each string starts in <see cref="Data"/>, and where the last one ends.</summary>
        public ReadOnlySpan<int> Offsets => _offsets;

        public bool IsValid(int i) => _validity.IsValid(i);

        public string? Text(int i) => _array switch
        {
            LargeStringArray large => large.GetString(i),
            StringViewArray view => view.GetString(i),
            _ => throw new InvalidOperationException($"no string conversion for {_array.Data.DataType.Name}"),
        };
    }

    /// <summary>
    /// A column of fixed-size values: one array for every row of the read, allocated (and its memory made ready,
    /// <see cref="HugePages"/>) by the first batch, so on the core that reads the column.
    /// </summary>
    private abstract class ValueConverter<T>(string name, int rows) : ArrowColumnConverter(name)
        where T : unmanaged
    {
        // Every row is written (a value, or the null value), so the array need not be zeroed first.
        private T[]? _values;

        protected abstract T NullValue { get; }

        private T[] Values => _values ??= HugePages.AllocateUninitialized<T>(rows);

        /// <summary>The rows this batch writes.</summary>
        protected Span<T> Target(int count) => Values.AsSpan(Count, count);

        /// <summary>Marks the batch's null rows and stores <see cref="NullValue"/> in them (Arrow leaves their slots undefined).</summary>
        protected bool Nulls(IArrowArray array, int count) =>
            CopyNulls(array, count, rows, (Values, Start: Count, Null: NullValue), static (s, i) => s.Values[s.Start + i] = s.Null);

        public override Column Build()
        {
            var values = Count == 0 ? [] : Values;
            if (values.Length != Count)
            {
                System.Array.Resize(ref values, Count);
            }

            return Create(Name, values, SealNulls());
        }

        protected abstract Column Create(string name, T[] values, ulong[]? nulls);
    }

    private sealed class Int64Converter(string name, int rows) : ValueConverter<long>(name, rows)
    {
        public override string Type => "int64";

        protected override long NullValue => 0L;

        protected override Column Create(string name, long[] values, ulong[]? nulls) => new Int64Column(name, values, nulls);

        private protected override void Convert(IArrowArray array, int count)
        {
            var target = Target(count);
            switch (array)
            {
                case Int64Array a:
                    a.Values[..count].CopyTo(target);
                    break;
                case Int32Array a:
                    Widen(a.Values[..count], target);
                    break;
                case Int16Array a:
                    Widen(a.Values[..count], target);
                    break;
                case Int8Array a:
                    Widen(a.Values[..count], target);
                    break;
                case UInt32Array a:
                    Widen(a.Values[..count], target);
                    break;
                case UInt16Array a:
                    Widen(a.Values[..count], target);
                    break;
                case UInt8Array a:
                    Widen(a.Values[..count], target);
                    break;
                case UInt64Array a:
                    var values = a.Values;
                    var validity = new Validity(a);
                    for (var i = 0; i < count; i++)
                    {
                        if (values[i] > long.MaxValue && validity.IsValid(i))
                        {
                            throw new DatasetException($"unsigned value {values[i]} is more than an int64 holds");
                        }

                        target[i] = (long)values[i];
                    }

                    break;
                default:
                    throw new InvalidOperationException($"no int64 conversion for {array.Data.DataType.Name}");
            }

            Nulls(array, count);
        }

        private static void Widen<TSource>(ReadOnlySpan<TSource> source, Span<long> target)
            where TSource : IBinaryInteger<TSource>
        {
            for (var i = 0; i < source.Length; i++)
            {
                target[i] = long.CreateTruncating(source[i]);
            }
        }
    }

    private sealed class Float64Converter(string name, int rows) : ValueConverter<double>(name, rows)
    {
        public override string Type => "float64";

        protected override double NullValue => double.NaN;

        protected override Column Create(string name, double[] values, ulong[]? nulls) => new Float64Column(name, values, nulls);

        private protected override void Convert(IArrowArray array, int count)
        {
            var target = Target(count);
            switch (array)
            {
                case DoubleArray a:
                    a.Values[..count].CopyTo(target);
                    break;
                case FloatArray a:
                    var floats = a.Values;
                    for (var i = 0; i < count; i++)
                    {
                        target[i] = floats[i];
                    }

                    break;
                case Decimal128Array a:
                    for (var i = 0; i < count; i++)
                    {
                        target[i] = a.IsValid(i) ? (double)a.GetSqlDecimal(i)!.Value.Value : 0;
                    }

                    break;
                case Decimal256Array a:
                    for (var i = 0; i < count; i++)
                    {
                        target[i] = a.IsValid(i) ? double.Parse(a.GetString(i)!, CultureInfo.InvariantCulture) : 0;
                    }

                    break;
                default:
                    throw new InvalidOperationException($"no float64 conversion for {array.Data.DataType.Name}");
            }

            Nulls(array, count);
        }
    }

    private sealed class BoolConverter(string name, int rows) : ValueConverter<bool>(name, rows)
    {
        public override string Type => "bool";

        protected override bool NullValue => false;

        protected override Column Create(string name, bool[] values, ulong[]? nulls) => new BoolColumn(name, values, nulls);

        private protected override void Convert(IArrowArray array, int count)
        {
            var booleans = (BooleanArray)array;
            var bits = booleans.ValueBuffer.Span;
            var offset = booleans.Offset;
            var target = Target(count);
            for (var i = 0; i < count; i++)
            {
                target[i] = BitUtility.GetBit(bits, offset + i);
            }

            Nulls(array, count);
        }
    }

    /// <summary>
    /// Dates and timestamps at the 100 ns of a tick: a timestamp with a time zone (adjusted to UTC) as a UTC value, one
    /// without and a date as a value without a kind; nanoseconds cut towards the past (Arrow's own conversion cuts
    /// towards 1970).
    /// </summary>
    private sealed class DateTimeConverter(string name, int rows) : ValueConverter<DateTime>(name, rows)
    {
        public override string Type => "datetime";

        protected override DateTime NullValue => default;

        protected override Column Create(string name, DateTime[] values, ulong[]? nulls) => new DateTimeColumn(name, values, nulls);

        private protected override void Convert(IArrowArray array, int count)
        {
            var target = Target(count);
            var epoch = DateTime.UnixEpoch.Ticks;
            switch (array)
            {
                case Date32Array a:
                    {
                        var days = a.Values;
                        var validity = new Validity(a);
                        for (var i = 0; i < count; i++)
                        {
                            target[i] = validity.IsValid(i) ? new DateTime(epoch + (days[i] * TimeSpan.TicksPerDay), DateTimeKind.Unspecified) : default;
                        }

                        break;
                    }

                case Date64Array a:
                    {
                        var milliseconds = a.Values;
                        var validity = new Validity(a);
                        for (var i = 0; i < count; i++)
                        {
                            target[i] = validity.IsValid(i) ? new DateTime(epoch + (milliseconds[i] * TimeSpan.TicksPerMillisecond), DateTimeKind.Unspecified) : default;
                        }

                        break;
                    }

                case TimestampArray a:
                    {
                        var type = (TimestampType)a.Data.DataType;
                        var kind = string.IsNullOrEmpty(type.Timezone) ? DateTimeKind.Unspecified : DateTimeKind.Utc;
                        var values = a.Values;
                        var validity = new Validity(a);
                        for (var i = 0; i < count; i++)
                        {
                            target[i] = validity.IsValid(i) ? new DateTime(epoch + Ticks(type.Unit, values[i]), kind) : default;
                        }

                        break;
                    }

                default:
                    throw new InvalidOperationException($"no datetime conversion for {array.Data.DataType.Name}");
            }

            Nulls(array, count);
        }

        private static long Ticks(Apache.Arrow.Types.TimeUnit unit, long value) => unit switch
        {
            Apache.Arrow.Types.TimeUnit.Second => value * TimeSpan.TicksPerSecond,
            Apache.Arrow.Types.TimeUnit.Millisecond => value * TimeSpan.TicksPerMillisecond,
            Apache.Arrow.Types.TimeUnit.Microsecond => value * TimeSpan.TicksPerMicrosecond,
            _ => Math.DivRem(value, 100, out var rest) - (rest < 0 ? 1 : 0),
        };
    }

    /// <summary>A string column, dictionary-encoded as the frame holds it: one code per row, each distinct value once.</summary>
    private sealed class StringConverter : ArrowColumnConverter
    {
        /// <summary>A dictionary entry no row has used yet in this batch.</summary>
        private const int Unmapped = -2;

        private readonly Utf8CategoryTable _table = new();
        private readonly int _rows;
        private int[]? _codes; // allocated by the first batch, as a ValueConverter's values
        private int[] _map = [];
        private int[] _needed = [];

        public StringConverter(string name, int rows)
            : base(name)
        {
            _rows = rows;
        }

        public override string Type => "string";

        public override Column Build()
        {
            var codes = Count == 0 ? [] : _codes!;
            if (codes.Length != Count)
            {
                System.Array.Resize(ref codes, Count);
            }

            return _table.Column(Name, codes, SealNulls());
        }

        private protected override void Convert(IArrowArray array, int count)
        {
            _codes ??= HugePages.AllocateUninitialized<int>(_rows);
            var codes = _codes.AsSpan(Count, count);
            if (array is DictionaryArray dictionary)
            {
                FromDictionary(dictionary, codes);
            }
            else if (array is StringArray or LargeStringArray or StringViewArray)
            {
                // Each row is an entry to look up: the null ones are left out.
                var strings = new Strings(array);
                var rows = Needed(codes.Length);
                var valid = 0;
                for (var i = 0; i < codes.Length; i++)
                {
                    if (strings.IsValid(i))
                    {
                        rows[valid++] = i;
                    }
                    else
                    {
                        codes[i] = -1;
                    }
                }

                Lookup(strings, rows[..valid], codes);
            }
            else
            {
                throw new InvalidOperationException($"no string conversion for {array.Data.DataType.Name}");
            }

            for (var i = 0; i < codes.Length; i++)
            {
                if (codes[i] < 0)
                {
                    SetNull(_rows, i);
                }
            }
        }

        private void FromDictionary(DictionaryArray array, Span<int> codes)
        {
            var words = array.Dictionary;
            if (words is not (StringArray or LargeStringArray or StringViewArray))
            {
                throw new DatasetException($"dictionary of {words.Data.DataType.Name} values is not text");
            }

            if (_map.Length < words.Length)
            {
                _map = new int[words.Length];
            }

            if (Count == 0 && array.Length > 0 && words is StringArray first && words.Length >= 0.9 * array.Length)
            {
                // A first batch of nearly all distinct values (ids, keys): the whole read will be, so size the table
                // for it once instead of doubling it a dozen times. Other columns grow as they need (a column whose
                // first batch is 75 % distinct may hold only a tenth as many values as rows).
                var expected = Math.Min(_rows, (int)((long)words.Length * _rows / array.Length));
                _table.Reserve(expected, (long)((double)first.Values.Length / words.Length * expected * 1.1));
            }

            var map = _map.AsSpan(0, words.Length);
            map.Fill(Unmapped);
            var rows = new Validity(array);
            var entries = new Strings(words);
            switch (array.Indices)
            {
                case Int32Array a:
                    MapIndices(a.Values, rows, entries, map, codes);
                    break;
                case Int8Array a:
                    MapIndices(a.Values, rows, entries, map, codes);
                    break;
                case Int16Array a:
                    MapIndices(a.Values, rows, entries, map, codes);
                    break;
                case Int64Array a:
                    MapIndices(a.Values, rows, entries, map, codes);
                    break;
                case UInt8Array a:
                    MapIndices(a.Values, rows, entries, map, codes);
                    break;
                case UInt16Array a:
                    MapIndices(a.Values, rows, entries, map, codes);
                    break;
                case UInt32Array a:
                    MapIndices(a.Values, rows, entries, map, codes);
                    break;
                default:
                    throw new DatasetException($"dictionary indices of {array.Indices.Data.DataType.Name}");
            }
        }

        /// <summary>
        /// Each row's code: its dictionary entry's. The entries the batch's rows use are listed in order of first use
        /// and looked up together (<see cref="Lookup"/>), then each row takes its entry's code.
        /// </summary>
        private void MapIndices<TIndex>(ReadOnlySpan<TIndex> indices, Validity rows, Strings entries, Span<int> map, Span<int> codes)
            where TIndex : IBinaryInteger<TIndex>
        {
            var used = Needed(Math.Min(map.Length, codes.Length));
            var count = 0;
            for (var i = 0; i < codes.Length; i++)
            {
                if (rows.IsValid(i))
                {
                    var index = int.CreateTruncating(indices[i]);
                    if (map[index] == Unmapped)
                    {
                        map[index] = -1;
                        used[count++] = index;
                    }
                }
            }

            Lookup(entries, used[..count], map);
            for (var i = 0; i < codes.Length; i++)
            {
                codes[i] = rows.IsValid(i) ? map[int.CreateTruncating(indices[i])] : -1;
            }
        }

        /// <summary>A buffer of at least <paramref name="length"/> entry numbers.</summary>
        private Span<int> Needed(int length)
        {
            if (_needed.Length < length)
            {
                _needed = new int[Math.Max(length, 2 * _needed.Length)];
            }

            return _needed;
        }

        /// <summary>Writes the code of each of <paramref name="entries"/> (-1 for a null one) at its place in <paramref name="codeOf"/>.</summary>
        private void Lookup(Strings strings, Span<int> entries, Span<int> codeOf)
        {
            if (!strings.AllValid)
            {
                var valid = 0;
                foreach (var e in entries)
                {
                    if (strings.IsValid(e))
                    {
                        entries[valid++] = e;
                    }
                    else
                    {
                        codeOf[e] = -1;
                    }
                }

                entries = entries[..valid];
            }

            if (strings.IsUtf8)
            {
                // Invalid bytes read as U+FFFD, as Arrow's own strings do (Utf8CategoryTable).
                _table.Codes(strings.Data, strings.Offsets, entries, codeOf);
                return;
            }

            foreach (var e in entries)
            {
                codeOf[e] = strings.Text(e) is { } text ? _table.Code(Encoding.UTF8.GetBytes(text)) : -1;
            }
        }
    }
}
