using System.Text.Json;

namespace ModelOps.Hub.Api;

/// <summary>
/// JSON the store keeps as text (a version's signature, an audit record's detail, a logged record's inputs and
/// SHAP), shown in answers as the JSON value it is, not as a string holding JSON.
/// </summary>
internal static class StoredJson
{
    /// <summary>The value <paramref name="text"/> holds; text that is not JSON stays a string (nothing stored is lost).</summary>
    public static JsonElement Parse(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(text);
        }
    }

    /// <summary><see cref="Parse"/>, or <see langword="null"/> for <see langword="null"/>.</summary>
    public static JsonElement? ParseOrNull(string? text) => text is null ? null : Parse(text);
}
