using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelOps.Jobs.Datasets.Csv;

/// <summary>
/// Splits UTF-8 bytes into rows and fields (RFC 4180): fields end at the delimiter or a line feed
/// (a CR before the LF is dropped); a field that starts with a double quote runs to the closing quote,
/// with <c>""</c> for a quote and delimiters and line breaks as text; a quote inside an unquoted field is
/// text. A row without quotes takes a fast path: its delimiters and line feed are found with 16-byte
/// vector compares (bit masks walked with trailing-zero counts); any other row goes through the general <see cref="ReadRow"/>, which finds delimiters and line
/// feeds with vectorised <c>IndexOfAny</c> and quotes with <c>IndexOf</c>. Keeps the physical line count
/// (line feeds inside quotes included) across chunks.
/// </summary>
internal sealed class CsvTokenizer
{
    private readonly byte _delimiter;
    private readonly int _fieldCount;
    private readonly string _sourceName;
    private readonly IReadOnlyList<string> _header;
    private readonly CsvField[] _row;
    private int _line;
    private double _bytesPerRow = 32;

    public CsvTokenizer(byte delimiter, IReadOnlyList<string> header, string sourceName, int firstLine)
    {
        _delimiter = delimiter;
        _header = header;
        _fieldCount = header.Count;
        _sourceName = sourceName;
        _line = firstLine;
        _row = new CsvField[_fieldCount];
    }

    /// <summary>The number of fields of every row.</summary>
    public int FieldCount => _fieldCount;

    /// <summary>What reading one row found.</summary>
    public enum RowStatus
    {
        /// <summary>A whole row (or a skipped blank line) was read.</summary>
        Complete,

        /// <summary>The row runs past the end of the bytes and more may follow.</summary>
        NeedMoreData,

        /// <summary>The row is malformed; the error says how.</summary>
        Malformed,
    }

    /// <summary>
    /// Tokenizes whole rows of <paramref name="chunk"/> from <paramref name="start"/>, at most
    /// <paramref name="maxRows"/>, and returns the offset after the last whole row. A malformed row stops
    /// the chunk and is left in <see cref="CsvChunk.Error"/>.
    /// </summary>
    public int Tokenize(CsvChunk chunk, int start, bool isFinal, int maxRows)
    {
        var span = chunk.Buffer.AsSpan(0, chunk.Length);
        var pos = start;
        var rows = chunk.RowCount;
        chunk.EnsureRows((int)Math.Min(Math.Min(maxRows, int.MaxValue / Math.Max(1, _fieldCount)), ((span.Length - start) / _bytesPerRow * 1.1) + 16), rows);
        var fields = _row.AsSpan();
        while (rows < maxRows && pos < span.Length)
        {
            var first = span[pos];
            if (_fieldCount > 1 && first is (byte)'\n' or (byte)'\r')
            {
                // A blank line between rows of a multi-column file is skipped (a one-column file reads it as a null).
                if (first == (byte)'\n')
                {
                    pos++;
                    _line++;
                    continue;
                }

                if (pos + 1 == span.Length && !isFinal)
                {
                    break;
                }

                if (pos + 1 == span.Length || span[pos + 1] == (byte)'\n')
                {
                    pos += pos + 1 == span.Length ? 1 : 2;
                    _line++;
                    continue;
                }
            }

            chunk.EnsureRows(rows + 1, rows);
            var rowStart = pos;
            if (TryReadPlainRow(span, ref pos, chunk, rows, out var plainFound))
            {
                if (plainFound == _fieldCount)
                {
                    chunk.RowLines[rows] = _line;
                    chunk.RowStarts[rows] = rowStart;
                    rows++;
                    _line++;
                    continue;
                }

                pos = rowStart;
            }

            var status = ReadRow(span, ref pos, isFinal, fields, out var found, out var extraLines, out var error);
            if (status == RowStatus.NeedMoreData)
            {
                pos = rowStart;
                break;
            }

            if (status == RowStatus.Complete && found != _fieldCount)
            {
                error = new DatasetException(
                    $"{_sourceName} line {_line}: expected {_fieldCount} fields (the header's) but found {found}",
                    _sourceName,
                    _line,
                    null);
            }

            if (error is not null)
            {
                chunk.Error = error;
                pos = rowStart;
                break;
            }

            chunk.SetRow(rows, fields);
            chunk.RowLines[rows] = _line;
            chunk.RowStarts[rows] = rowStart;
            rows++;
            _line += extraLines + 1;
        }

        chunk.RowCount = rows;
        if (rows > 0)
        {
            _bytesPerRow = Math.Max(1, (double)(pos - start) / rows);
        }

        return pos;
    }

