using System.Buffers;
using System.Text;
using ModelOps.Core.Data;

namespace ModelOps.Jobs.Datasets.Csv;

/// <summary>
/// Writes a <see cref="Frame"/> as CSV: a header row, then one row per frame row, UTF-8 without BOM.
/// Values are written in their <see cref="ValueFormat"/> text, formatted into a byte buffer (no string per
/// cell); a string column's distinct values are encoded and quoted once. Fields are quoted only when they
/// must be: they hold the delimiter, a quote, CR or LF, start or end with a space, or are an empty string
/// (an empty unquoted field is a null).
/// </summary>
internal sealed class CsvFrameWriter
{
    private readonly Stream _stream;
    private readonly byte _delimiter;
    private readonly byte[] _newLine;
    private readonly bool _scalarsMayNeedQuotes;
    private readonly CancellationToken _cancellationToken;
    private readonly byte[] _buffer;
    private int _position;

    private CsvFrameWriter(Stream stream, CsvWriteOptions options, CancellationToken cancellationToken)
    {
        _stream = stream;
        _delimiter = (byte)options.Delimiter;
        _newLine = Encoding.ASCII.GetBytes(options.NewLine);
        _cancellationToken = cancellationToken;
        _buffer = ArrayPool<byte>.Shared.Rent(DatasetDefaults.WriteBufferBytes);

        // Numbers, booleans and dates are made of these characters; any other delimiter never needs a check.
        var d = options.Delimiter;
        _scalarsMayNeedQuotes = char.IsAsciiLetterOrDigit(d) || d is '.' or '-' or '+' or ':';
    }

    /// <summary>Writes <paramref name="frame"/> to <paramref name="stream"/> (flushed, not disposed).</summary>
    public static void Write(Stream stream, Frame frame, CsvWriteOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var writer = new CsvFrameWriter(stream, options, cancellationToken);
        try
        {
            writer.WriteFrame(frame);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(writer._buffer);
        }
    }

    private void WriteFrame(Frame frame)
    {
        var columns = frame.Columns;
        for (var c = 0; c < columns.Count; c++)
        {
            if (c > 0)
            {
                WriteByte(_delimiter);
            }

            WriteText(columns[c].Name);
        }

        WriteBytes(_newLine);

        var categories = new byte[]?[columns.Count][];
        for (var c = 0; c < columns.Count; c++)
        {
            if (columns[c] is StringColumn strings)
            {
                categories[c] = new byte[strings.Categories.Count][];
            }
        }

        for (var row = 0; row < frame.RowCount; row++)
        {
            for (var c = 0; c < columns.Count; c++)
            {
                if (c > 0)
                {
                    WriteByte(_delimiter);
                }

                var column = columns[c];
                if (column.IsNull(row))
                {
                    continue;
                }

                switch (column)
                {
                    case Float64Column floats:
                        WriteScalar(floats[row]);
                        break;
                    case Int64Column longs:
                        WriteScalar(longs[row]);
                        break;
                    case BoolColumn bools:
                        WriteBytes(bools[row] ? "true"u8 : "false"u8);
                        break;
                    case DateTimeColumn dates:
                        WriteScalar(dates[row]);
                        break;
                    case StringColumn strings:
                        var code = strings.Codes[row];
                        var encoded = categories[c][code] ??= EncodeField(strings.Categories[code]);
                        WriteBytes(encoded);
                        break;
                    default:
                        throw new NotSupportedException($"Column '{column.Name}' has type {column.Type.ToName()}, which CSV cannot write.");
                }
            }

            WriteBytes(_newLine);
        }

        Flush();
        _stream.Flush();
    }

    private void WriteScalar(double value)
    {
        Span<char> chars = stackalloc char[32];
        var ok = ValueFormat.TryFormat(value, chars, out var written);
        WriteAscii(chars[..(ok ? written : 0)]);
    }

    private void WriteScalar(long value)
    {
        Span<char> chars = stackalloc char[24];
        var ok = ValueFormat.TryFormat(value, chars, out var written);
        WriteAscii(chars[..(ok ? written : 0)]);
    }

    private void WriteScalar(DateTime value)
    {
        Span<char> chars = stackalloc char[40];
        var ok = ValueFormat.TryFormat(value, chars, out var written);
        WriteAscii(chars[..(ok ? written : 0)]);
    }

    /// <summary>Writes formatted ASCII (a number or date), quoted only when the delimiter could occur in it.</summary>
    private void WriteAscii(ReadOnlySpan<char> chars)
    {
        if (_scalarsMayNeedQuotes && chars.Contains((char)_delimiter))
        {
            WriteText(chars.ToString());
            return;
        }

        if (_buffer.Length - _position < chars.Length)
        {
            Flush();
        }

        for (var i = 0; i < chars.Length; i++)
        {
            _buffer[_position + i] = (byte)chars[i];
        }

        _position += chars.Length;
    }

    private void WriteText(string text) => WriteBytes(EncodeField(text));

    /// <summary>The UTF-8 bytes of a field holding <paramref name="text"/>, quoted when needed.</summary>
    private byte[] EncodeField(string text)
    {
        var needsQuotes = text.Length == 0 || text[0] == ' ' || text[^1] == ' ';
        if (!needsQuotes)
        {
            foreach (var ch in text)
            {
                if (ch is '"' or '\r' or '\n' || ch == _delimiter)
                {
                    needsQuotes = true;
                    break;
                }
            }
        }

        if (!needsQuotes)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        var quoted = new StringBuilder(text.Length + 2).Append('"').Append(text.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        return Encoding.UTF8.GetBytes(quoted.ToString());
    }

    private void WriteByte(byte value)
    {
        if (_position == _buffer.Length)
        {
            Flush();
        }

        _buffer[_position++] = value;
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (_buffer.Length - _position < bytes.Length)
        {
            Flush();
            if (bytes.Length > _buffer.Length)
            {
                _stream.Write(bytes);
                return;
            }
        }

        bytes.CopyTo(_buffer.AsSpan(_position));
        _position += bytes.Length;
    }

    private void Flush()
    {
        _cancellationToken.ThrowIfCancellationRequested();
        _stream.Write(_buffer, 0, _position);
        _position = 0;
    }
}
