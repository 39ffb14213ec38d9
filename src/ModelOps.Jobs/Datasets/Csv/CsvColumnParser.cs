using System.Buffers;
using System.Text;
using ModelOps.Core.Data;

namespace ModelOps.Jobs.Datasets.Csv;

/// <summary>
/// Parses one column's fields of each chunk, in chunk order, into its <see cref="ColumnAccumulator"/>.
/// Columns are independent, so the chunk's columns are parsed in parallel. When an inferred column meets
/// a value its type rejects, the rows of earlier chunks are widened in place and this chunk's rows are
/// parsed again in the wider type (see <see cref="ColumnAccumulator"/>).
/// </summary>
internal sealed class CsvColumnParser
{
    private readonly int _fileIndex;
    private readonly string _sourceName;
    private readonly NullMatcher _nulls;
    private byte[] _unescaped = [];
    private char[] _chars = [];

    public CsvColumnParser(string name, int fileIndex, ColumnType? givenType, NullMatcher nulls, string sourceName)
    {
        Name = name;
        _fileIndex = fileIndex;
        _nulls = nulls;
        _sourceName = sourceName;
        Accumulator = new ColumnAccumulator(givenType);
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>The values parsed so far.</summary>
    public ColumnAccumulator Accumulator { get; }

    /// <summary>Parses the column's fields of <paramref name="chunk"/>; returns the first bad value's error, or null.</summary>
    public DatasetException? Parse(CsvChunk chunk)
    {
        var accumulator = Accumulator;
        try
        {
            while (true)
            {
                var failed = accumulator.Type switch
                {
                    null => SkipNulls(chunk),
                    ColumnType.Int64 => ParseValues<Int64Parser, long>(chunk),
                    ColumnType.Float64 => ParseValues<Float64Parser, double>(chunk),
                    ColumnType.Bool => ParseValues<BoolParser, bool>(chunk),
                    ColumnType.DateTime => ParseValues<DateTimeParser, DateTime>(chunk),
                    _ => ParseStrings(chunk),
                };
                if (failed < 0)
                {
                    return null;
                }

                var text = Text(chunk, failed);
                if (accumulator.IsGiven)
                {
                    return NotA(chunk, failed, text, accumulator.Type!.Value);
                }

                accumulator.ConvertTo(Utf8ValueParser.Widen(accumulator.Type, text), chunk.FirstRow);
            }
        }
        finally
        {
            ReturnBuffers();
        }
    }

    /// <summary>For a column without a type yet: marks null rows; returns the first non-null row, or -1.</summary>
    private int SkipNulls(CsvChunk chunk)
    {
        var fields = chunk.Column(_fileIndex);
        var buffer = chunk.Buffer;
        for (var r = 0; r < fields.Length; r++)
        {
            var field = fields[r];
            if (field.IsQuoted || !_nulls.IsNull(buffer.AsSpan(field.Start, field.Length)))
            {
                return r;
            }

            Accumulator.MarkNull(chunk.FirstRow + r);
        }

        Accumulator.SetCount(chunk.FirstRow + chunk.RowCount);
        return -1;
    }

    private int ParseValues<TParser, T>(CsvChunk chunk)
        where TParser : struct, IUtf8ValueParser<T>
    {
        var accumulator = Accumulator;
        var first = chunk.FirstRow;
        var rows = chunk.RowCount;
        accumulator.EnsureCapacity(first + rows);
        var values = accumulator.Values<T>().AsSpan(first, rows);
        var fields = chunk.Column(_fileIndex);
        var buffer = chunk.Buffer;
        var tracksRawText = accumulator.TracksRawText;
        var nullValue = TParser.NullValue;
        var emptyOnly = _nulls.IsEmptyOnly;
        for (var r = 0; r < values.Length && r < fields.Length; r++)
        {
            var field = fields[r];
            ReadOnlySpan<byte> text = buffer.AsSpan(field.Start, field.Length);
            if (field.IsEscaped)
            {
                text = Unescape(text);
            }
            else if (!field.IsQuoted && (emptyOnly ? text.IsEmpty : _nulls.IsNull(text)))
            {
                values[r] = nullValue;
                accumulator.MarkNull(first + r);
                continue;
            }

            if (!TParser.TryParse(text, tracksRawText, out values[r], out var canonical))
            {
                return r;
            }

            if (!canonical && tracksRawText)
            {
                accumulator.AddRawText(first + r, text);
            }
        }

        accumulator.SetCount(first + rows);
        return -1;
    }

    private int ParseStrings(CsvChunk chunk)
    {
        var builder = Accumulator.Strings;
        var fields = chunk.Column(_fileIndex);
        var buffer = chunk.Buffer;
        for (var r = 0; r < fields.Length; r++)
        {
            var field = fields[r];
            ReadOnlySpan<byte> text = buffer.AsSpan(field.Start, field.Length);
            if (field.IsEscaped)
            {
                text = Unescape(text);
            }
            else if (!field.IsQuoted && _nulls.IsNull(text))
            {
                builder.AppendNull();
                continue;
            }

            if (_chars.Length < text.Length)
            {
                ReturnChars();
                _chars = ArrayPool<char>.Shared.Rent(Math.Max(text.Length, 256));
            }

            var count = Encoding.UTF8.GetChars(text, _chars);
            builder.Append(_chars.AsSpan(0, count));
        }

        return -1;
    }

    /// <summary>The field's text with doubled quotes undoubled (in a scratch buffer valid until the next call).</summary>
    private ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> text)
    {
        if (_unescaped.Length < text.Length)
        {
            if (_unescaped.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_unescaped);
            }

            _unescaped = ArrayPool<byte>.Shared.Rent(Math.Max(text.Length, 256));
        }

