using System.Globalization;

namespace ModelOps.Store.Groups;

/// <summary>
/// A champion/challenger group: one Champion and zero or more Challengers that share the traffic
/// (weights in percent summing to 100), optional Shadow models that score every request without
/// answering it, and its own inference-log table.
/// </summary>
/// <param name="Name">The group name: 1 to 48 characters of <c>[a-z0-9_-]</c>.</param>
/// <param name="TableName">Its inference-log table: <c>inference_log_</c> + the name with <c>-</c> mapped to <c>_</c>.</param>
/// <param name="DeletionPolicy">What deleting the group does to its table.</param>
/// <param name="Description">What the group serves, or <see langword="null"/>.</param>
/// <param name="Members">The Champion first, then Challengers, then Shadows, in the order given.</param>
/// <param name="Revision">Incremented by every change of the group (1 after creation).</param>
/// <param name="CreatedAt">When it was created (UTC).</param>
/// <param name="UpdatedAt">When its members or split last changed (UTC).</param>
public sealed record ModelGroup(
    string Name,
    string TableName,
    GroupDeletionPolicy DeletionPolicy,
    string? Description,
    IReadOnlyList<GroupMember> Members,
    long Revision,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The rules that take traffic from a worse Challenger (<see cref="GroupGuardrail"/>); empty for none.</summary>
    public IReadOnlyList<GroupGuardrail> Guardrails { get; init; } = [];

    /// <summary>The Champion member.</summary>
    public GroupMember Champion
    {
        get
        {
            foreach (var member in Members)
            {
                if (member.Role == GroupRole.Champion)
                {
                    return member;
                }
            }

            throw new InvalidOperationException($"Group '{Name}' has no Champion.");
        }
    }

    /// <summary>
    /// The members after <paramref name="model"/> version <paramref name="version"/> is promoted (what
    /// <see cref="IGroupStore.PromoteAsync"/> writes): the new Champion takes the old Champion's weight, and the old
    /// Champion takes the place the new one left (a Challenger with its weight, or a Shadow when it was a Shadow or not
    /// in the group); with <paramref name="takeAllTraffic"/> the new Champion gets 100 and every other member becomes a Shadow.
    /// </summary>
    /// <exception cref="StoreException">The version already is the Champion.</exception>
    public IReadOnlyList<GroupMember> MembersAfterPromotion(string model, int version, bool takeAllTraffic)
    {
        ArgumentNullException.ThrowIfNull(model);
        var old = Champion;
        if (old.Model == model && old.Version == version)
        {
            throw new StoreException(StoreErrorKind.Conflict, string.Create(CultureInfo.InvariantCulture, $"version {version} of model '{model}' already is the champion of group '{Name}'"));
        }

        var promoted = Members.FirstOrDefault(m => m.Model == model && m.Version == version);
        var members = new List<GroupMember>(Members.Count + 1);
        if (takeAllTraffic)
        {
            members.Add(new GroupMember(model, version, GroupRole.Champion, 100));
            foreach (var member in Members)
            {
                if (member != promoted)
                {
                    members.Add(member with { Role = GroupRole.Shadow, Weight = 0 });
                }
            }

            return GroupRules.Ordered(members);
        }

        members.Add(new GroupMember(model, version, GroupRole.Champion, old.Weight));
        var oldTakes = promoted is { Role: GroupRole.Challenger }
            ? old with { Role = GroupRole.Challenger, Weight = promoted.Weight }
            : old with { Role = GroupRole.Shadow, Weight = 0 };
        foreach (var member in Members)
        {
            if (member == old)
            {
                continue;
            }

            members.Add(member == promoted ? oldTakes : member);
        }

        if (promoted is null)
        {
            members.Add(oldTakes);
        }

        return GroupRules.Ordered(members);
    }
}

/// <summary>One registered model version in a group.</summary>
/// <param name="Model">The registered model name.</param>
/// <param name="Version">The version number.</param>
/// <param name="Role">Champion, Challenger or Shadow.</param>
/// <param name="Weight">The percentage of requests it answers (0 to 100); always 0 for a Shadow.</param>
public sealed record GroupMember(string Model, int Version, GroupRole Role, int Weight);

/// <summary>The role of a model version in a group.</summary>
public enum GroupRole
{
    /// <summary>The model that answers by default (<c>champion</c>).</summary>
    Champion,

    /// <summary>A model that answers its share of the requests (<c>challenger</c>).</summary>
    Challenger,

    /// <summary>A model that scores every request, logged but never returned (<c>shadow</c>).</summary>
    Shadow,
}

/// <summary>What deleting a group does to its inference-log table.</summary>
public enum GroupDeletionPolicy
{
    /// <summary>The table is renamed to <c>inference_archive_&lt;id&gt;</c> and kept (<c>archive</c>).</summary>
    Archive,

