using System.Buffers;
using System.Text;
using ModelOps.Core.Data;
using ModelOps.Core.Interop.Linux;

namespace ModelOps.Jobs.Datasets;

/// <summary>
/// Collects one column's values while a dataset is read, in the column's current type, and widens the
/// values read so far when a later value needs a wider type.
/// </summary>
/// <remarks>
/// Inference order is int64, float64, bool, datetime, string: a column has the first type that accepts
/// every non-null value. Values are parsed straight into an array of the current type. When a value is
/// rejected the reader asks <see cref="ConvertTo"/> for the wider type (int64 to float64 gives the same
/// correctly rounded double as parsing the text would: the long converts exactly, and kept text such as
/// <c>-0</c> is parsed again; anything to string uses the original text) and
/// re-parses only the rows after <c>keepRows</c>. To turn parsed values back into their exact text
/// without a copy of the input, the accumulator keeps the original bytes only of values whose text is not
/// what <see cref="ValueFormat"/> writes for them (<c>007</c>, <c>1.50</c>, <c>TRUE</c>); every other
/// value is formatted back. Columns whose type is given never widen and keep no text.
/// A column without any non-null value has no type yet and builds as a string column of nulls.
/// </remarks>
internal sealed class ColumnAccumulator
{
    /// <summary>The magnitude from which the shortest round-trip format of a double uses exponent notation.</summary>
    internal const double LargestFixedNotation = 1e15;

    private Array? _values;
    private StringColumnBuilder? _strings;
    private ulong[]? _nulls;
    private RawTextStore? _raw;
    private int _count;

    /// <summary>An empty column: of <paramref name="givenType"/> when given (it never changes), else inferred.</summary>
    public ColumnAccumulator(ColumnType? givenType)
    {
        IsGiven = givenType is not null;
        if (givenType is { } type)
        {
            Type = type;
            CreateStorage(type, 0);
        }
    }

    /// <summary>The current type; <see langword="null"/> while inferred and no non-null value has arrived.</summary>
    public ColumnType? Type { get; private set; }

    /// <summary>Whether the type was given (values that do not parse are errors, not a reason to widen).</summary>
    public bool IsGiven { get; }

    /// <summary>Whether non-canonical value text must be passed to <see cref="AddRawText"/>.</summary>
    public bool TracksRawText => !IsGiven && Type is not ColumnType.String;

    /// <summary>The expected final row count (0 when unknown): value arrays are sized for it once instead of growing.</summary>
    public int CapacityHint { get; set; }

    /// <summary>The number of rows held.</summary>
    public int Count => _strings?.Count ?? _count;

    /// <summary>The string builder when the type is string.</summary>
    public StringColumnBuilder Strings => _strings ?? throw new InvalidOperationException("The column is not a string column.");

    /// <summary>The value array (capacity may exceed <see cref="Count"/>) when the type is a value type.</summary>
    public T[] Values<T>() => (T[])_values!;

    /// <summary>Makes room for <paramref name="rows"/> rows in the value array (no-op for strings and untyped columns).</summary>
    public void EnsureCapacity(int rows)
    {
        if (_values is null || _values.Length >= rows)
        {
            return;
        }

        var capacity = Math.Max(rows, (int)Math.Min(Array.MaxLength, (long)_values.Length * 3 / 2));
        if (CapacityHint >= rows)
        {
            capacity = CapacityHint;
        }

        _values = _values switch
        {
            long[] values => HugePages.Resized(values, capacity, Math.Min(_count, values.Length)),
            double[] values => HugePages.Resized(values, capacity, Math.Min(_count, values.Length)),
            bool[] values => HugePages.Resized(values, capacity, Math.Min(_count, values.Length)),
            DateTime[] values => HugePages.Resized(values, capacity, Math.Min(_count, values.Length)),
            _ => throw new InvalidOperationException("Unknown value array."),
        };
    }

    /// <summary>Marks <paramref name="row"/> null (value types and untyped columns; the caller stores the null value).</summary>
    public void MarkNull(int row)
    {
        _nulls = NullMask.Ensure(_nulls, row + 1);
        NullMask.Set(_nulls, row);
    }

    /// <summary>Sets the row count after rows were written straight into <see cref="Values{T}"/> (value types and untyped columns).</summary>
    public void SetCount(int count) => _count = count;

