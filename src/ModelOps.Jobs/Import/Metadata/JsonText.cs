using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>JSON text for messages, samples and prompts: quoted strings, compact values, shortened to a length.</summary>
internal static class JsonText
{
    /// <summary>Compact JSON that keeps non-ASCII text readable (messages and prompts are read by people and models, not browsers).</summary>
    public static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Indented JSON, as <see cref="Compact"/>.</summary>
    public static readonly JsonSerializerOptions Indented = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true };

    /// <summary>A string as a JSON string literal: <c>"91.2%"</c>.</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text, Compact);

    /// <summary>A value's compact JSON, cut to <paramref name="maxLength"/> characters with <c>…</c> when longer.</summary>
    public static string Short(JsonElement value, int maxLength) => Cut(JsonSerializer.Serialize(value, Compact), maxLength);

    /// <summary>A node's compact JSON (<c>null</c> for none), cut like <see cref="Short(JsonElement, int)"/>.</summary>
    public static string Short(JsonNode? value, int maxLength) => Cut(value?.ToJsonString(Compact) ?? "null", maxLength);

    /// <summary><paramref name="text"/>, cut to <paramref name="maxLength"/> characters with <c>…</c> when longer.</summary>
    public static string Cut(string text, int maxLength) => text.Length <= maxLength ? text : string.Concat(text.AsSpan(0, maxLength - 1), "…");

    /// <summary>Invariant text of a count: <c>100,000</c>.</summary>
    public static string Count(int count) => count.ToString("N0", CultureInfo.InvariantCulture);
}
