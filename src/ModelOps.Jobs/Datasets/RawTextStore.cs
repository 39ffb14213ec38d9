namespace ModelOps.Jobs.Datasets;

/// <summary>
/// The original UTF-8 text of some rows of a column, in increasing row order: the values whose text is
/// not what <see cref="ModelOps.Core.Data.ValueFormat"/> would write back, kept in case the column has to
/// become a string column later. Stored as one byte array and two offset arrays, not one string per value.
/// </summary>
internal sealed class RawTextStore
{
    private int[] _rows = new int[16];
    private int[] _ends = new int[16];
    private byte[] _bytes = new byte[256];
    private int _count;

    /// <summary>The number of rows stored.</summary>
    public int Count => _count;

    /// <summary>Stores <paramref name="text"/> for <paramref name="row"/>, which must be greater than every stored row.</summary>
    public void Add(int row, ReadOnlySpan<byte> text)
    {
        if (_count == _rows.Length)
        {
            Array.Resize(ref _rows, _rows.Length * 2);
            Array.Resize(ref _ends, _ends.Length * 2);
        }

        var start = _count == 0 ? 0 : _ends[_count - 1];
        if (start + text.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, start + text.Length));
        }

        text.CopyTo(_bytes.AsSpan(start));
        _rows[_count] = row;
        _ends[_count] = start + text.Length;
        _count++;
    }

    /// <summary>Forgets the rows at or after <paramref name="row"/>.</summary>
    public void TruncateFrom(int row)
    {
        while (_count > 0 && _rows[_count - 1] >= row)
        {
            _count--;
        }
    }

    /// <summary>The row of entry <paramref name="index"/>.</summary>
    public int RowAt(int index) => _rows[index];

    /// <summary>The text of entry <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> TextAt(int index)
    {
        var start = index == 0 ? 0 : _ends[index - 1];
        return _bytes.AsSpan(start, _ends[index] - start);
    }
}
