using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelOps.Hub.Auth;
using ModelOps.Hub.Errors;
using ModelOps.Hub.Groups;
using ModelOps.Store.Groups;

namespace ModelOps.Hub.Api;

/// <summary>Model groups: create, read, change the split, promote, delete, audit.</summary>
internal static class GroupsApi
{
    public static void MapGroupsApi(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup("/api/groups").WithTags("Groups").RefuseUnknownQuery();
        groups.MapGet("/", async (IGroupStore store, CancellationToken ct) => Results.Ok(await store.ListGroupsAsync(ct).ConfigureAwait(false)))
            .Requires(HubPermission.Read).WithName("ListGroups").WithSummary("Every model group, by name.").Produces<IReadOnlyList<ModelGroup>>();
        groups.MapGet("/{group}", async (string group, IGroupStore store, CancellationToken ct) => Results.Ok(await store.GetGroupAsync(group, ct).ConfigureAwait(false)))
            .Requires(HubPermission.Read).WithName("GetGroup").WithSummary("One model group: members, weights, policy, revision.").Produces<ModelGroup>().ProducesProblem(404);
        groups.MapGet("/{group}/audit", AuditAsync)
            .Requires(HubPermission.Read).WithName("GroupAudit").WithSummary("The audit of a group (also of a deleted one), oldest first.").Produces<IReadOnlyList<GroupAuditView>>();
        groups.MapPost("/", CreateAsync)
            .Requires(HubPermission.Manage).WithName("CreateGroup").WithSummary("Creates a group and its inference-log table.")
            .AcceptsJson<CreateGroupRequest>().Produces<ModelGroup>(201).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        groups.MapPut("/{group}/split", SplitAsync)
            .Requires(HubPermission.Manage).WithName("SetSplit").WithSummary("Replaces the members and weights of a group.")
            .AcceptsJson<SplitRequest>().Produces<ModelGroup>().ProducesProblem(400).ProducesProblem(404);
        groups.MapPut("/{group}/guardrails", GuardrailsAsync)
            .Requires(HubPermission.Manage).WithName("SetGuardrails").WithSummary("Replaces the rules that take traffic from a worse Challenger (kind champion_better or error_rate; [] removes them).")
            .AcceptsJson<GuardrailsRequest>().Produces<ModelGroup>().ProducesProblem(400).ProducesProblem(404);
        groups.MapPost("/{group}/promote", PromoteAsync)
            .Requires(HubPermission.Manage).WithName("Promote").WithSummary("Makes a version the Champion in one atomic step and moves its Champion alias.")
            .AcceptsJson<PromoteRequest>().Produces<GroupPromotion>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        groups.MapDelete("/{group}", DeleteAsync)
            .Requires(HubPermission.Delete).WithName("DeleteGroup").WithSummary("Deletes a group following its policy (archive or delete); the audit remains.")
            .Produces<GroupDeletionView>().ProducesProblem(404);
    }

    private static async Task<IResult> AuditAsync(string group, IGroupStore store, CancellationToken ct)
    {
        GroupNames.Validate(group);
        return Results.Ok((await store.GetGroupAuditAsync(group, ct).ConfigureAwait(false)).Select(GroupAuditView.Of).ToList());
    }

    private static async Task<IResult> CreateAsync(HttpContext context, GroupCommands commands)
    {
        using var json = await JsonBody.ReadObjectAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var (body, root) = (json.Body, json.Root);
        var name = body.String(root, "name", "$", required: true);
        var description = body.String(root, "description", "$", required: false);
        var policyName = body.String(root, "deletionPolicy", "$", required: false) ?? "archive";
        if (!GroupNames.TryParsePolicy(policyName, out var policy))
        {
            body.Error("$.deletionPolicy", $"'{policyName}' is not a policy (archive, delete)");
        }

        var members = Members(root, body);
        body.ThrowIfAny();
        var created = await commands.CreateAsync(new NewModelGroup(name!, members, policy) { Description = description }, Actor(context), context.RequestAborted).ConfigureAwait(false);
        return Results.Created($"/api/groups/{created.Name}", created);
    }

    private static async Task<IResult> SplitAsync(string group, HttpContext context, GroupCommands commands)
    {
        GroupNames.Validate(group);
        using var json = await JsonBody.ReadObjectAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var (body, root) = (json.Body, json.Root);
        var members = Members(root, body);
        body.ThrowIfAny();
        return Results.Ok(await commands.SetMembersAsync(group, members, Actor(context), context.RequestAborted).ConfigureAwait(false));
    }

