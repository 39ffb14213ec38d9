using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelOps.Hub.Auth;
using ModelOps.Hub.Connectors;
using ModelOps.Hub.Errors;
using ModelOps.Store.Connectors;

namespace ModelOps.Hub.Api;

/// <summary>Connectors to LLM providers (admin only): list, add, change, remove. No answer ever holds an API key.</summary>
internal static class ConnectorsApi
{
    public static void MapConnectorsApi(this IEndpointRouteBuilder app)
    {
        var connectors = app.MapGroup("/api/connectors").WithTags("Connectors").RefuseUnknownQuery();
        connectors.MapGet("/", async (IConnectorStore store, CancellationToken ct) => Results.Ok((await store.ListConnectorsAsync(ct).ConfigureAwait(false)).Select(ConnectorView.Of)))
            .Requires(HubPermission.Administer).WithName("ListConnectors").WithSummary("Every connector (never an API key: only its last 4 characters and when it was set).").Produces<IReadOnlyList<ConnectorView>>();
        connectors.MapGet("/{name}", async (string name, IConnectorStore store, CancellationToken ct) => Results.Ok(ConnectorView.Of(await store.GetConnectorAsync(name, ct).ConfigureAwait(false))))
            .Requires(HubPermission.Administer).WithName("GetConnector").WithSummary("One connector (never its API key).").Produces<ConnectorView>().ProducesProblem(404);
        connectors.MapPost("/", AddAsync)
            .Requires(HubPermission.Administer).WithName("AddConnector").WithSummary("Adds a connector; its API key is encrypted before it is stored and never answered.")
            .AcceptsJson<AddConnectorRequest>().Produces<ConnectorView>(201).ProducesProblem(400).ProducesProblem(409);
        connectors.MapPatch("/{name}", UpdateAsync)
            .Requires(HubPermission.Administer).WithName("UpdateConnector").WithSummary("Changes a connector's model, base URL, timeout or API key (the old key is overwritten, never shown).")
            .AcceptsJson<UpdateConnectorRequest>().Produces<ConnectorView>().ProducesProblem(400).ProducesProblem(404);
        connectors.MapDelete("/{name}", async (string name, IConnectorStore store, CancellationToken ct) =>
            {
                await store.RemoveConnectorAsync(name, ct).ConfigureAwait(false);
                return Results.NoContent();
            })
            .Requires(HubPermission.Administer).WithName("RemoveConnector").WithSummary("Removes a connector and its API key.").Produces(204).ProducesProblem(404);
        connectors.MapPost("/{name}/test", async (string name, ConnectorService service, CancellationToken ct) => Results.Ok(ConnectorCheckView.Of(await service.CheckAsync(name, ct).ConfigureAwait(false))))
            .Requires(HubPermission.Administer).WithName("TestConnector")
            .WithSummary("Makes one small call through the connector: which model answered and how fast, or what failed in plain words (bad key, rate limit with its retry time, timeout, unreachable).")
            .Produces<ConnectorCheckView>().ProducesProblem(404);
    }

    private static async Task<IResult> AddAsync(HttpContext context, IConnectorStore store)
    {
        using var json = await JsonBody.ReadObjectAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var (body, root) = (json.Body, json.Root);
        var name = body.String(root, "name", "$", required: true);
        var kindName = body.String(root, "kind", "$", required: true);
        var model = body.String(root, "model", "$", required: true);
        var baseUrl = body.String(root, "baseUrl", "$", required: false);
        var apiKey = ApiKey(body, root);
        var timeout = Timeout(body, root);
        ConnectorKind kind = default;
        if (kindName is not null && !ConnectorKindNames.TryParse(kindName, out kind))
        {
            body.Error("$.kind", $"'{kindName}' is not a connector kind ({ConnectorKindNames.Accepted})");
        }

        body.ThrowIfAny();
        var added = await store.AddConnectorAsync(new NewConnector(name!, kind, model!) { BaseUrl = baseUrl, ApiKey = apiKey, Timeout = timeout }, TokenAuthMiddleware.Caller(context).Name, context.RequestAborted).ConfigureAwait(false);
        return Results.Created($"/api/connectors/{Uri.EscapeDataString(added.Name)}", ConnectorView.Of(added));
    }