    /// <summary>Keeps the original text of <paramref name="row"/> (when <see cref="TracksRawText"/>).</summary>
    public void AddRawText(int row, ReadOnlySpan<byte> text) => (_raw ??= new RawTextStore()).Add(row, text);

    /// <summary>Appends null rows until the column holds <paramref name="rows"/> rows.</summary>
    public void PadNulls(int rows)
    {
        if (_strings is not null)
        {
            while (_strings.Count < rows)
            {
                _strings.AppendNull();
            }

            return;
        }

        EnsureCapacity(rows);
        for (var row = _count; row < rows; row++)
        {
            MarkNull(row);
            if (_values is double[] doubles)
            {
                doubles[row] = double.NaN;
            }
            else if (_values is not null)
            {
                Array.Clear(_values, row, 1);
            }
        }

        _count = Math.Max(_count, rows);
    }

    /// <summary>
    /// Keeps the first <paramref name="keepRows"/> rows, converted to <paramref name="type"/>; later rows are
    /// dropped (the caller parses them again in the new type). Valid conversions: from no type to any,
    /// int64 to float64, any to string, and a type to itself.
    /// </summary>
    public void ConvertTo(ColumnType type, int keepRows)
    {
        _raw?.TruncateFrom(keepRows);
        if (_nulls is not null)
        {
            ClearNullsFrom(keepRows);
        }

        var from = Type;
        if (from == type)
        {
            if (_strings is not null && _strings.Count != keepRows)
            {
                throw new InvalidOperationException("A string column cannot drop rows.");
            }

            _count = keepRows;
            return;
        }

        switch (from, type)
        {
            case (null, ColumnType.String):
                _strings = new StringColumnBuilder(Math.Max(keepRows, 16));
                for (var row = 0; row < keepRows; row++)
                {
                    _strings.AppendNull();
                }

                break;
            case (null, _):
                CreateStorage(type, keepRows);
                if (_values is double[] doubles)
                {
                    doubles.AsSpan(0, keepRows).Fill(double.NaN);
                }

                for (var row = 0; row < keepRows; row++)
                {
                    MarkNull(row);
                }

                break;
            case (ColumnType.Int64, ColumnType.Float64):
                var longs = (long[])_values!;
                var converted = GC.AllocateUninitializedArray<double>(longs.Length);
                var needsText = false;
                var rawIndex = 0;
                for (var row = 0; row < keepRows; row++)
                {
                    var isNull = NullMask.IsSet(_nulls, row);
                    converted[row] = isNull ? double.NaN : longs[row];
                    needsText |= !isNull && Math.Abs((double)longs[row]) >= LargestFixedNotation;
                    if (_raw is not null && rawIndex < _raw.Count && _raw.RowAt(rawIndex) == row)
                    {
                        // Text kept because it is not how the integer is written (-0, 007): parse it as a double instead.
                        Utf8ValueParser.TryParseFloat64(_raw.TextAt(rawIndex++), checkCanonical: false, out converted[row], out _);
                    }
                }

                if (needsText)
                {
                    KeepIntegerText(longs, keepRows);
                }

                _values = converted;
                break;
            case (_, ColumnType.String):
                _strings = ToStrings(keepRows);
                _values = null;
                _nulls = null;
                _raw = null;
                break;
            default:
                throw new InvalidOperationException($"Cannot convert a {from?.ToName()} column to {type.ToName()}.");
        }

        Type = type;
        _count = keepRows;
    }

    /// <summary>The finished column of <paramref name="rows"/> rows (missing rows at the end are null).</summary>
    public Column Build(string name, int rows)
    {
        if (Type is null)
        {
            ConvertTo(ColumnType.String, Math.Min(_count, rows));
        }

        PadNulls(rows);
        if (_strings is not null)
        {
            return _strings.Build(name);
        }

        var nulls = NullMask.Seal(_nulls, rows);
        return _values switch
        {
            long[] values => new Int64Column(name, Exact(values, rows), nulls),
            double[] values => new Float64Column(name, Exact(values, rows), nulls),
            bool[] values => new BoolColumn(name, Exact(values, rows), nulls),
            DateTime[] values => new DateTimeColumn(name, Exact(values, rows), nulls),
            _ => throw new InvalidOperationException("Unknown value array."),
        };
    }