    private static async Task<IResult> GuardrailsAsync(string group, HttpContext context, GroupCommands commands)
    {
        GroupNames.Validate(group);
        using var json = await JsonBody.ReadObjectAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var (body, root) = (json.Body, json.Root);
        var rules = new List<GroupGuardrail>();
        if (body.Array(root, "guardrails", "$", required: true) is { } list)
        {
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                var path = string.Create(CultureInfo.InvariantCulture, $"$.guardrails[{i++}]");
                if (body.Object(item, path) is not { } rule)
                {
                    continue;
                }

                var kind = body.String(rule, "kind", path, required: true);
                var rate = body.Number(rule, "maxErrorRate", path, required: false);
                var minPairs = body.Int(rule, "minPairs", path, required: false) ?? 0;
                rules.Add(new GroupGuardrail(kind ?? string.Empty, rate, minPairs));
            }
        }

        body.ThrowIfAny();
        return Results.Ok(await commands.SetGuardrailsAsync(group, rules, Actor(context), context.RequestAborted).ConfigureAwait(false));
    }

    private static async Task<IResult> PromoteAsync(string group, HttpContext context, GroupCommands commands)
    {
        GroupNames.Validate(group);
        using var json = await JsonBody.ReadObjectAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var (body, root) = (json.Body, json.Root);
        var model = body.String(root, "model", "$", required: true);
        var version = body.Int(root, "version", "$", required: true);
        var takeAll = body.Bool(root, "takeAllTraffic", "$", required: false) ?? false;
        var reason = body.String(root, "reason", "$", required: false);
        body.ThrowIfAny();
        return Results.Ok(await commands.PromoteAsync(group, model!, version!.Value, takeAll, Actor(context), reason, context.RequestAborted).ConfigureAwait(false));
    }

    private static async Task<IResult> DeleteAsync(string group, HttpContext context, GroupCommands commands) =>
        Results.Ok(GroupDeletionView.Of(await commands.DeleteAsync(group, Actor(context), context.RequestAborted).ConfigureAwait(false)));

    private static string Actor(HttpContext context) => TokenAuthMiddleware.Caller(context).Name;

    /// <summary>
    /// Reads <c>champion</c> ({model, version, weight?}), <c>challengers</c> ([{model, version, weight}]) and
    /// <c>shadows</c> ([{model, version}]). The Champion's weight defaults to 100 minus the Challengers'.
    /// </summary>
    private static List<GroupMember> Members(JsonElement root, JsonBody body)
    {
        var members = new List<GroupMember>();
        int? championWeight = null;
        (string Model, int Version)? champion = null;
        if (root.TryGetProperty("champion", out var championElement) && body.Object(championElement, "$.champion") is { } c)
        {
            var model = body.String(c, "model", "$.champion", required: true);
            var version = body.Int(c, "version", "$.champion", required: true);
            championWeight = body.Int(c, "weight", "$.champion", required: false);
            if (model is not null && version is not null)
            {
                champion = (model, version.Value);
            }
        }
        else if (championElement.ValueKind == JsonValueKind.Undefined)
        {
            body.Error("$.champion", "missing");
        }

        var challengerWeights = 0;
        foreach (var (element, path) in Items(root, "challengers", body))
        {
            var model = body.String(element, "model", path, required: true);
            var version = body.Int(element, "version", path, required: true);
            var weight = body.Int(element, "weight", path, required: true);
            if (model is not null && version is not null && weight is not null)
            {
                members.Add(new GroupMember(model, version.Value, GroupRole.Challenger, weight.Value));
                challengerWeights += weight.Value;
            }
        }

        foreach (var (element, path) in Items(root, "shadows", body))
        {
            var model = body.String(element, "model", path, required: true);
            var version = body.Int(element, "version", path, required: true);
            if (model is not null && version is not null)
            {
                members.Add(new GroupMember(model, version.Value, GroupRole.Shadow, 0));
            }
        }

        if (champion is { } chosen)
        {
            members.Insert(0, new GroupMember(chosen.Model, chosen.Version, GroupRole.Champion, championWeight ?? 100 - challengerWeights));
        }

        return members;
    }

    private static List<(JsonElement Element, string Path)> Items(JsonElement root, string name, JsonBody body)
    {
        var items = new List<(JsonElement, string)>();
        if (body.Array(root, name, "$", required: false) is not { } array)
        {
            return items;
        }

        var i = 0;
        foreach (var element in array.EnumerateArray())
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"$.{name}[{i++}]");
            if (body.Object(element, path) is { } item)
            {
                items.Add((item, path));
            }
        }

        return items;
    }
}

