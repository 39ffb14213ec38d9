using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using ModelOps.Core.Data;

namespace ModelOps.Jobs.Datasets.Csv;

/// <summary>
/// Reads CSV from a stream into a <see cref="Frame"/> in one streaming pass.
/// </summary>
/// <remarks>
/// A producer task reads the stream in chunks of whole rows (about <see cref="CsvReadOptions.ChunkBytes"/>
/// bytes of UTF-8, never decoded to a string) and tokenizes each into field positions; meanwhile the
/// caller's thread parses the previous chunk's columns in parallel, each column straight into its typed
/// array. At most <see cref="DatasetDefaults.ChunksInFlight"/> chunks are alive, so memory is the result
/// plus a few chunks. Errors are raised in file order: a malformed row found by the tokenizer is raised
/// only after the good rows before it are parsed, and of two bad values in one chunk the earlier line wins.
/// </remarks>
internal sealed class CsvFrameReader
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private readonly Stream _stream;
    private readonly CsvReadOptions _options;
    private readonly string _sourceName;
    private readonly int _limit;
    private readonly RowLines? _lines;

    private CsvFrameReader(Stream stream, CsvReadOptions options, string sourceName, RowLines? lines)
    {
        _stream = stream;
        _options = options;
        _sourceName = sourceName;
        _limit = options.Limit ?? int.MaxValue;
        _lines = lines;
    }

    /// <summary>Reads <paramref name="stream"/> (not disposed) with <paramref name="options"/>.</summary>
    /// <param name="stream">The CSV.</param>
    /// <param name="options">How to read it.</param>
    /// <param name="sourceName">The name messages give the input.</param>
    /// <param name="lines">When given, receives the line each row starts on.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public static Frame Read(Stream stream, CsvReadOptions options, string sourceName, RowLines? lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new CsvFrameReader(stream, options, sourceName, lines).Read(cancellationToken);
    }

    private Frame Read(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_options.ChunkBytes);
        var handedOff = false;
        try
        {
            var length = Fill(buffer, 0, out var eof);
            var start = length >= 3 && buffer.AsSpan(0, 3).SequenceEqual(Bom) ? 3 : 0;
            string[] header;
            int firstDataLine;
            int headerEnd;
            while (!TryReadHeader(buffer, start, length, eof, out header, out firstDataLine, out headerEnd))
            {
                var grown = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, length).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = grown;
                length = Fill(buffer, length, out eof);
            }

            var parsers = CreateParsers(header);
            if (_limit == 0)
            {
                return Build(parsers, 0);
            }

            var tokenizer = new CsvTokenizer((byte)_options.Delimiter, header, _sourceName, firstDataLine);
            handedOff = true;
            return ReadRows(tokenizer, parsers, buffer, length, headerEnd, eof, cancellationToken);
        }
        finally
        {
            if (!handedOff)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private bool TryReadHeader(byte[] buffer, int start, int length, bool eof, out string[] header, out int firstDataLine, out int headerEnd)
    {
        header = [];
        firstDataLine = 0;
        headerEnd = 0;
        if (length == start && eof)
        {
            throw new DatasetException($"{_sourceName}: the input is empty; a header row is required", _sourceName, null, null);
        }

        var span = buffer.AsSpan(0, length);
        var reader = new CsvTokenizer((byte)_options.Delimiter, [], _sourceName, firstLine: 1);
        var fields = new CsvField[64];
        var pos = start;
        var status = reader.ReadRow(span, ref pos, eof, fields, out var found, out var extraLines, out var error);
        if (status == CsvTokenizer.RowStatus.NeedMoreData)
        {
            return false;
        }

        if (status == CsvTokenizer.RowStatus.Complete && found > fields.Length)
        {
            fields = new CsvField[found];
            pos = start;
            reader.ReadRow(span, ref pos, eof, fields, out found, out extraLines, out error);
        }

        if (error is not null)
        {
            throw error;
        }

        if (found == 1 && fields[0].Length == 0 && !fields[0].IsQuoted)
        {
            throw new DatasetException($"{_sourceName} line 1: the header row is empty", _sourceName, 1, null);
        }

        header = new string[found];
        var positions = new Dictionary<string, int>(found, StringComparer.Ordinal);
        for (var i = 0; i < found; i++)
        {
            var field = fields[i];
            var text = span.Slice(field.Start, field.Length);
            var name = Encoding.UTF8.GetString(text);
            if (field.IsEscaped)
            {
                name = name.Replace("\"\"", "\"", StringComparison.Ordinal);
            }

            // Like pandas, an empty header cell (the index column of a pandas export) gets a generated name.
            header[i] = name.Length == 0 ? string.Create(CultureInfo.InvariantCulture, $"Unnamed: {i}") : name;
            if (!positions.TryAdd(header[i], i))
            {
                throw new DatasetException(
                    $"{_sourceName} line 1: column '{header[i]}' appears more than once in the header (fields {positions[header[i]] + 1} and {i + 1})",
                    _sourceName,
                    1,
                    header[i]);
            }
        }

        firstDataLine = 2 + extraLines;
        headerEnd = pos;
        return true;
    }

    private CsvColumnParser[] CreateParsers(string[] header)
    {
        var positions = new Dictionary<string, int>(header.Length, StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            positions.Add(header[i], i);
        }

        var missing = new List<string>();
        var types = _options.ColumnTypes;
        var selected = _options.Columns ?? header;
        if (_options.Columns is not null)
        {
            foreach (var name in _options.Columns)
            {
                if (!positions.ContainsKey(name))
                {
                    missing.Add($"'{name}' (named in Columns)");
                }
            }
        }

        if (types is not null)
        {
            foreach (var name in types.Keys)
            {
                if (!positions.ContainsKey(name) && (_options.Columns is null || !Contains(_options.Columns, name)))
                {
                    missing.Add($"'{name}' (named in ColumnTypes)");
                }
            }
        }

        if (missing.Count > 0)
        {
            throw new DatasetException(
                $"{_sourceName}: {(missing.Count == 1 ? "column" : "columns")} {string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} not in the header; the header has: {string.Join(", ", header)}",
                _sourceName,
                1,
                null);
        }

        var nulls = new NullMatcher(_options.NullValues);
        var parsers = new CsvColumnParser[selected.Count];
        for (var i = 0; i < parsers.Length; i++)
        {
            var name = selected[i];
            ColumnType? type = types is not null && types.TryGetValue(name, out var given) ? given : null;
            parsers[i] = new CsvColumnParser(name, positions[name], type, nulls, _sourceName);
        }

        return parsers;
    }

    private static bool Contains(IReadOnlyList<string> names, string name)
    {
        foreach (var candidate in names)
        {
            if (candidate == name)
            {
                return true;
            }
        }

        return false;
    }

    private Frame ReadRows(
        CsvTokenizer tokenizer,
        CsvColumnParser[] parsers,
        byte[] buffer,
        int length,
        int start,
        bool eof,
        CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var chunks = new BlockingCollection<CsvChunk>(DatasetDefaults.ChunksInFlight);
        var producer = Task.Factory.StartNew(
            () => Produce(tokenizer, buffer, length, start, eof, chunks, stop.Token),
            stop.Token,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        var rows = 0;
        var errors = new DatasetException?[parsers.Length];
        var parallel = new ParallelOptions { CancellationToken = cancellationToken };
        try
        {
            foreach (var chunk in chunks.GetConsumingEnumerable(cancellationToken))
            {
                try
                {
                    if (chunk.EstimatedTotalRows > 0)
                    {
                        foreach (var parser in parsers)
                        {
                            parser.Accumulator.CapacityHint = chunk.EstimatedTotalRows;
                        }
                    }

                    if (chunk.RowCount > 0)
                    {
                        Parallel.For(0, parsers.Length, parallel, i => errors[i] = parsers[i].Parse(chunk));
                        ThrowEarliest(errors);
                    }

                    if (chunk.Error is not null)
                    {
                        throw chunk.Error;
                    }

                    rows += chunk.RowCount;
                    if (_lines is not null)
                    {
                        for (var i = 0; i < chunk.RowCount; i++)
                        {
                            _lines.Add(chunk.RowLines[i]);
                        }
                    }
                }
                finally
                {
                    chunk.Release();
                }
            }

            producer.GetAwaiter().GetResult();
        }
        finally
        {
            stop.Cancel();
            try
            {
                producer.Wait(CancellationToken.None);
            }
            catch (AggregateException)
            {
                // Already observed above, or a consequence of stopping early.
            }

            while (chunks.TryTake(out var left))
            {
                left.Release();
            }
        }

        return Build(parsers, rows);
    }

    private static void ThrowEarliest(DatasetException?[] errors)
    {
        DatasetException? earliest = null;
        for (var i = 0; i < errors.Length; i++)
        {
            if (errors[i] is { } error && (earliest is null || error.Line < earliest.Line))
            {
                earliest = error;
            }

            errors[i] = null;
        }

        if (earliest is not null)
        {
            throw earliest;
        }
    }

    private void Produce(
        CsvTokenizer tokenizer,
        byte[] buffer,
        int length,
        int start,
        bool eof,
        BlockingCollection<CsvChunk> chunks,
        CancellationToken cancellationToken)
    {
        var rows = 0;
        var estimated = false;
        try
        {
            while (true)
            {
                var chunk = new CsvChunk(buffer, length, tokenizer.FieldCount, rows);
                var consumed = tokenizer.Tokenize(chunk, start, eof, _limit - rows);
                if (chunk.RowCount == 0 && chunk.Error is null && !eof && consumed == start)
                {
                    // One row is longer than the buffer: keep its bytes and read into a buffer twice the size
                    // (copied before the chunk hands the old buffer back to the pool).
                    var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_options.ChunkBytes, (length - start) * 2));
                    buffer.AsSpan(start, length - start).CopyTo(grown);
                    chunk.Release();
                    buffer = grown;
                    length -= start;
                    start = 0;
                    length = Fill(buffer, length, out eof);
                    continue;
                }

                rows += chunk.RowCount;
                if (!estimated && chunk.RowCount > 0)
                {
                    estimated = true;
                    chunk.EstimatedTotalRows = Estimate(rows, consumed - start, length - consumed);
                }

                var done = chunk.Error is not null || rows >= _limit || (eof && consumed >= length);
                byte[]? next = null;
                var nextLength = 0;
                if (!done)
                {
                    var carry = length - consumed;
                    next = ArrayPool<byte>.Shared.Rent(Math.Max(_options.ChunkBytes, carry * 2));
                    buffer.AsSpan(consumed, carry).CopyTo(next);
                    nextLength = eof ? carry : Fill(next, carry, out eof);
                }

                try
                {
                    chunks.Add(chunk, cancellationToken);
                }
                catch
                {
                    chunk.Release();
                    if (next is not null)
                    {
                        ArrayPool<byte>.Shared.Return(next);
                    }

                    throw;
                }

                if (done)
                {
                    return;
                }

                buffer = next!;
                length = nextLength;
                start = 0;
            }
        }
        finally
        {
            chunks.CompleteAdding();
        }
    }

    /// <summary>The file's likely row count from the first chunk's bytes per row, when the stream knows its length.</summary>
    private int Estimate(int rows, int bytes, int buffered)
    {
        if (!_stream.CanSeek || bytes <= 0)
        {
            return 0;
        }

        try
        {
            var remaining = _stream.Length - _stream.Position + buffered;
            var estimate = rows + (remaining * rows * 1.02 / bytes) + 16;
            return (int)Math.Min(Math.Min(estimate, _limit), Array.MaxLength);
        }
        catch (NotSupportedException)
        {
            return 0;
        }
    }

    private int Fill(byte[] buffer, int length, out bool eof)
    {
        var wanted = buffer.Length - length;
        var read = _stream.ReadAtLeast(buffer.AsSpan(length), wanted, throwOnEndOfStream: false);
        eof = read < wanted;
        return length + read;
    }

    private static Frame Build(CsvColumnParser[] parsers, int rows)
    {
        // Building copies each column into an array of its exact length: worth doing in parallel.
        var columns = new Column[parsers.Length];
        Parallel.For(0, columns.Length, i => columns[i] = parsers[i].Accumulator.Build(parsers[i].Name, rows));
        return new Frame(columns);
    }
}