        var written = 0;
        for (var i = 0; i < text.Length; i++)
        {
            _unescaped[written++] = text[i];
            if (text[i] == (byte)'"')
            {
                i++;
            }
        }

        return _unescaped.AsSpan(0, written);
    }

    private ReadOnlySpan<byte> Text(CsvChunk chunk, int row)
    {
        var field = chunk.Column(_fileIndex)[row];
        ReadOnlySpan<byte> text = chunk.Buffer.AsSpan(field.Start, field.Length);
        return field.IsEscaped ? Unescape(text) : text;
    }

    private DatasetException NotA(CsvChunk chunk, int row, ReadOnlySpan<byte> text, ColumnType type)
    {
        var field = chunk.Column(_fileIndex)[row];
        var rowStart = chunk.RowStarts[row];
        var line = chunk.RowLines[row] + chunk.Buffer.AsSpan(rowStart, field.Start - rowStart).Count((byte)'\n');
        var value = DatasetException.Shorten(Encoding.UTF8.GetString(text));
        return new DatasetException(
            $"{_sourceName} line {line}, column '{Name}': '{value}' is not a{(type == ColumnType.Int64 ? "n" : "")} {type.ToName()}",
            _sourceName,
            line,
            Name);
    }

    private void ReturnBuffers()
    {
        if (_unescaped.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_unescaped);
            _unescaped = [];
        }

        ReturnChars();
    }

    private void ReturnChars()
    {
        if (_chars.Length > 0)
        {
            ArrayPool<char>.Shared.Return(_chars);
            _chars = [];
        }
    }
}

/// <summary>Recognises the null markers of unquoted fields; the default (empty field only) is one length test.</summary>
internal sealed class NullMatcher
{
    private readonly byte[][] _markers;
    private readonly bool _emptyOnly;

    public NullMatcher(IReadOnlyList<string> markers)
    {
        _markers = new byte[markers.Count][];
        for (var i = 0; i < _markers.Length; i++)
        {
            _markers[i] = Encoding.UTF8.GetBytes(markers[i]);
        }

        _emptyOnly = _markers.Length == 1 && _markers[0].Length == 0;
    }

    /// <summary>Whether the only marker is the empty field (callers test <c>IsEmpty</c> inline).</summary>
    public bool IsEmptyOnly => _emptyOnly;

    public bool IsNull(ReadOnlySpan<byte> text)
    {
        if (_emptyOnly)
        {
            return text.IsEmpty;
        }

        foreach (var marker in _markers)
        {
            if (text.SequenceEqual(marker))
            {
                return true;
            }
        }

        return false;
    }
}
