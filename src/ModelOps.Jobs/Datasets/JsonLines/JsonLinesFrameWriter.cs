using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using ModelOps.Core.Data;

namespace ModelOps.Jobs.Datasets.JsonLines;

/// <summary>
/// Writes a <see cref="Frame"/> as JSON lines with <see cref="Utf8JsonWriter"/>: one object per row, every
/// column as a key in frame order, nulls as <c>null</c>, date-times as ISO 8601 strings
/// (<see cref="ValueFormat"/>), and NaN and infinities as the strings <c>"NaN"</c>, <c>"Infinity"</c>,
/// <c>"-Infinity"</c> (JSON has no literal for them; the reader takes them back as float64).
/// Names and string categories are escaped once and reused.
/// </summary>
internal static class JsonLinesFrameWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Files, not HTML: keep '+', '<', quotes in names and non-ASCII text readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>Writes <paramref name="frame"/> to <paramref name="stream"/> (flushed, not disposed).</summary>
    public static void Write(Stream stream, Frame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(frame);
        cancellationToken.ThrowIfCancellationRequested();
        var columns = frame.Columns;
        var names = new JsonEncodedText[columns.Count];
        var categories = new JsonEncodedText?[columns.Count][];
        for (var c = 0; c < columns.Count; c++)
        {
            names[c] = JsonEncodedText.Encode(columns[c].Name, WriterOptions.Encoder);
            categories[c] = columns[c] is StringColumn strings ? new JsonEncodedText?[strings.Categories.Count] : [];
        }

        var output = new ArrayBufferWriter<byte>(DatasetDefaults.WriteBufferBytes);
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        Span<char> chars = stackalloc char[40];
        for (var row = 0; row < frame.RowCount; row++)
        {
            writer.WriteStartObject();
            for (var c = 0; c < columns.Count; c++)
            {
                var column = columns[c];
                var name = names[c];
                if (column.IsNull(row))
                {
                    writer.WriteNull(name);
                    continue;
                }

                switch (column)
                {
                    case Float64Column floats:
                        var value = floats[row];
                        if (double.IsFinite(value))
                        {
                            writer.WriteNumber(name, value);
                        }
                        else
                        {
                            writer.WriteString(name, ValueFormat.Format(value));
                        }

                        break;
                    case Int64Column longs:
                        writer.WriteNumber(name, longs[row]);
                        break;
                    case BoolColumn bools:
                        writer.WriteBoolean(name, bools[row]);
                        break;
                    case DateTimeColumn dates:
                        ValueFormat.TryFormat(dates[row], chars, out var written);
                        writer.WriteString(name, chars[..written]);
                        break;
                    case StringColumn strings:
                        var code = strings.Codes[row];
                        var encoded = categories[c][code] ??= JsonEncodedText.Encode(strings.Categories[code], WriterOptions.Encoder);
                        writer.WriteString(name, encoded);
                        break;
                    default:
                        throw new NotSupportedException($"Column '{column.Name}' has type {column.Type.ToName()}, which JSON lines cannot write.");
                }
            }

            writer.WriteEndObject();
            writer.Flush();
            output.GetSpan(1)[0] = (byte)'\n';
            output.Advance(1);
            writer.Reset();
            if (output.WrittenCount >= DatasetDefaults.WriteBufferBytes - 1024)
            {
                cancellationToken.ThrowIfCancellationRequested();
                stream.Write(output.WrittenSpan);
                output.ResetWrittenCount();
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        stream.Write(output.WrittenSpan);
        stream.Flush();
    }
}