    /// <summary>
    /// The fast path for a row that ends with a line feed inside <paramref name="span"/> and holds no quote:
    /// one pass of 16-byte vector compares finds its delimiters and line feed; fields go straight into
    /// <paramref name="chunk"/>'s column-major array as row <paramref name="row"/>, and <paramref name="pos"/>
    /// moves past the line feed. Returns false for any other row (a quote, no line feed in the bytes, or
    /// fewer than 16 bytes left), which <see cref="ReadRow"/> then reads; what was stored is overwritten.
    /// </summary>
    private bool TryReadPlainRow(ReadOnlySpan<byte> span, ref int pos, CsvChunk chunk, int row, out int found)
    {
        found = 0;
        var all = chunk.Fields.AsSpan();
        var capacity = chunk.RowCapacity;
        var fieldCount = _fieldCount;
        var delimiters = Vector128.Create(_delimiter);
        var quotes = Vector128.Create((byte)'"');
        var newlines = Vector128.Create((byte)'\n');
        ref var origin = ref MemoryMarshal.GetReference(span);
        var fieldStart = pos;
        var count = 0;
        var index = row;
        for (var i = pos; i + Vector128<byte>.Count <= span.Length; i += Vector128<byte>.Count)
        {
            var block = Vector128.LoadUnsafe(ref origin, (nuint)i);
            var quoteBits = Vector128.Equals(block, quotes).ExtractMostSignificantBits();
            var delimiterBits = Vector128.Equals(block, delimiters).ExtractMostSignificantBits();
            var newlineBits = Vector128.Equals(block, newlines).ExtractMostSignificantBits();
            var keep = newlineBits == 0 ? uint.MaxValue : (newlineBits & (0u - newlineBits)) - 1;
            if ((quoteBits & keep) != 0)
            {
                return false;
            }

            delimiterBits &= keep;
            while (delimiterBits != 0)
            {
                var end = i + BitOperations.TrailingZeroCount(delimiterBits);
                if (count < fieldCount)
                {
                    all[index] = new CsvField(fieldStart, end - fieldStart, quoted: false, escaped: false);
                    index += capacity;
                }

                count++;
                fieldStart = end + 1;
                delimiterBits &= delimiterBits - 1;
            }

            if (newlineBits != 0)
            {
                var rowEnd = i + BitOperations.TrailingZeroCount(newlineBits);
                var lastEnd = rowEnd > fieldStart && span[rowEnd - 1] == (byte)'\r' ? rowEnd - 1 : rowEnd;
                if (count < fieldCount)
                {
                    all[index] = new CsvField(fieldStart, lastEnd - fieldStart, quoted: false, escaped: false);
                }

                found = count + 1;
                pos = rowEnd + 1;
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads one row from <paramref name="pos"/>, storing up to <paramref name="fields"/>.Length fields and
    /// counting all of them in <paramref name="found"/>; on success <paramref name="pos"/> is after its line break.
    /// </summary>
    public RowStatus ReadRow(
        ReadOnlySpan<byte> span,
        ref int pos,
        bool isFinal,
        Span<CsvField> fields,
        out int found,
        out int extraLines,
        out DatasetException? error)
    {
        var delimiter = _delimiter;
        var p = pos;
        found = 0;
        extraLines = 0;
        error = null;
        while (true)
        {
            if (p < span.Length && span[p] == (byte)'"')
            {
                var status = ScanQuoted(span, p, isFinal, out var close, out var escaped, out var newlines);
                if (status == RowStatus.NeedMoreData)
                {
                    return status;
                }

                if (status == RowStatus.Malformed)
                {
                    error = Error(_line + extraLines, found, "the quoted field is not closed before the end of the input");
                    return status;
                }

                if (found < fields.Length)
                {
                    fields[found] = new CsvField(p + 1, close - p - 1, quoted: true, escaped);
                }

                extraLines += newlines;
                p = close + 1;
                if (p == span.Length)
                {
                    if (!isFinal)
                    {
                        return RowStatus.NeedMoreData;
                    }

                    found++;
                    break;
                }

                var next = span[p];
                if (next == delimiter)
                {
                    p++;
                    found++;
                    continue;
                }

                if (next == (byte)'\n')
                {
                    p++;
                    found++;
                    break;
                }

                if (next == (byte)'\r' && (p + 1 == span.Length || span[p + 1] == (byte)'\n'))
                {
                    if (p + 1 == span.Length && !isFinal)
                    {
                        return RowStatus.NeedMoreData;
                    }

                    p += p + 1 == span.Length ? 1 : 2;
                    found++;
                    break;
                }

                error = Error(_line + extraLines, found, $"unexpected {Describe(next)} after the closing quote (a quote inside a quoted field is written \"\")");
                return RowStatus.Malformed;
            }

            var index = span[p..].IndexOfAny(delimiter, (byte)'\n');
            if (index < 0)
            {
                if (!isFinal)
                {
                    return RowStatus.NeedMoreData;
                }

                var last = span.Length > p && span[^1] == (byte)'\r' ? span.Length - 1 : span.Length;
                Store(fields, found++, p, last);
                p = span.Length;
                break;
            }

            var end = p + index;
            if (span[end] == delimiter)
            {
                Store(fields, found++, p, end);
                p = end + 1;
                continue;
            }

            Store(fields, found++, p, end > p && span[end - 1] == (byte)'\r' ? end - 1 : end);
            p = end + 1;
            break;
        }

        pos = p;
        return RowStatus.Complete;
    }

    private static void Store(Span<CsvField> fields, int index, int start, int end)
    {
        if (index < fields.Length)
        {
            fields[index] = new CsvField(start, end - start, quoted: false, escaped: false);
        }
    }

    private static RowStatus ScanQuoted(ReadOnlySpan<byte> span, int open, bool isFinal, out int close, out bool escaped, out int newlines)
    {
        var q = open + 1;
        escaped = false;
        close = -1;
        newlines = 0;
        while (true)
        {
            var index = span[q..].IndexOf((byte)'"');
            if (index < 0)
            {
                return isFinal ? RowStatus.Malformed : RowStatus.NeedMoreData;
            }

            q += index;
            if (q + 1 < span.Length)
            {
                if (span[q + 1] == (byte)'"')
                {
                    escaped = true;
                    q += 2;
                    continue;
                }

                break;
            }

            if (!isFinal)
            {
                return RowStatus.NeedMoreData;
            }

            break;
        }

        close = q;
        newlines = span[(open + 1)..q].Count((byte)'\n');
        return RowStatus.Complete;
    }

    private DatasetException Error(int line, int field, string what)
    {
        var column = field < _header.Count ? _header[field] : null;
        var where = column is null ? $"{_sourceName} line {line}" : $"{_sourceName} line {line}, column '{column}'";
        return new DatasetException($"{where}: {what}", _sourceName, line, column);
    }

    private static string Describe(byte value) =>
        value is >= 0x20 and < 0x7F ? $"'{(char)value}'" : $"byte 0x{value:X2}";
}