/// <summary>The body of <c>POST /api/groups</c>.</summary>
/// <param name="Name">1 to 48 characters of <c>[a-z0-9_-]</c>.</param>
/// <param name="Champion">The Champion; its weight defaults to 100 minus the Challengers'.</param>
/// <param name="Challengers">Challengers with their weights (percent).</param>
/// <param name="Shadows">Shadow models: they score every request, logged but never returned.</param>
/// <param name="DeletionPolicy"><c>archive</c> (default) or <c>delete</c>.</param>
/// <param name="Description">What the group serves.</param>
public sealed record CreateGroupRequest(string Name, MemberRequest Champion, IReadOnlyList<MemberRequest>? Challengers, IReadOnlyList<MemberRequest>? Shadows, string? DeletionPolicy, string? Description);

/// <summary>The body of <c>PUT /api/groups/{group}/split</c>.</summary>
/// <param name="Champion">The Champion; its weight defaults to 100 minus the Challengers'.</param>
/// <param name="Challengers">Challengers with their weights (percent).</param>
/// <param name="Shadows">Shadow models.</param>
public sealed record SplitRequest(MemberRequest Champion, IReadOnlyList<MemberRequest>? Challengers, IReadOnlyList<MemberRequest>? Shadows);

/// <summary>A member in a request body.</summary>
/// <param name="Model">The registered model.</param>
/// <param name="Version">Its version.</param>
/// <param name="Weight">Percent of the traffic (Challengers; optional for the Champion; absent for Shadows).</param>
public sealed record MemberRequest(string Model, int Version, int? Weight);

/// <summary>The body of <c>POST /api/groups/{group}/promote</c>.</summary>
/// <param name="Model">The registered model.</param>
/// <param name="Version">The version that becomes Champion.</param>
/// <param name="TakeAllTraffic">Give it 100% and make every other member a Shadow (default false: it takes the old Champion's weight).</param>
/// <param name="Reason">Why, for the alias history and the audit.</param>
public sealed record PromoteRequest(string Model, int Version, bool? TakeAllTraffic, string? Reason);

/// <summary>The body of <c>PUT /api/groups/{group}/guardrails</c>.</summary>
/// <param name="Guardrails">The rules, in the order they are tried; empty removes them.</param>
public sealed record GuardrailsRequest(IReadOnlyList<GroupGuardrail> Guardrails);

/// <summary>An audit record as the API shows it: its detail as a JSON object.</summary>
/// <param name="Sequence">Its position in the audit: later records have higher numbers.</param>
/// <param name="Group">The group name.</param>
/// <param name="Action"><c>create</c>, <c>split</c>, <c>promote</c> or <c>delete</c>.</param>
/// <param name="Actor">Who made the change (the token's name).</param>
/// <param name="Detail">What changed (members, policy, archived table).</param>
/// <param name="At">When (UTC).</param>
public sealed record GroupAuditView(long Sequence, string Group, string Action, string Actor, JsonElement Detail, DateTimeOffset At)
{
    /// <summary>The view of a stored audit record.</summary>
    public static GroupAuditView Of(GroupAuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new GroupAuditView(entry.Sequence, entry.Group, entry.Action, entry.Actor, StoredJson.Parse(entry.Detail), entry.At);
    }
}

/// <summary>What deleting a group did, with its audit record's detail as a JSON object.</summary>
/// <param name="Group">The group name.</param>
/// <param name="Policy">The policy that was followed.</param>
/// <param name="ArchivedTable">The table the inference log was renamed to, or <see langword="null"/> when it was dropped.</param>
/// <param name="Audit">The audit record of the deletion.</param>
public sealed record GroupDeletionView(string Group, GroupDeletionPolicy Policy, string? ArchivedTable, GroupAuditView Audit)
{
    /// <summary>The view of a deletion.</summary>
    public static GroupDeletionView Of(GroupDeletion deletion)
    {
        ArgumentNullException.ThrowIfNull(deletion);
        return new GroupDeletionView(deletion.Group, deletion.Policy, deletion.ArchivedTable, GroupAuditView.Of(deletion.Audit));
    }
}
