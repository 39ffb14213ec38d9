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

    /// <summary>A JSON value kind as messages say it: <c>an object</c>, <c>a string</c>, <c>null</c>, ...</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "missing",
    };
}
