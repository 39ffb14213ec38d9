using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>An uploaded metadata file, parsed: its name, its sha256 digest and its JSON.</summary>
internal sealed class SourceDocument : IDisposable
{
    private readonly JsonDocument _document;

    private SourceDocument(string fileName, string digest, JsonDocument document)
    {
        FileName = fileName;
        Digest = digest;
        _document = document;
    }

    /// <summary>The file's name, as uploaded.</summary>
    public string FileName { get; }

    /// <summary><c>sha256:&lt;hex&gt;</c> of the bytes.</summary>
    public string Digest { get; }

    /// <summary>The document's root.</summary>
    public JsonElement Root => _document.RootElement;

    /// <summary>Parses the bytes (UTF-8, a byte order mark allowed; comments and trailing commas allowed, as people write them).</summary>
    /// <exception cref="MetadataImportException">(<see cref="MetadataImportErrorKind.NotJson"/>) The bytes are empty or not JSON: <c>report.txt is not JSON: line 1, byte 1: 'A' is an invalid start of a value</c>.</exception>
    public static SourceDocument Parse(ReadOnlyMemory<byte> bytes, string fileName)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        var text = bytes;
        if (text.Span.StartsWith("\uFEFF"u8))
        {
            text = text[3..];
        }

        if (text.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new MetadataImportException(MetadataImportErrorKind.NotJson, $"{fileName} is empty; upload the model's metadata as a JSON document");
        }

        try
        {
            var document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
            return new SourceDocument(fileName, digest, document);
        }
        catch (JsonException error)
        {
            throw new MetadataImportException(MetadataImportErrorKind.NotJson, $"{fileName} is not JSON: {Where(error)}");
        }
    }

    /// <summary>
    /// Where and why parsing failed, 1-based: <c>line 3, byte 14: '}' is invalid after a property name</c> (the
    /// reader's reason without its own position suffix).
    /// </summary>
    public static string Where(JsonException error)
    {
        var reason = error.Message;
        var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0)
        {
            reason = reason[..cut];
        }

        reason = reason.TrimEnd('.', ' ');
        var line = (error.LineNumber ?? 0) + 1;
        var position = (error.BytePositionInLine ?? 0) + 1;
        return string.Create(CultureInfo.InvariantCulture, $"line {line}, byte {position}: {reason}");
    }

    /// <inheritdoc/>
    public void Dispose() => _document.Dispose();
}
