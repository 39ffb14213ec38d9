namespace ModelOps.Core.Data;

/// <summary>
/// An immutable columnar table: named, typed, nullable columns of equal length.
/// Operations return new frames and share unchanged column storage.
/// </summary>
public sealed class Frame
{
    private readonly Column[] _columns;
    private readonly Dictionary<string, int> _index;

    /// <summary>A frame over <paramref name="columns"/>.</summary>
    /// <exception cref="ArgumentException">Two columns share a name or their lengths differ.</exception>
    public Frame(IEnumerable<Column> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = [.. columns];
        _index = new Dictionary<string, int>(_columns.Length, StringComparer.Ordinal);
        for (var i = 0; i < _columns.Length; i++)
        {
            var column = _columns[i] ?? throw new ArgumentException($"Column {i} is null.", nameof(columns));
            if (!_index.TryAdd(column.Name, i))
            {
                throw new ArgumentException($"Column '{column.Name}' appears more than once.", nameof(columns));
            }

            if (column.Length != _columns[0].Length)
            {
                throw new ArgumentException(
                    $"Column '{column.Name}' has {column.Length} rows but column '{_columns[0].Name}' has {_columns[0].Length}.",
                    nameof(columns));
            }
        }

        RowCount = _columns.Length == 0 ? 0 : _columns[0].Length;
    }

    /// <summary>A frame over <paramref name="columns"/>.</summary>
    public Frame(params Column[] columns)
        : this((IEnumerable<Column>)columns)
    {
    }

    /// <summary>The number of rows.</summary>
    public int RowCount { get; }

    /// <summary>The number of columns.</summary>
    public int ColumnCount => _columns.Length;

    /// <summary>The columns, in order.</summary>
    public IReadOnlyList<Column> Columns => _columns;

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> ColumnNames => Array.ConvertAll(_columns, c => c.Name);

    /// <summary>The column at position <paramref name="index"/>.</summary>
    public Column this[int index] => _columns[index];

    /// <summary>The column named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such column; the message lists the columns there are.</exception>
    public Column this[string name] => _columns[IndexOf(name)];

    /// <summary>Whether a column named <paramref name="name"/> exists.</summary>
    public bool Contains(string name) => _index.ContainsKey(name);

    /// <summary>Looks up a column by name.</summary>
    public bool TryGetColumn(string name, out Column column)
    {
        if (_index.TryGetValue(name, out var i))
        {
            column = _columns[i];
            return true;
        }

        column = null!;
        return false;
    }

    /// <summary>The column named <paramref name="name"/> as type <typeparamref name="TColumn"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such column.</exception>
    /// <exception cref="InvalidCastException">The column has another type; the message names both.</exception>
    public TColumn Get<TColumn>(string name)
        where TColumn : Column
    {
        var column = this[name];
        return column as TColumn ?? throw new InvalidCastException(
            $"Column '{name}' is {column.Type.ToName()}, not {typeof(TColumn).Name}.");
    }

    /// <summary>The position of the column named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such column.</exception>
    public int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_index.TryGetValue(name, out var i))
        {
            return i;
        }

        throw new KeyNotFoundException($"Column '{name}' not found; the frame has: {string.Join(", ", ColumnNames)}.");
    }

    /// <summary>A frame with the named columns, in the order given.</summary>
    public Frame Select(params IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var selected = new List<Column>();
        foreach (var name in names)
        {
            selected.Add(this[name]);
        }

        return new Frame(selected);
    }

    /// <summary>A frame without the named columns (names that are absent are ignored).</summary>
    public Frame Drop(params IEnumerable<string> names)
    {
        var dropped = new HashSet<string>(names, StringComparer.Ordinal);
        return new Frame(Array.FindAll(_columns, c => !dropped.Contains(c.Name)));
    }

    /// <summary>A frame with <paramref name="column"/> added, or replacing the column of the same name in place.</summary>
    public Frame WithColumn(Column column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var columns = (Column[])_columns.Clone();
        if (_index.TryGetValue(column.Name, out var i))
        {
            columns[i] = column;
            return new Frame(columns);
        }

        return new Frame([.. columns, column]);
    }

    /// <summary>A frame of the rows at <paramref name="rows"/>, in that order (rows may repeat).</summary>
    /// <exception cref="IndexOutOfRangeException">A row index is outside the frame.</exception>
    public Frame Take(ReadOnlySpan<int> rows)
    {
        foreach (var row in rows)
        {
            if ((uint)row >= (uint)RowCount)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), row, $"Row index {row} is outside 0..{RowCount - 1}.");
            }
        }

        var columns = new Column[_columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = _columns[i].Take(rows);
        }

        return new Frame(columns);
    }

    /// <summary>The first <paramref name="count"/> rows (all when there are fewer).</summary>
    public Frame Head(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var n = Math.Min(count, RowCount);
        var rows = new int[n];
        for (var i = 0; i < n; i++)
        {
            rows[i] = i;
        }

        return Take(rows);
    }

    /// <summary>Stacks frames with the same column names and types (in the same order) row-wise.</summary>
    /// <exception cref="ArgumentException">The frames' columns differ; the message names the first difference.</exception>
    public static Frame Concat(params IReadOnlyList<Frame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0)
        {
            throw new ArgumentException("At least one frame is needed.", nameof(frames));
        }

        var first = frames[0];
        var columns = (Column[])first._columns.Clone();
        for (var f = 1; f < frames.Count; f++)
        {
            var frame = frames[f];
            if (frame.ColumnCount != first.ColumnCount)
            {
                throw new ArgumentException(
                    $"Frame {f} has {frame.ColumnCount} columns but frame 0 has {first.ColumnCount}.", nameof(frames));
            }

            for (var c = 0; c < columns.Length; c++)
            {
                var next = frame._columns[c];
                if (next.Name != columns[c].Name || next.Type != columns[c].Type)
                {
                    throw new ArgumentException(
                        $"Frame {f} column {c} is '{next.Name}' ({next.Type.ToName()}) but frame 0 has '{columns[c].Name}' ({columns[c].Type.ToName()}).",
                        nameof(frames));
                }

                columns[c] = columns[c].Append(next);
            }
        }

        return new Frame(columns);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Frame({RowCount} rows x {ColumnCount} columns: {string.Join(", ", ColumnNames)})";
}
