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
/// A run of complete rows: the bytes they were read from and, per row, its fields' positions
/// (row-major), the physical line it starts on and its first byte. Arrays are pooled and handed back
/// by <see cref="Release"/> once every column has been parsed.
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

    /// <summary>Row-major fields: row <c>r</c>, column <c>c</c> is at <c>r * FieldsPerRow + c</c>.</summary>
    public CsvField[] Fields { get; private set; } = [];

    /// <summary>The 1-based physical line each row starts on.</summary>
    public int[] RowLines { get; private set; } = [];

    /// <summary>The offset of each row's first byte.</summary>
    public int[] RowStarts { get; private set; } = [];

    /// <summary>A malformed row found after the <see cref="RowCount"/> good rows; raised once they are parsed.</summary>
    public DatasetException? Error { get; set; }

    /// <summary>A guess of the file's total row count (0 when unknown), used to size column arrays once.</summary>
    public int EstimatedTotalRows { get; set; }

    /// <summary>Makes room for <paramref name="rows"/> rows, keeping the first <paramref name="filled"/>.</summary>
    public void EnsureRows(int rows, int filled)
    {
        if (RowLines.Length >= rows)
        {
            return;
        }

        var capacity = Math.Max(rows, Math.Max(1024, RowLines.Length * 2));
        RowLines = Grow(RowLines, capacity, filled);
        RowStarts = Grow(RowStarts, capacity, filled);
        Fields = Grow(Fields, capacity * FieldsPerRow, filled * FieldsPerRow);
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
