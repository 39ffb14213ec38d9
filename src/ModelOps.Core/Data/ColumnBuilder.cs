using ModelOps.Core.Interop.Linux;

namespace ModelOps.Core.Data;

/// <summary>Appends values one row at a time and then builds an immutable <see cref="Column"/>.</summary>
public abstract class ColumnBuilder
{
    private protected ulong[]? _nulls;

    /// <summary>The type of the column being built.</summary>
    public abstract ColumnType Type { get; }

    /// <summary>The number of rows appended so far.</summary>
    public int Count { get; private protected set; }

    /// <summary>Appends a null row.</summary>
    public void AppendNull()
    {
        _nulls = NullMask.Ensure(_nulls, Count + 1);
        NullMask.Set(_nulls, Count);
        AppendNullValue();
    }

    /// <summary>Builds the column; the builder must not be used afterwards.</summary>
    public abstract Column Build(string name);

    private protected abstract void AppendNullValue();

    /// <summary>An empty builder for <paramref name="type"/>.</summary>
    public static ColumnBuilder Create(ColumnType type, int capacity = 16) => type switch
    {
        ColumnType.Float64 => new Float64ColumnBuilder(capacity),
        ColumnType.Int64 => new Int64ColumnBuilder(capacity),
        ColumnType.Bool => new BoolColumnBuilder(capacity),
        ColumnType.String => new StringColumnBuilder(capacity),
        ColumnType.DateTime => new DateTimeColumnBuilder(capacity),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column type."),
    };
}

/// <summary>Builds a column of fixed-size values.</summary>
/// <typeparam name="T">The element type.</typeparam>
public abstract class ValueColumnBuilder<T> : ColumnBuilder
    where T : unmanaged
{
    private T[] _values;

    private protected ValueColumnBuilder(int capacity)
    {
        _values = new T[Math.Max(capacity, 4)];
    }

    private protected abstract T NullValue { get; }

    /// <summary>Appends a value.</summary>
    public void Append(T value)
    {
        if (Count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[Count++] = value;
    }

    private protected override void AppendNullValue() => Append(NullValue);

    /// <inheritdoc/>
    public override Column Build(string name)
    {
        var values = _values;
        if (values.Length != Count)
        {
            Array.Resize(ref values, Count);
        }

        return Create(name, values, NullMask.Seal(_nulls, Count));
    }

    private protected abstract Column Create(string name, T[] values, ulong[]? nulls);
}

/// <summary>Builds a <see cref="Float64Column"/>.</summary>
public sealed class Float64ColumnBuilder(int capacity = 16) : ValueColumnBuilder<double>(capacity)
{
    /// <inheritdoc/>
    public override ColumnType Type => ColumnType.Float64;

    private protected override double NullValue => double.NaN;

    private protected override Column Create(string name, double[] values, ulong[]? nulls) => new Float64Column(name, values, nulls);
}

/// <summary>Builds an <see cref="Int64Column"/>.</summary>
public sealed class Int64ColumnBuilder(int capacity = 16) : ValueColumnBuilder<long>(capacity)
{
    /// <inheritdoc/>
    public override ColumnType Type => ColumnType.Int64;

    private protected override long NullValue => 0L;

    private protected override Column Create(string name, long[] values, ulong[]? nulls) => new Int64Column(name, values, nulls);
}

/// <summary>Builds a <see cref="BoolColumn"/>.</summary>
public sealed class BoolColumnBuilder(int capacity = 16) : ValueColumnBuilder<bool>(capacity)
{
    /// <inheritdoc/>
    public override ColumnType Type => ColumnType.Bool;

    private protected override bool NullValue => false;

    private protected override Column Create(string name, bool[] values, ulong[]? nulls) => new BoolColumn(name, values, nulls);
}

/// <summary>Builds a <see cref="DateTimeColumn"/>.</summary>
public sealed class DateTimeColumnBuilder(int capacity = 16) : ValueColumnBuilder<DateTime>(capacity)
{
    /// <inheritdoc/>
    public override ColumnType Type => ColumnType.DateTime;

    private protected override DateTime NullValue => default;

    private protected override Column Create(string name, DateTime[] values, ulong[]? nulls) => new DateTimeColumn(name, values, nulls);
}

/// <summary>Builds a dictionary-encoded <see cref="StringColumn"/>; a repeated value is stored once.</summary>
public sealed class StringColumnBuilder : ColumnBuilder
{
    private readonly Dictionary<string, int> _lookup = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanLookup;
    private readonly List<string> _categories = [];
    private int[] _codes;

    /// <summary>An empty builder with room for <paramref name="capacity"/> rows.</summary>
    public StringColumnBuilder(int capacity = 16)
    {
        // Codes are written before they are read: not zeroed; large arrays made ready in one call (HugePages).
        _codes = HugePages.AllocateUninitialized<int>(Math.Max(capacity, 4));
        _spanLookup = _lookup.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <inheritdoc/>
    public override ColumnType Type => ColumnType.String;

    /// <summary>Appends a value.</summary>
    public void Append(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!_lookup.TryGetValue(value, out var code))
        {
            code = _categories.Count;
            _lookup.Add(value, code);
            _categories.Add(value);
        }

        AppendCode(code);
    }

    /// <summary>Appends a value given as characters; allocates a string only for a value not seen before.</summary>
    public void Append(ReadOnlySpan<char> value)
    {
        if (!_spanLookup.TryGetValue(value, out var code))
        {
            var text = value.ToString();
            code = _categories.Count;
            _lookup.Add(text, code);
            _categories.Add(text);
        }

        AppendCode(code);
    }

    private protected override void AppendNullValue() => AppendCode(-1);

    private void AppendCode(int code)
    {
        if (Count == _codes.Length)
        {
            _codes = HugePages.Resized(_codes, _codes.Length * 2, Count);
        }

        _codes[Count++] = code;
    }

    /// <inheritdoc/>
    public override Column Build(string name)
    {
        var codes = _codes.Length == Count ? _codes : HugePages.Resized(_codes, Count, Count);
        return new StringColumn(name, codes, [.. _categories], NullMask.Seal(_nulls, Count));
    }
}
