using System.Text.Json;

namespace ModelOps.Core.Models;

/// <summary>Parses model documents (ours and imported ones) with one error for text that is not JSON.</summary>
internal static class ModelJson
{
    /// <summary>Parses <paramref name="stream"/>; <paramref name="subject"/> names it in the error (<c>The model file</c>, a file name).</summary>
    public static JsonDocument Parse(Stream stream, string subject)
    {
        try
        {
            return JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException error)
        {
            throw new ModelFormatException($"{subject} is not valid JSON: {error.Message}", error);
        }
    }
}
