using System.Buffers;
using System.Text;
using System.Text.Json;
using ModelOps.Core.Data;

namespace ModelOps.Jobs.Datasets.JsonLines;

/// <summary>
/// Reads JSON lines (one object per line) into a <see cref="Frame"/> in one streaming pass with
/// <see cref="Utf8JsonReader"/>: the columns are the union of the keys in first-seen order (a key missing
/// from a row is null there); values go straight into typed <see cref="ColumnAccumulator"/>s, which widen
/// when inference meets a wider value. Blank lines are skipped; every other line must be one object of
/// scalars. Keys are matched against the previous row's key order first, so the usual file (same keys,
/// same order) costs one byte comparison per key.
/// </summary>
internal sealed class JsonLinesFrameReader
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private readonly Stream _stream;
    private readonly JsonLinesReadOptions _options;
    private readonly string _sourceName;
    private readonly int _limit;
    private readonly Dictionary<string, int> _keyIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _keyLookup;
    private readonly List<Key> _keys = [];
    private readonly List<JsonColumn> _columns = [];
    private readonly HashSet<string>? _selected;
    private int[] _previousOrder = new int[16];
    private int _previousCount;
    private int _rows;
    private readonly RowLines? _lines;
    private char[] _chars = new char[256];
    private byte[] _unescaped = new byte[256];

    private JsonLinesFrameReader(Stream stream, JsonLinesReadOptions options, string sourceName, RowLines? lines)
    {
        _lines = lines;
        _stream = stream;
        _options = options;
        _sourceName = sourceName;
        _limit = options.Limit ?? int.MaxValue;
        _keyLookup = _keyIds.GetAlternateLookup<ReadOnlySpan<char>>();
        if (options.Columns is not null)
        {
            _selected = new HashSet<string>(options.Columns, StringComparer.Ordinal);
        }
    }

    /// <summary>Reads <paramref name="stream"/> (not disposed) with <paramref name="options"/>.</summary>
    /// <param name="stream">The JSON lines.</param>
    /// <param name="options">How to read them.</param>
    /// <param name="sourceName">The name messages give the input.</param>
    /// <param name="lines">When given, receives the line each row is on.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public static Frame Read(Stream stream, JsonLinesReadOptions options, string sourceName, RowLines? lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new JsonLinesFrameReader(stream, options, sourceName, lines).Read(cancellationToken);
    }

    private Frame Read(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_options.ChunkBytes);
        try
        {
            var length = Fill(buffer, 0, out var eof);
            var pos = length >= 3 && buffer.AsSpan(0, 3).SequenceEqual(Bom) ? 3 : 0;
            var line = 1;
            while (_rows < _limit)
            {
                var newline = buffer.AsSpan(pos, length - pos).IndexOf((byte)'\n');
                if (newline < 0)
                {
                    if (eof)
                    {
                        ReadLine(buffer.AsSpan(pos, length - pos), line);
                        break;
                    }

                    // Keep the partial line: move it to the front, or grow the buffer when it fills it.
                    var partial = length - pos;
                    if (pos == 0)
                    {
                        var grown = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(grown);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = grown;
                    }
                    else
                    {
                        buffer.AsSpan(pos, partial).CopyTo(buffer);
                    }

                    length = Fill(buffer, partial, out eof);
                    pos = 0;
                    cancellationToken.ThrowIfCancellationRequested();
                    continue;
                }

                ReadLine(buffer.AsSpan(pos, newline), line);
                pos += newline + 1;
                line++;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Build();
    }

    private void ReadLine(ReadOnlySpan<byte> text, int line)
    {
        if (text.IndexOfAnyExcept(" \t\r"u8) < 0)
        {
            return;
        }

        var row = _rows;
        var reader = new Utf8JsonReader(text, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Error(line, null, $"expected a JSON object but found {Describe(reader.TokenType)}");
            }

            var position = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = ResolveKey(ref reader, position++);
                reader.Read();
                var column = _keys[key].Column;
                if (column < 0)
                {
                    reader.Skip();
                    continue;
                }

                var target = _columns[column];
                if (target.LastRow == row)
                {
                    throw Error(line, null, $"key '{target.Name}' appears more than once in the object");
                }

                target.LastRow = row;
                ReadValue(ref reader, target, row, line);
            }

            _previousCount = position;
            if (reader.Read())
            {
                throw Error(line, null, $"unexpected {Describe(reader.TokenType)} after the object");
            }
        }
        catch (JsonException error)
        {
            var message = error.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            throw new DatasetException(
                $"{_sourceName} line {line}, byte {error.BytePositionInLine + 1}: malformed JSON: {(cut < 0 ? message : message[..cut])}",
                _sourceName,
                line,
                null,
                error);
        }

        _rows++;
        _lines?.Add(line);
    }

    /// <summary>The id of the key the reader is on; the previous row's key at this position is tried first.</summary>
    private int ResolveKey(ref Utf8JsonReader reader, int position)
    {
        if (position < _previousCount && reader.ValueTextEquals(_keys[_previousOrder[position]].Utf8))
        {
            return _previousOrder[position];
        }

        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (_chars.Length < length)
        {
            _chars = new char[Math.Max(length, _chars.Length * 2)];
        }

        var written = reader.CopyString(_chars);
        var name = _chars.AsSpan(0, written);
        if (!_keyLookup.TryGetValue(name, out var id))
        {
            id = AddKey(name.ToString());
        }

        if (position >= _previousOrder.Length)
        {
            Array.Resize(ref _previousOrder, _previousOrder.Length * 2);
        }

        _previousOrder[position] = id;
        _previousCount = Math.Max(_previousCount, position + 1);
        return id;
    }

    private int AddKey(string name)
    {
        var column = -1;
        if (_selected is null || _selected.Contains(name))
        {
            column = _columns.Count;
            ColumnType? type = _options.ColumnTypes is not null && _options.ColumnTypes.TryGetValue(name, out var given) ? given : null;
            var added = new JsonColumn(name, new ColumnAccumulator(type));
            added.Accumulator.PadNulls(_rows);
            _columns.Add(added);
        }

        var id = _keys.Count;
        _keys.Add(new Key(name, Encoding.UTF8.GetBytes(name), column));
        _keyIds.Add(name, id);
        return id;
    }

    private void ReadValue(ref Utf8JsonReader reader, JsonColumn column, int row, int line)
    {
        var accumulator = column.Accumulator;
        accumulator.PadNulls(row);
        var check = accumulator.TracksRawText;
        scoped ReadOnlySpan<byte> text;
        ColumnType kind;
        var isString = false;
        var canonical = true;
        long integer = 0;
        double number = 0;
        var flag = false;
        var date = default(DateTime);
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                accumulator.PadNulls(row + 1);
                return;
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                throw Error(line, column.Name, $"nested {(reader.TokenType == JsonTokenType.StartObject ? "objects" : "arrays")} are not supported; values must be strings, numbers, true, false or null");
            case JsonTokenType.True:
                text = "true"u8;
                kind = ColumnType.Bool;
                flag = true;
                break;
            case JsonTokenType.False:
                text = "false"u8;
                kind = ColumnType.Bool;
                break;
            case JsonTokenType.Number:
                text = reader.ValueSpan;
                if (text.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0 && Utf8ValueParser.TryParseInt64(text, check, out integer, out canonical))
                {
                    kind = ColumnType.Int64;
                }
                else
                {
                    Utf8ValueParser.TryParseFloat64(text, check, out number, out canonical);
                    kind = ColumnType.Float64;
                }

                break;
            default:
                text = StringValue(ref reader);
                isString = true;
                if (IsFloatLiteral(text))
                {
                    Utf8ValueParser.TryParseFloat64(text, check, out number, out canonical);
                    kind = ColumnType.Float64;
                }
                else
                {
                    kind = Utf8ValueParser.TryParseDateTime(text, out date, out canonical) ? ColumnType.DateTime : ColumnType.String;
                }

                break;
        }

        ColumnType type;
        if (accumulator.IsGiven)
        {
            type = accumulator.Type!.Value;
            var accepted = type switch
            {
                ColumnType.Int64 => kind == ColumnType.Int64,
                ColumnType.Float64 => kind is ColumnType.Int64 or ColumnType.Float64,
                ColumnType.Bool => kind == ColumnType.Bool,
                ColumnType.DateTime => kind == ColumnType.DateTime,
                _ => true,
            };
            if (!accepted)
            {
                var shown = Encoding.UTF8.GetString(text);
                shown = isString ? $"\"{shown}\"" : shown;
                throw Error(line, column.Name, $"{DatasetException.Shorten(shown)} is not a{(type == ColumnType.Int64 ? "n" : "")} {type.ToName()}");
            }
        }
        else
        {
            type = accumulator.Type switch
            {
                null => kind,
                var current when current == kind => kind,
                ColumnType.Int64 or ColumnType.Float64 when kind is ColumnType.Int64 or ColumnType.Float64 => ColumnType.Float64,
                _ => ColumnType.String,
            };
            if (type != accumulator.Type)
            {
                accumulator.ConvertTo(type, row);
            }
        }

        switch (type)
        {
            case ColumnType.Int64:
                Set(accumulator, row, integer);
                break;
            case ColumnType.Float64 when kind == ColumnType.Int64:
                // Parsed again as a double: exact for -0 and beyond 2^53, and canonical as a double's text.
                Utf8ValueParser.TryParseFloat64(text, check, out number, out canonical);
                Set(accumulator, row, number);
                break;
            case ColumnType.Float64:
                Set(accumulator, row, number);
                break;
            case ColumnType.Bool:
                Set(accumulator, row, flag);
                break;
            case ColumnType.DateTime:
                Set(accumulator, row, date);
                break;
            default:
                if (_chars.Length < text.Length)
                {
                    _chars = new char[Math.Max(text.Length, _chars.Length * 2)];
                }

                var count = Encoding.UTF8.GetChars(text, _chars);
                accumulator.Strings.Append(_chars.AsSpan(0, count));
                return;
        }

        if (!canonical && accumulator.TracksRawText)
        {
            accumulator.AddRawText(row, text);
        }
    }

    private static bool IsFloatLiteral(ReadOnlySpan<byte> text) =>
        text.SequenceEqual("NaN"u8) || text.SequenceEqual("Infinity"u8) || text.SequenceEqual("-Infinity"u8);

    private ReadOnlySpan<byte> StringValue(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return reader.ValueSpan;
        }

        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (_unescaped.Length < length)
        {
            _unescaped = new byte[Math.Max(length, _unescaped.Length * 2)];
        }

        var written = reader.CopyString(_unescaped);
        return _unescaped.AsSpan(0, written);
    }

    private static void Set<T>(ColumnAccumulator accumulator, int row, T value)
    {
        accumulator.EnsureCapacity(row + 1);
        accumulator.Values<T>()[row] = value;
        accumulator.SetCount(row + 1);
    }

    private Frame Build()
    {
        var missing = new List<string>();
        if (_options.Columns is not null)
        {
            foreach (var name in _options.Columns)
            {
                if (!_keyIds.ContainsKey(name))
                {
                    missing.Add($"'{name}' (named in Columns)");
                }
            }
        }

        if (_options.ColumnTypes is not null)
        {
            foreach (var name in _options.ColumnTypes.Keys)
            {
                if (!_keyIds.ContainsKey(name) && (_selected is null || !_selected.Contains(name)))
                {
                    missing.Add($"'{name}' (named in ColumnTypes)");
                }
            }
        }

        if (missing.Count > 0)
        {
            var keys = _keys.ConvertAll(k => k.Name);

            throw new DatasetException(
                $"{_sourceName}: {(missing.Count == 1 ? "key" : "keys")} {string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} in no row; the keys are: {(keys.Count == 0 ? "(none)" : string.Join(", ", keys))}",
                _sourceName,
                null,
                null);
        }

        var byName = new Dictionary<string, JsonColumn>(StringComparer.Ordinal);
        foreach (var column in _columns)
        {
            byName.Add(column.Name, column);
        }

        var order = _options.Columns ?? (IReadOnlyList<string>)_columns.ConvertAll(c => c.Name);
        var columns = new Column[order.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = byName[order[c]].Accumulator.Build(order[c], _rows);
        }

        return new Frame(columns);
    }

    private int Fill(byte[] buffer, int length, out bool eof)
    {
        var wanted = buffer.Length - length;
        var read = _stream.ReadAtLeast(buffer.AsSpan(length), wanted, throwOnEndOfStream: false);
        eof = read < wanted;
        return length + read;
    }

    private DatasetException Error(int line, string? key, string what) =>
        new(key is null ? $"{_sourceName} line {line}: {what}" : $"{_sourceName} line {line}, key '{key}': {what}", _sourceName, line, key);

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private readonly record struct Key(string Name, byte[] Utf8, int Column);

    private sealed class JsonColumn(string name, ColumnAccumulator accumulator)
    {
        public string Name { get; } = name;

        public ColumnAccumulator Accumulator { get; } = accumulator;

        public int LastRow { get; set; } = -1;
    }
}
