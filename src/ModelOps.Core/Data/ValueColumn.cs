namespace ModelOps.Core.Data;

/// <summary>A column of fixed-size values held in one array.</summary>
/// <typeparam name="T">The element type.</typeparam>
public abstract class ValueColumn<T> : Column
    where T : unmanaged
{
    private readonly T[] _values;

    private protected ValueColumn(string name, T[] values, ulong[]? nulls)
        : base(name, values.Length, nulls)
    {
        _values = values;
    }

    /// <summary>All values; null rows hold <see cref="NullValue"/>.</summary>
    public ReadOnlySpan<T> Values => _values;

    /// <summary>All values as memory (for use across calls and threads); null rows hold <see cref="NullValue"/>.</summary>
    public ReadOnlyMemory<T> Memory => _values;

    /// <summary>The value at <paramref name="row"/> (<see cref="NullValue"/> when the row is null).</summary>
    public T this[int row] => _values[row];

    /// <summary>The value stored in null rows (NaN for floats, the default value otherwise).</summary>
    public abstract T NullValue { get; }

    private protected abstract ValueColumn<T> Create(string name, T[] values, ulong[]? nulls);

    /// <inheritdoc/>
    public override Column Take(ReadOnlySpan<int> rows)
    {
        var values = new T[rows.Length];
        var source = _values;
        for (var i = 0; i < rows.Length; i++)
        {
            values[i] = source[rows[i]];
        }

        return Create(Name, values, TakeNulls(rows));
    }

    /// <inheritdoc/>
    public override Column Rename(string name) => Create(name, _values, Nulls);

    /// <inheritdoc/>
    public override Column Append(Column other)
    {
        CheckSameType(other);
        var typed = (ValueColumn<T>)other;
        var values = new T[Length + typed.Length];
        _values.CopyTo(values, 0);
        typed._values.CopyTo(values, Length);
        return Create(Name, values, AppendNulls(other));
    }

    /// <summary>A copy of the values with nulls as <see langword="null"/>.</summary>
    public T?[] ToNullableArray()
    {
        var result = new T?[Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = IsNull(i) ? null : _values[i];
        }

        return result;
    }

    private protected static (T[] Values, ulong[]? Nulls) Split(T?[] values, T nullValue)
    {
        ArgumentNullException.ThrowIfNull(values);
        var data = new T[values.Length];
        ulong[]? mask = null;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is { } value)
            {
                data[i] = value;
            }
            else
            {
                data[i] = nullValue;
                mask ??= NullMask.Create(values.Length);
                NullMask.Set(mask, i);
            }
        }

        return (data, mask);
    }
}

/// <summary>A column of 64-bit floats. Null rows read as NaN in <see cref="ValueColumn{T}.Values"/>.</summary>
public sealed class Float64Column : ValueColumn<double>
{
    /// <summary>A column over <paramref name="values"/> (the array is owned by the column from now on); NaN is a value, not a null.</summary>
    public Float64Column(string name, double[] values)
        : this(name, values, null)
    {
    }

    /// <summary>A column where <see langword="null"/> entries are nulls.</summary>
    public Float64Column(string name, double?[] values)
        : this(name, Split(values, double.NaN))
    {
    }

    internal Float64Column(string name, double[] values, ulong[]? nulls)
        : base(name, values, nulls)
    {
    }

    private Float64Column(string name, (double[] Values, ulong[]? Nulls) parts)
        : base(name, parts.Values, parts.Nulls)
    {
    }

    /// <inheritdoc/>
    public override ColumnType Type => ColumnType.Float64;

    /// <inheritdoc/>
    public override double NullValue => double.NaN;

    /// <inheritdoc/>
    public override string? Format(int row) => IsNull(row) ? null : ValueFormat.Format(this[row]);

    private protected override ValueColumn<double> Create(string name, double[] values, ulong[]? nulls) => new Float64Column(name, values, nulls);
}

/// <summary>A column of 64-bit signed integers.</summary>
public sealed class Int64Column : ValueColumn<long>
{
    /// <summary>A column over <paramref name="values"/> (the array is owned by the column from now on).</summary>
    public Int64Column(string name, long[] values)
        : this(name, values, null)
    {
    }

    /// <summary>A column where <see langword="null"/> entries are nulls.</summary>
    public Int64Column(string name, long?[] values)
        : this(name, Split(values, 0L))
    {
    }

    internal Int64Column(string name, long[] values, ulong[]? nulls)
        : base(name, values, nulls)
    {
    }

    private Int64Column(string name, (long[] Values, ulong[]? Nulls) parts)
        : base(name, parts.Values, parts.Nulls)
    {
    }

    /// <inheritdoc/>
    public override ColumnType Type => ColumnType.Int64;

    /// <inheritdoc/>
    public override long NullValue => 0L;

    /// <inheritdoc/>
    public override string? Format(int row) => IsNull(row) ? null : ValueFormat.Format(this[row]);

    private protected override ValueColumn<long> Create(string name, long[] values, ulong[]? nulls) => new Int64Column(name, values, nulls);
}

/// <summary>A column of booleans.</summary>
public sealed class BoolColumn : ValueColumn<bool>
{
    /// <summary>A column over <paramref name="values"/> (the array is owned by the column from now on).</summary>
    public BoolColumn(string name, bool[] values)
        : this(name, values, null)
    {
    }

    /// <summary>A column where <see langword="null"/> entries are nulls.</summary>
    public BoolColumn(string name, bool?[] values)
        : this(name, Split(values, false))
    {
    }

    internal BoolColumn(string name, bool[] values, ulong[]? nulls)
        : base(name, values, nulls)
    {
    }

    private BoolColumn(string name, (bool[] Values, ulong[]? Nulls) parts)
        : base(name, parts.Values, parts.Nulls)
    {
    }

    /// <inheritdoc/>
    public override ColumnType Type => ColumnType.Bool;

    /// <inheritdoc/>
    public override bool NullValue => false;

    /// <inheritdoc/>
    public override string? Format(int row) => IsNull(row) ? null : ValueFormat.Format(this[row]);

    private protected override ValueColumn<bool> Create(string name, bool[] values, ulong[]? nulls) => new BoolColumn(name, values, nulls);
}

/// <summary>A column of date-times (kind kept as given; no time zone conversion).</summary>
public sealed class DateTimeColumn : ValueColumn<DateTime>
{
    /// <summary>A column over <paramref name="values"/> (the array is owned by the column from now on).</summary>
    public DateTimeColumn(string name, DateTime[] values)
        : this(name, values, null)
    {
    }

    /// <summary>A column where <see langword="null"/> entries are nulls.</summary>
    public DateTimeColumn(string name, DateTime?[] values)
        : this(name, Split(values, default))
    {
    }

    internal DateTimeColumn(string name, DateTime[] values, ulong[]? nulls)
        : base(name, values, nulls)
    {
    }

    private DateTimeColumn(string name, (DateTime[] Values, ulong[]? Nulls) parts)
        : base(name, parts.Values, parts.Nulls)
    {
    }

    /// <inheritdoc/>
    public override ColumnType Type => ColumnType.DateTime;

    /// <inheritdoc/>
    public override DateTime NullValue => default;

    /// <inheritdoc/>
    public override string? Format(int row) => IsNull(row) ? null : ValueFormat.Format(this[row]);

    private protected override ValueColumn<DateTime> Create(string name, DateTime[] values, ulong[]? nulls) => new DateTimeColumn(name, values, nulls);
}
