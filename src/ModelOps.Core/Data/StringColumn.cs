namespace ModelOps.Core.Data;

/// <summary>
/// A text column stored dictionary-encoded: one <see cref="int"/> code per row into
/// <see cref="Categories"/> (code -1 is null). Repeated values cost one string. A column read from a file may keep its
/// categories as the file's UTF-8 bytes and decode each into a string when it is first asked for.
/// </summary>
public sealed class StringColumn : Column
{
    private readonly int[] _codes;

    /// <summary>The categories as strings, or <see cref="Utf8"/> when they are kept as UTF-8 (one of the two is set).</summary>
    private readonly string[]? _categories;

    /// <summary>A column from plain values; <see langword="null"/> entries are nulls.</summary>
    public StringColumn(string name, IReadOnlyList<string?> values)
        : this(name, Encode(values))
    {
    }

    /// <summary>A column from codes into <paramref name="categories"/> (distinct values); code -1 is null. Arrays are owned by the column.</summary>
    /// <exception cref="ArgumentException">A code is out of range or a category repeats.</exception>
    public StringColumn(string name, int[] codes, string[] categories)
        : this(name, codes, categories, Validate(codes, categories))
    {
    }

    private StringColumn(string name, (int[] Codes, string[] Categories, ulong[]? Nulls) parts)
        : this(name, parts.Codes, parts.Categories, parts.Nulls)
    {
    }

    internal StringColumn(string name, int[] codes, string[] categories, ulong[]? nulls)
        : base(name, codes.Length, nulls)
    {
        _codes = codes;
        _categories = categories;
    }

    /// <summary>A column whose categories stay UTF-8 until asked for; the reader that made them checked the codes.</summary>
    internal StringColumn(string name, int[] codes, Utf8Categories categories, ulong[]? nulls)
        : base(name, codes.Length, nulls)
    {
        _codes = codes;
        Utf8 = categories;
    }

    private StringColumn(StringColumn source, string name, int[] codes, ulong[]? nulls)
        : base(name, codes.Length, nulls)
    {
        _codes = codes;
        _categories = source._categories;
        Utf8 = source.Utf8;
    }

    /// <inheritdoc/>
    public override ColumnType Type => ColumnType.String;

    /// <summary>One code per row into <see cref="Categories"/>; -1 for null rows.</summary>
    public ReadOnlySpan<int> Codes => _codes;

    /// <summary>The distinct values, in order of first appearance (categories no row uses may remain after <see cref="Take"/>).</summary>
    public IReadOnlyList<string> Categories => _categories ?? (IReadOnlyList<string>)Utf8!;

    /// <summary>The categories as UTF-8 bytes when the column keeps them so (read from a file), else <see langword="null"/>.</summary>
    internal Utf8Categories? Utf8 { get; }

    /// <summary>The value at <paramref name="row"/>, or <see langword="null"/>.</summary>
    public string? this[int row]
    {
        get
        {
            var code = _codes[row];
            return code < 0 ? null : _categories is { } strings ? strings[code] : Utf8![code];
        }
    }

    /// <inheritdoc/>
    public override string? Format(int row) => this[row];

    /// <inheritdoc/>
    public override Column Take(ReadOnlySpan<int> rows)
    {
        var codes = new int[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            codes[i] = _codes[rows[i]];
        }

        return new StringColumn(this, Name, codes, TakeNulls(rows));
    }

    /// <inheritdoc/>
    public override Column Rename(string name) => new StringColumn(this, name, _codes, Nulls);

    /// <inheritdoc/>
    public override Column Append(Column other)
    {
        CheckSameType(other);
        var typed = (StringColumn)other;
        var mine = Categories;
        var theirs = typed.Categories;
        var lookup = new Dictionary<string, int>(mine.Count + theirs.Count, StringComparer.Ordinal);
        var categories = new List<string>(mine.Count + theirs.Count);
        foreach (var category in mine)
        {
            lookup.Add(category, categories.Count);
            categories.Add(category);
        }

        var remap = new int[theirs.Count];
        for (var i = 0; i < remap.Length; i++)
        {
            var category = theirs[i];
            if (!lookup.TryGetValue(category, out var code))
            {
                code = categories.Count;
                lookup.Add(category, code);
                categories.Add(category);
            }

            remap[i] = code;
        }

        var codes = new int[Length + typed.Length];
        _codes.CopyTo(codes, 0);
        for (var i = 0; i < typed.Length; i++)
        {
            var code = typed._codes[i];
            codes[Length + i] = code < 0 ? -1 : remap[code];
        }

        return new StringColumn(Name, codes, [.. categories], AppendNulls(other));
    }

    private static (int[] Codes, string[] Categories, ulong[]? Nulls) Encode(IReadOnlyList<string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var lookup = new Dictionary<string, int>(StringComparer.Ordinal);
        var categories = new List<string>();
        var codes = new int[values.Count];
        ulong[]? mask = null;
        for (var i = 0; i < codes.Length; i++)
        {
            var value = values[i];
            if (value is null)
            {
                codes[i] = -1;
                mask ??= NullMask.Create(codes.Length);
                NullMask.Set(mask, i);
                continue;
            }

            if (!lookup.TryGetValue(value, out var code))
            {
                code = categories.Count;
                lookup.Add(value, code);
                categories.Add(value);
            }

            codes[i] = code;
        }

        return (codes, [.. categories], mask);
    }

    private static ulong[]? Validate(int[] codes, string[] categories)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(categories);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var category in categories)
        {
            if (category is null || !seen.Add(category))
            {
                throw new ArgumentException($"Category '{category}' is null or repeated.", nameof(categories));
            }
        }

        ulong[]? mask = null;
        for (var i = 0; i < codes.Length; i++)
        {
            var code = codes[i];
            if (code < -1 || code >= categories.Length)
            {
                throw new ArgumentException($"Code {code} at row {i} is outside -1..{categories.Length - 1}.", nameof(codes));
            }

            if (code == -1)
            {
                mask ??= NullMask.Create(codes.Length);
                NullMask.Set(mask, i);
            }
        }

        return mask;
    }
}