    private void CreateStorage(ColumnType type, int capacity)
    {
        // Rows below the count are written before they are read, so large arrays skip zeroing; rows
        // already held (all null when storage is created) get the null value by the caller.
        var rows = capacity;
        capacity = Math.Max(Math.Max(capacity, 16), type == ColumnType.String ? 0 : CapacityHint);
        switch (type)
        {
            case ColumnType.Int64:
                _values = Allocate<long>(capacity, rows);
                break;
            case ColumnType.Float64:
                _values = Allocate<double>(capacity, rows);
                break;
            case ColumnType.Bool:
                _values = Allocate<bool>(capacity, rows);
                break;
            case ColumnType.DateTime:
                _values = Allocate<DateTime>(capacity, rows);
                break;
            case ColumnType.String:
                _strings = new StringColumnBuilder(capacity);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column type.");
        }
    }

    /// <summary>
    /// Keeps the digits of integers of 1e15 and more, whose double is written in exponent notation
    /// (<c>1E+16</c>), so that a later widening to string still gives the text that was read.
    /// </summary>
    private void KeepIntegerText(long[] longs, int rows)
    {
        var kept = new RawTextStore();
        var old = _raw;
        var next = 0;
        Span<char> chars = stackalloc char[24];
        Span<byte> bytes = stackalloc byte[24];
        for (var row = 0; row < rows; row++)
        {
            if (old is not null && next < old.Count && old.RowAt(next) == row)
            {
                kept.Add(row, old.TextAt(next++));
            }
            else if (!NullMask.IsSet(_nulls, row) && Math.Abs((double)longs[row]) >= LargestFixedNotation)
            {
                ValueFormat.TryFormat(longs[row], chars, out var written);
                var length = Encoding.UTF8.GetBytes(chars[..written], bytes);
                kept.Add(row, bytes[..length]);
            }
        }

        _raw = kept;
    }

    // Large value arrays are made ready in one call (huge pages, populated: HugePages), as the Parquet reader's are.
    private static T[] Allocate<T>(int capacity, int cleared)
        where T : unmanaged
    {
        var values = HugePages.AllocateUninitialized<T>(capacity);
        Array.Clear(values, 0, Math.Min(cleared, capacity));
        return values;
    }

    private void ClearNullsFrom(int row)
    {
        var nulls = _nulls!;
        var word = row >> 6;
        if (word >= nulls.Length)
        {
            return;
        }

        nulls[word] &= (1UL << (row & 63)) - 1;
        Array.Clear(nulls, word + 1, nulls.Length - word - 1);
    }

    private StringColumnBuilder ToStrings(int rows)
    {
        var builder = new StringColumnBuilder(Math.Max(rows, 16));
        var raw = _raw;
        var next = 0;
        Span<char> formatted = stackalloc char[64];
        char[]? decoded = null;
        try
        {
            for (var row = 0; row < rows; row++)
            {
                if (NullMask.IsSet(_nulls, row))
                {
                    builder.AppendNull();
                    continue;
                }

                if (raw is not null && next < raw.Count && raw.RowAt(next) == row)
                {
                    var text = raw.TextAt(next++);
                    if (decoded is null || decoded.Length < text.Length)
                    {
                        if (decoded is not null)
                        {
                            ArrayPool<char>.Shared.Return(decoded);
                        }

                        decoded = ArrayPool<char>.Shared.Rent(Math.Max(text.Length, 256));
                    }

                    var count = Encoding.UTF8.GetChars(text, decoded);
                    builder.Append(decoded.AsSpan(0, count));
                    continue;
                }

                builder.Append(Format(row, formatted));
            }
        }
        finally
        {
            if (decoded is not null)
            {
                ArrayPool<char>.Shared.Return(decoded);
            }
        }

        return builder;
    }

    private ReadOnlySpan<char> Format(int row, Span<char> buffer)
    {
        var written = 0;
        var ok = _values switch
        {
            long[] values => ValueFormat.TryFormat(values[row], buffer, out written),
            double[] values => ValueFormat.TryFormat(values[row], buffer, out written),
            DateTime[] values => ValueFormat.TryFormat(values[row], buffer, out written),
            bool[] values => Copy(ValueFormat.Format(values[row]), buffer, out written),
            _ => false,
        };
        return ok ? buffer[..written] : throw new InvalidOperationException($"Cannot format row {row} as text.");
    }

    private static bool Copy(string text, Span<char> buffer, out int written)
    {
        text.CopyTo(buffer);
        written = text.Length;
        return true;
    }

    private static T[] Exact<T>(T[] values, int rows)
        where T : unmanaged => values.Length == rows ? values : HugePages.Resized(values, rows, rows);
}