    private static async Task<IResult> UpdateAsync(string name, HttpContext context, IConnectorStore store)
    {
        using var json = await JsonBody.ReadObjectAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var (body, root) = (json.Body, json.Root);
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is not ("model" or "baseUrl" or "apiKey" or "timeoutSeconds"))
            {
                body.Error($"$.{property.Name}", "unknown field (a connector's model, baseUrl, apiKey and timeoutSeconds can be changed)");
            }
        }

        var change = new ConnectorChange
        {
            Model = body.String(root, "model", "$", required: false),
            BaseUrl = body.String(root, "baseUrl", "$", required: false),
            ApiKey = ApiKey(body, root),
            Timeout = Timeout(body, root),
        };
        body.ThrowIfAny();
        return Results.Ok(ConnectorView.Of(await store.UpdateConnectorAsync(name, change, context.RequestAborted).ConfigureAwait(false)));
    }

    // Read without JsonBody.String, whose message would quote a value that is not a string: a key is never echoed.
    private static string? ApiKey(JsonBody body, JsonElement root)
    {
        if (!root.TryGetProperty("apiKey", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        body.Error("$.apiKey", "expected a string");
        return null;
    }

    private static TimeSpan? Timeout(JsonBody body, JsonElement root) =>
        body.Number(root, "timeoutSeconds", "$", required: false) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
}

/// <summary>The body of <c>POST /api/connectors</c>.</summary>
/// <param name="Name">1 to 100 letters, digits, <c>-</c>, <c>_</c> and <c>.</c>.</param>
/// <param name="Kind"><c>openai</c>, <c>anthropic</c>, <c>gemini</c> or <c>openai-compatible</c>.</param>
/// <param name="Model">The model its calls use (<c>gpt-4o-mini</c>).</param>
/// <param name="BaseUrl">The endpoint's base URL; required for <c>openai-compatible</c>, else the provider's own when absent.</param>
/// <param name="ApiKey">The API key (encrypted at rest, never answered); may be absent only for <c>openai-compatible</c>.</param>
/// <param name="TimeoutSeconds">How long one call may take, 1 to 600; 60 when absent.</param>
public sealed record AddConnectorRequest(string Name, string Kind, string Model, string? BaseUrl, string? ApiKey, double? TimeoutSeconds);

/// <summary>The body of <c>PATCH /api/connectors/{name}</c>: the fields to change.</summary>
/// <param name="Model">A new default model.</param>
/// <param name="BaseUrl">A new base URL (an empty string goes back to the provider's own).</param>
/// <param name="ApiKey">A new API key (the old one is overwritten).</param>
/// <param name="TimeoutSeconds">A new timeout, 1 to 600 seconds.</param>
public sealed record UpdateConnectorRequest(string? Model, string? BaseUrl, string? ApiKey, double? TimeoutSeconds);

/// <summary>A connector as the API shows it: never its API key.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Model">The model its calls use.</param>
/// <param name="BaseUrl">Its base URL, or absent for the provider's own.</param>
/// <param name="TimeoutSeconds">How long one call may take.</param>
/// <param name="Key">Its API key's last 4 characters and when it was set, or absent when it has none.</param>
/// <param name="CreatedAt">When it was added.</param>
/// <param name="CreatedBy">Who added it.</param>
/// <param name="UpdatedAt">When it was last changed.</param>
public sealed record ConnectorView(string Name, string Kind, string Model, string? BaseUrl, double TimeoutSeconds, ConnectorKeyView? Key, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt)
{
    internal static ConnectorView Of(Connector connector) => new(
        connector.Name,
        connector.Kind.ToName(),
        connector.Model,
        connector.BaseUrl,
        (connector.Timeout ?? ConnectorDefaults.Timeout).TotalSeconds,
        connector.KeySetAt is { } setAt ? new ConnectorKeyView(connector.KeyHint is { } hint ? "..." + hint : "(short key)", setAt) : null,
        connector.CreatedAt,
        connector.CreatedBy,
        connector.UpdatedAt);
}

/// <summary>What is shown of a connector's API key.</summary>
/// <param name="Hint">Its last 4 characters after <c>...</c> (<c>...x9Qz</c>), or <c>(short key)</c> for a key of 8 characters or fewer.</param>
/// <param name="SetAt">When it was set.</param>
public sealed record ConnectorKeyView(string Hint, DateTimeOffset SetAt)
{
    /// <summary><c>...x9Qz, set 2026-12-06 14:03 UTC</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Hint}, set {SetAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
}

/// <summary>The answer of <c>POST /api/connectors/{name}/test</c> (200 whether or not the provider answered).</summary>
/// <param name="Succeeded">Whether the provider answered.</param>
/// <param name="Message">One line: <c>gpt-4o-mini-2024-07-18 answered in 412 ms</c>, or what failed (<c>rate limited (429); retry after 20 s: ...</c>).</param>
/// <param name="ElapsedMs">How long the call took.</param>
/// <param name="Model">The model that answered, or absent.</param>
/// <param name="Error">What failed: <c>kind</c> (<c>keyRefused</c>, <c>rateLimited</c>, <c>timeout</c>, <c>unreachable</c>, <c>modelNotFound</c>, <c>httpError</c>, <c>invalidAnswer</c>, <c>failed</c>), <c>statusCode</c>, <c>retryAfterSeconds</c>; absent on success.</param>
public sealed record ConnectorCheckView(bool Succeeded, string Message, long ElapsedMs, string? Model, ConnectorErrorView? Error)
{
    internal static ConnectorCheckView Of(ConnectorCheck check) => new(
        check.Succeeded,
        check.Message,
        (long)check.Elapsed.TotalMilliseconds,
        check.Model,
        check.Error is { } error ? new ConnectorErrorView(error.Kind, error.StatusCode, error.RetryAfter?.TotalSeconds) : null);
}

/// <summary>What failed in a connector call.</summary>
/// <param name="Kind">The kind of failure.</param>
/// <param name="StatusCode">The provider's HTTP status, when it answered one.</param>
/// <param name="RetryAfterSeconds">How long the provider asked to wait, when it said.</param>
public sealed record ConnectorErrorView(ConnectorErrorKind Kind, int? StatusCode, double? RetryAfterSeconds);
