using System.Buffers;

namespace ModelOps.Jobs.Datasets.Csv;

/// <summary>Where one field's text lies in a chunk's bytes (without the surrounding quotes) and how it was written.</summary>
internal readonly struct CsvField
{
    private const int QuotedBit = 1 << 30;
    private const int EscapedBit = 1 << 29;
    private const int LengthMask = EscapedBit - 1;

    private readonly int _lengthAndFlags;

    public CsvField(int start, int length, bool quoted, bool escaped)
    {
        Start = start;
        _lengthAndFlags = length | (quoted ? QuotedBit : 0) | (escaped ? EscapedBit : 0);
    }

    /// <summary>The longest field a chunk can describe.</summary>
    public const int MaxLength = LengthMask;

    /// <summary>The offset of the first byte of the field's text.</summary>
    public int Start { get; }

    /// <summary>The number of bytes of text (escaped quotes still doubled).</summary>
    public int Length => _lengthAndFlags & LengthMask;

    /// <summary>Whether the field was quoted (a quoted field is never null).</summary>
    public bool IsQuoted => (_lengthAndFlags & QuotedBit) != 0;

    /// <summary>Whether the text holds doubled quotes that must be undoubled.</summary>
    public bool IsEscaped => (_lengthAndFlags & EscapedBit) != 0;
}

/// <summary>
/// A run of complete rows: the bytes they were read from, the fields' positions (column-major, so a
/// column's parser reads them sequentially), and per row the physical line it starts on and its first
/// byte. Arrays are pooled and handed back by <see cref="Release"/> once every column has been parsed.
/// </summary>
internal sealed class CsvChunk
{
    public CsvChunk(byte[] buffer, int length, int fieldsPerRow, int firstRow)
    {
        Buffer = buffer;
        Length = length;
        FieldsPerRow = fieldsPerRow;
        FirstRow = firstRow;
    }

    /// <summary>The bytes (pooled; may be longer than <see cref="Length"/>).</summary>
    public byte[] Buffer { get; private set; }

    /// <summary>The number of valid bytes in <see cref="Buffer"/>.</summary>
    public int Length { get; }

    /// <summary>The number of fields of every row (the header's).</summary>
    public int FieldsPerRow { get; }

    /// <summary>The index of this chunk's first row in the whole file.</summary>
    public int FirstRow { get; }

    /// <summary>The number of complete rows tokenized.</summary>
    public int RowCount { get; set; }

    /// <summary>Column-major fields: column <c>c</c>, row <c>r</c> is at <c>c * RowCapacity + r</c>.</summary>
    public CsvField[] Fields { get; private set; } = [];

    /// <summary>The number of rows the arrays have room for.</summary>
    public int RowCapacity { get; private set; }

    /// <summary>The fields of column <paramref name="column"/> for rows <c>0..RowCount</c>.</summary>
    public ReadOnlySpan<CsvField> Column(int column) => Fields.AsSpan(column * RowCapacity, RowCount);

    /// <summary>The 1-based physical line each row starts on.</summary>
    public int[] RowLines { get; private set; } = [];

    /// <summary>The offset of each row's first byte.</summary>
    public int[] RowStarts { get; private set; } = [];

    /// <summary>A malformed row found after the <see cref="RowCount"/> good rows; raised once they are parsed.</summary>
    public DatasetException? Error { get; set; }

    /// <summary>A guess of the file's total row count (0 when unknown), used to size column arrays once.</summary>
    public int EstimatedTotalRows { get; set; }

    /// <summary>Makes room for <paramref name="rows"/> rows (at least), keeping the first <paramref name="filled"/>.</summary>
    public void EnsureRows(int rows, int filled)
    {
        if (RowCapacity >= rows)
        {
            return;
        }

        var capacity = Math.Max(rows, Math.Max(1024, RowCapacity * 2));
        RowLines = Grow(RowLines, capacity, filled);
        RowStarts = Grow(RowStarts, capacity, filled);
        var fields = ArrayPool<CsvField>.Shared.Rent(capacity * FieldsPerRow);
        for (var c = 0; c < FieldsPerRow; c++)
        {
            Fields.AsSpan(c * RowCapacity, filled).CopyTo(fields.AsSpan(c * capacity));
        }

        Return(Fields);
        Fields = fields;
        RowCapacity = capacity;
    }

    /// <summary>Stores row <paramref name="row"/>'s fields, given in field order.</summary>
    public void SetRow(int row, ReadOnlySpan<CsvField> fields)
    {
        var capacity = RowCapacity;
        var all = Fields;
        for (var c = 0; c < fields.Length; c++)
        {
            all[(c * capacity) + row] = fields[c];
        }
    }

    /// <summary>Hands the pooled arrays back; the chunk must not be used afterwards.</summary>
    public void Release()
    {
        ArrayPool<byte>.Shared.Return(Buffer);
        Buffer = [];
        Return(Fields);
        Return(RowLines);
        Return(RowStarts);
        Fields = [];
        RowLines = [];
        RowStarts = [];
        RowCapacity = 0;
    }

    private static T[] Grow<T>(T[] array, int capacity, int keep)
    {
        var grown = ArrayPool<T>.Shared.Rent(capacity);
        array.AsSpan(0, keep).CopyTo(grown);
        Return(array);
        return grown;
    }

    private static void Return<T>(T[] array)
    {
        if (array.Length > 0)
        {
            ArrayPool<T>.Shared.Return(array);
        }
    }
}
