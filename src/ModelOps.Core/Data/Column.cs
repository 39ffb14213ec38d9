namespace ModelOps.Core.Data;

/// <summary>
/// One named, typed, nullable column of a <see cref="Frame"/>. Values live in a typed array
/// (never boxed); nulls are a bit mask beside it. Columns are immutable.
/// </summary>
public abstract class Column
{
    private protected Column(string name, int length, ulong[]? nulls)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Length = length;
        Nulls = nulls;
        NullCount = NullMask.Count(nulls);
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>The number of rows.</summary>
    public int Length { get; }

    /// <summary>The logical type.</summary>
    public abstract ColumnType Type { get; }

    /// <summary>The number of null rows.</summary>
    public int NullCount { get; }

    /// <summary>The null bit mask (bit set = null), or <see langword="null"/> when no row is null.</summary>
    internal ulong[]? Nulls { get; }

    /// <summary>Whether row <paramref name="row"/> is null.</summary>
    public bool IsNull(int row) => NullMask.IsSet(Nulls, row);

    /// <summary>A new column holding the rows at <paramref name="rows"/>, in that order (rows may repeat).</summary>
    public abstract Column Take(ReadOnlySpan<int> rows);

    /// <summary>The same values under another name.</summary>
    public abstract Column Rename(string name);

    /// <summary>The value of <paramref name="row"/> as invariant-culture text, or <see langword="null"/> when null.</summary>
    public abstract string? Format(int row);

    /// <summary>The non-null values appended after this column's, as one column named like this one.</summary>
    /// <exception cref="ArgumentException">The types differ.</exception>
    public abstract Column Append(Column other);

    private protected ulong[]? TakeNulls(ReadOnlySpan<int> rows)
    {
        if (Nulls is null)
        {
            return null;
        }

        ulong[]? mask = null;
        for (var i = 0; i < rows.Length; i++)
        {
            if (NullMask.IsSet(Nulls, rows[i]))
            {
                mask ??= NullMask.Create(rows.Length);
                NullMask.Set(mask, i);
            }
        }

        return mask;
    }

    private protected ulong[]? AppendNulls(Column other)
    {
        if (Nulls is null && other.Nulls is null)
        {
            return null;
        }

        var total = Length + other.Length;
        var mask = NullMask.Create(total);
        for (var i = 0; i < Length; i++)
        {
            if (NullMask.IsSet(Nulls, i))
            {
                NullMask.Set(mask, i);
            }
        }

        for (var i = 0; i < other.Length; i++)
        {
            if (NullMask.IsSet(other.Nulls, i))
            {
                NullMask.Set(mask, Length + i);
            }
        }

        return mask;
    }

    private protected void CheckSameType(Column other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Type != Type)
        {
            throw new ArgumentException(
                $"Cannot append column '{other.Name}' of type {other.Type.ToName()} to column '{Name}' of type {Type.ToName()}.",
                nameof(other));
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Type.ToName()}, {Length} rows, {NullCount} null)";
}
