using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using ModelOps.Core.Scoring;

namespace ModelOps.Hub.Errors;

/// <summary>
/// Reads request bodies as JSON and their fields with exact messages (<c>$.members[0].weight: expected
/// an integer, got string</c>), collecting every problem before answering 400.
/// </summary>
internal sealed class JsonBody
{
    private readonly List<string> _errors = [];

    /// <summary>
    /// Parses the body; 415 when its Content-Type is not JSON, 400 when it is empty or not JSON, 413 (from Kestrel)
    /// when too large. The Content-Type is checked here, after the token's permission on the endpoint, not by routing.
    /// </summary>
    public static async Task<JsonDocument> ParseAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            throw new HubException(StatusCodes.Status415UnsupportedMediaType, string.IsNullOrEmpty(request.ContentType)
                ? "the request has no Content-Type; send the body as JSON with 'Content-Type: application/json'"
                : $"Content-Type '{request.ContentType}' is not supported; send the body as JSON with 'Content-Type: application/json'");
        }

        try
        {
            var document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken).ConfigureAwait(false);
            return document;
        }
        catch (JsonException error)
        {
            var line = (error.LineNumber ?? 0) + 1;
            var position = (error.BytePositionInLine ?? 0) + 1;
            var reason = error.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0)
            {
                reason = reason[..cut];
            }

            if (reason.Contains("does not contain any JSON tokens", StringComparison.Ordinal))
            {
                throw HubException.BadRequest("request body is empty; send a JSON object");
            }

            throw HubException.BadRequest(string.Create(CultureInfo.InvariantCulture, $"request body is not valid JSON (line {line}, byte {position}): {reason}"));
        }
    }

    /// <summary>
    /// Parses the body (<see cref="ParseAsync"/>), which must be a JSON object (400 otherwise): the object, with the
    /// <see cref="JsonBody"/> that collects the problems of its fields.
    /// </summary>
    public static async Task<JsonRequest> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var document = await ParseAsync(request, cancellationToken).ConfigureAwait(false);
        var body = new JsonBody();
        if (body.Object(document.RootElement, "$") is null)
        {
            document.Dispose();
            body.ThrowIfAny();
        }

        return new JsonRequest(document, body);
    }

    /// <summary>Whether any problem was found.</summary>
    public bool HasErrors => _errors.Count > 0;

    /// <summary>Adds a problem at <paramref name="path"/>.</summary>
    public void Error(string path, string problem) => _errors.Add($"{path}: {problem}");

    /// <summary>400 listing every problem, when there is any.</summary>
    public void ThrowIfAny(string what = "request body")
    {
        if (_errors.Count > 0)
        {
            throw new HubException(StatusCodes.Status400BadRequest, $"{what} is invalid: {string.Join("; ", _errors)}", [.. _errors]);
        }
    }

    /// <summary><paramref name="element"/> when it is an object, else a problem and <see langword="null"/>.</summary>
    public JsonElement? Object(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            return element;
        }

        Error(path, $"expected an object, got {Kind(element)}");
        return null;
    }

    public string? String(JsonElement obj, string name, string path, bool required)
    {
        if (!Find(obj, name, path, required, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        Error($"{path}.{name}", $"expected a string, got {Kind(value)}");
        return null;
    }

    public int? Int(JsonElement obj, string name, string path, bool required)
    {
        if (!Find(obj, name, path, required, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        Error($"{path}.{name}", $"expected an integer, got {Kind(value)}");
        return null;
    }

    public double? Number(JsonElement obj, string name, string path, bool required)
    {
        if (!Find(obj, name, path, required, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number))
        {
            return number;
        }

        Error($"{path}.{name}", $"expected a number, got {Kind(value)}");
        return null;
    }

    public bool? Bool(JsonElement obj, string name, string path, bool required)
    {
        if (!Find(obj, name, path, required, out var value))
        {
            return null;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        Error($"{path}.{name}", $"expected true or false, got {Kind(value)}");
        return null;
    }

    public JsonElement? Array(JsonElement obj, string name, string path, bool required)
    {
        if (!Find(obj, name, path, required, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            return value;
        }

        Error($"{path}.{name}", $"expected an array, got {Kind(value)}");
        return null;
    }

    /// <summary>How a JSON value reads in a message: <c>string "abc"</c>, <c>number 3.5</c>, <c>null</c>, <c>an object</c>.</summary>
    public static string Kind(JsonElement value) => JsonRecords.Kind(value);

    private bool Find(JsonElement obj, string name, string path, bool required, out JsonElement value)
    {
        if (obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        if (required)
        {
            Error($"{path}.{name}", "missing");
        }

        return false;
    }
}

/// <summary>A request body that is a JSON object (<see cref="JsonBody.ReadObjectAsync"/>); dispose it once read.</summary>
/// <param name="document">The parsed body.</param>
/// <param name="body">Collects the problems of the body's fields.</param>
internal sealed class JsonRequest(JsonDocument document, JsonBody body) : IDisposable
{
    /// <summary>Collects the problems of the body's fields.</summary>
    public JsonBody Body { get; } = body;

    /// <summary>The body's object.</summary>
    public JsonElement Root => document.RootElement;

    public void Dispose() => document.Dispose();
}

/// <summary>Declares a JSON request body for OpenAPI without letting routing refuse other Content-Types.</summary>
internal static class JsonBodyEndpoints
{
    /// <summary>
    /// Documents <typeparamref name="TBody"/> as the <c>application/json</c> body. Unlike <c>Accepts</c>, it names no
    /// content type to routing, whose 415 endpoint has no permission and no detail: the endpoint is matched, the
    /// token judged on it, and <see cref="JsonBody.ParseAsync"/> answers 415 with a detail.
    /// </summary>
    public static RouteHandlerBuilder AcceptsJson<TBody>(this RouteHandlerBuilder builder)
    {
        builder.Add(endpoint => endpoint.Metadata.Add(new AcceptsMetadata([], typeof(TBody))));
        return builder;
    }
}
