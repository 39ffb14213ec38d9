using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using ModelOps.Core.Models;

namespace ModelOps.Core.Interop.XGBoost;

/// <summary>
/// Universal Binary JSON (ubjson.org, draft 12), the format of XGBoost's <c>.ubj</c> models (the
/// default of <c>save_model</c> from XGBoost 2.1): decoded to the JSON document it stands for, so
/// one reader checks both formats. Numbers are big-endian; a container may declare its element type
/// (<c>$</c>) and count (<c>#</c>), as XGBoost does for its node arrays. A float that is not finite
/// becomes the string <c>"NaN"</c>, <c>"Infinity"</c> or <c>"-Infinity"</c>, as in
/// <see cref="XGBoostJsonText.QuoteNonFiniteNumbers"/>.
/// </summary>
internal static class Ubjson
{
    private const int MaxDepth = 64;

    /// <summary>Whether <paramref name="bytes"/> start as a UBJSON object does: <c>{</c> and then a key length's integer marker, or a type or count marker; a JSON object has whitespace, a quote or <c>}</c> there.</summary>
    public static bool LooksLikeUbjson(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 2 && bytes[0] == (byte)'{' && bytes[1] is (byte)'i' or (byte)'U' or (byte)'I' or (byte)'l' or (byte)'L' or (byte)'$' or (byte)'#';

    /// <summary>Decodes <paramref name="bytes"/> into a JSON document.</summary>
    /// <param name="bytes">The UBJSON document.</param>
    /// <param name="subject">Names the document in errors (a file name).</param>
    /// <exception cref="ModelFormatException">The bytes are not one valid UBJSON value; the message gives the byte offset.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> bytes, string subject)
    {
        var output = new ArrayBufferWriter<byte>(bytes.Length * 2);
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = false, MaxDepth = MaxDepth + 1 }))
        {
            var decoder = new Decoder(bytes.Span, writer, subject);
            decoder.Document();
        }

        return JsonDocument.Parse(output.WrittenMemory, new JsonDocumentOptions { MaxDepth = MaxDepth + 1 });
    }

    private ref struct Decoder(ReadOnlySpan<byte> bytes, Utf8JsonWriter writer, string subject)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _position;
        private int _depth;

        public void Document()
        {
            Value(NextMarker());
            if (_position != _bytes.Length)
            {
                throw Error(_position, $"{_bytes.Length - _position} bytes follow the document's end");
            }
        }

        private byte NextMarker()
        {
            byte marker;
            do
            {
                marker = Take(1)[0];
            }
            while (marker == (byte)'N'); // no-op
            return marker;
        }

        private void Value(byte marker)
        {
            var at = _position - 1;
            switch (marker)
            {
                case (byte)'Z':
                    writer.WriteNullValue();
                    break;
                case (byte)'T':
                    writer.WriteBooleanValue(true);
                    break;
                case (byte)'F':
                    writer.WriteBooleanValue(false);
                    break;
                case (byte)'i' or (byte)'U' or (byte)'I' or (byte)'l' or (byte)'L':
                    writer.WriteNumberValue(Integer(marker));
                    break;
                case (byte)'d':
                    Float(BinaryPrimitives.ReadSingleBigEndian(Take(4)));
                    break;
                case (byte)'D':
                    Float(BinaryPrimitives.ReadDoubleBigEndian(Take(8)));
                    break;
                case (byte)'C':
                    writer.WriteStringValue(((char)Take(1)[0]).ToString());
                    break;
                case (byte)'S':
                    String(at);
                    break;
                case (byte)'H':
                    HighPrecision(at);
                    break;
                case (byte)'[':
                    Container(array: true, at);
                    break;
                case (byte)'{':
                    Container(array: false, at);
                    break;
                default:
                    throw Error(at, $"unexpected marker {Describe(marker)}");
            }
        }

        private void Container(bool array, int at)
        {
            if (++_depth > MaxDepth)
            {
                throw Error(at, $"containers nest deeper than {MaxDepth}");
            }

            byte? type = null;
            long count = -1;
            if (Peek() == (byte)'$')
            {
                _position++;
                type = Take(1)[0];
                if (Peek() != (byte)'#')
                {
                    throw Error(_position, "a typed container ($) needs a count (#)");
                }
            }

            if (Peek() == (byte)'#')
            {
                _position++;
                var countAt = _position;
                count = Integer(Take(1)[0]);
                if (count < 0 || count > _bytes.Length - _position)
                {
                    throw Error(countAt, $"a count of {count} does not fit in the {_bytes.Length - _position} bytes left");
                }
            }

            if (array)
            {
                writer.WriteStartArray();
            }
            else
            {
                writer.WriteStartObject();
            }

            for (long i = 0; count < 0 || i < count; i++)
            {
                if (count < 0 && Peek() == (array ? (byte)']' : (byte)'}'))
                {
                    _position++;
                    break;
                }

                if (!array)
                {
                    var keyAt = _position;
                    var key = Take(Length(keyAt));
                    try
                    {
                        writer.WritePropertyName(key);
                    }
                    catch (ArgumentException)
                    {
                        throw Error(keyAt, "a key is not valid UTF-8");
                    }
                }

                Value(type ?? NextMarker());
            }

            if (array)
            {
                writer.WriteEndArray();
            }
            else
            {
                writer.WriteEndObject();
            }

            _depth--;
        }

        private long Integer(byte marker) => marker switch
        {
            (byte)'i' => (sbyte)Take(1)[0],
            (byte)'U' => Take(1)[0],
            (byte)'I' => BinaryPrimitives.ReadInt16BigEndian(Take(2)),
            (byte)'l' => BinaryPrimitives.ReadInt32BigEndian(Take(4)),
            (byte)'L' => BinaryPrimitives.ReadInt64BigEndian(Take(8)),
            _ => throw Error(_position - 1, $"expected an integer marker (i, U, I, l, L), found {Describe(marker)}"),
        };

        private int Length(int at)
        {
            var length = Integer(Take(1)[0]);
            return length >= 0 && length <= _bytes.Length - _position
                ? (int)length
                : throw Error(at, $"a length of {length} does not fit in the {_bytes.Length - _position} bytes left");
        }

        private readonly void Float(double value)
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumberValue(value);
            }
            else
            {
                writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
            }
        }

        private void String(int at)
        {
            var text = Take(Length(at));
            try
            {
                writer.WriteStringValue(text);
            }
            catch (ArgumentException)
            {
                throw Error(at, "a string is not valid UTF-8");
            }
        }

        private void HighPrecision(int at)
        {
            var text = Take(Length(at));
            try
            {
                writer.WriteRawValue(text);
            }
            catch (Exception error) when (error is ArgumentException or JsonException)
            {
                throw Error(at, "a high-precision number (H) is not a number");
            }
        }

        private readonly byte Peek() =>
            _position < _bytes.Length ? _bytes[_position] : throw Error(_position, "the document ends early");

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > _bytes.Length - _position)
            {
                throw Error(_position, "the document ends early");
            }

            var span = _bytes.Slice(_position, count);
            _position += count;
            return span;
        }

        private static string Describe(byte marker) =>
            marker is >= 0x21 and < 0x7F
                ? string.Create(CultureInfo.InvariantCulture, $"'{(char)marker}'")
                : string.Create(CultureInfo.InvariantCulture, $"0x{marker:X2}");

        private readonly ModelFormatException Error(int offset, string what) =>
            new(string.Create(CultureInfo.InvariantCulture, $"{subject} is not valid UBJSON: {what} at byte {offset}."));
    }
}