    /// <summary>The table is dropped (<c>delete</c>).</summary>
    Delete,
}

/// <summary>What <see cref="IGroupStore.CreateGroupAsync"/> creates.</summary>
/// <param name="Name">The group name: 1 to 48 characters of <c>[a-z0-9_-]</c>.</param>
/// <param name="Members">Exactly one Champion, any Challengers (Champion and Challenger weights sum to 100), any Shadows (weight 0).</param>
/// <param name="DeletionPolicy">What deleting the group will do to its table.</param>
public sealed record NewModelGroup(string Name, IReadOnlyList<GroupMember> Members, GroupDeletionPolicy DeletionPolicy)
{
    /// <summary>What the group serves.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? Description { get; init; }
}

/// <summary>One entry of the append-only audit of group changes; kept when the group is deleted.</summary>
/// <param name="Sequence">Its position in the audit: later entries have higher numbers.</param>
/// <param name="Group">The group name.</param>
/// <param name="Action"><c>create</c>, <c>split</c>, <c>promote</c> or <c>delete</c>.</param>
/// <param name="Actor">Who made the change.</param>
/// <param name="Detail">What changed, as JSON (members, policy, archived table).</param>
/// <param name="At">When (UTC).</param>
public sealed record GroupAuditEntry(long Sequence, string Group, string Action, string Actor, string Detail, DateTimeOffset At);

/// <summary>What deleting a group did.</summary>
/// <param name="Group">The group name.</param>
/// <param name="Policy">The policy that was followed.</param>
/// <param name="ArchivedTable">The table the inference log was renamed to, or <see langword="null"/> when it was dropped.</param>
/// <param name="Audit">The audit entry recorded for the deletion.</param>
public sealed record GroupDeletion(string Group, GroupDeletionPolicy Policy, string? ArchivedTable, GroupAuditEntry Audit);

/// <summary>A promotion: the version that became Champion, and the group and alias move it made.</summary>
/// <param name="Group">The group after the promotion.</param>
/// <param name="Alias">The move of the registry alias <c>Champion</c> (with history).</param>
public sealed record GroupPromotion(ModelGroup Group, Registry.AliasChange Alias);

/// <summary>The stored names of the group enums.</summary>
public static class GroupNames
{
    /// <summary>Checks the name of a new group: 1 to 48 characters of <c>[a-z0-9_-]</c>, and not <c>new</c> (the web UI's <c>/groups/new</c>).</summary>
    /// <exception cref="StoreException">The name is invalid (<see cref="StoreErrorKind.Invalid"/>), with a message that says what is allowed.</exception>
    public static void Validate(string name) => GroupRules.NewName(name);

    /// <summary>The inference-log table of group <paramref name="name"/>: <c>inference_log_</c> + the name with <c>-</c> mapped to <c>_</c>.</summary>
    /// <exception cref="StoreException">The name is invalid.</exception>
    public static string TableName(string name) => GroupRules.TableName(name);

    /// <summary>
    /// Every rule the members of a group break (one Champion, Champion and Challenger weights summing to 100, Shadows
    /// at 0, no version twice), in the words the store's refusal uses; empty when they make a valid group.
    /// </summary>
    public static IReadOnlyList<string> MemberProblems(IReadOnlyList<GroupMember> members) => GroupRules.MemberProblems(members);

    /// <summary><c>champion</c>, <c>challenger</c> or <c>shadow</c>.</summary>
    public static string ToName(this GroupRole role) => role switch
    {
        GroupRole.Champion => "champion",
        GroupRole.Challenger => "challenger",
        GroupRole.Shadow => "shadow",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown group role."),
    };

    /// <summary><c>archive</c> or <c>delete</c>.</summary>
    public static string ToName(this GroupDeletionPolicy policy) => policy switch
    {
        GroupDeletionPolicy.Archive => "archive",
        GroupDeletionPolicy.Delete => "delete",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown deletion policy."),
    };

    /// <summary>Parses a role name (case-insensitive); <see langword="false"/> when it is none.</summary>
    public static bool TryParseRole(string? name, out GroupRole role)
    {
        switch (name?.ToLowerInvariant())
        {
            case "champion":
                role = GroupRole.Champion;
                return true;
            case "challenger":
                role = GroupRole.Challenger;
                return true;
            case "shadow":
                role = GroupRole.Shadow;
                return true;
            default:
                role = default;
                return false;
        }
    }

    /// <summary>Parses a deletion policy name (case-insensitive); <see langword="false"/> when it is none.</summary>
    public static bool TryParsePolicy(string? name, out GroupDeletionPolicy policy)
    {
        switch (name?.ToLowerInvariant())
        {
            case "archive":
                policy = GroupDeletionPolicy.Archive;
                return true;
            case "delete":
                policy = GroupDeletionPolicy.Delete;
                return true;
            default:
                policy = default;
                return false;
        }
    }
}
