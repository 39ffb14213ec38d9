using System.Globalization;
using Microsoft.Extensions.Logging;
using ModelOps.Store;
using ModelOps.Store.Groups;

namespace ModelOps.Jobs.Jobs;

/// <summary>
/// Points an alias (<c>Champion</c> by default) of a registered model at a version (the latest by
/// default). The registry keeps the move in the alias's append-only history with the actor and reason.
/// With <see cref="Group"/>, the version becomes that group's Champion and the <c>Champion</c> alias
/// moves with it in one transaction (<see cref="IGroupStore.PromoteAsync"/>), so alias and group cannot
/// drift apart. Moving <c>Champion</c> while other groups serve another version of the model as their
/// Champion names those groups in the result's summary (the CLI's output and the job's notification).
/// </summary>
public sealed record PromotionJob : Job
{
    /// <summary>The kind name.</summary>
    public const string KindName = "PromotionJob";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <summary>The registered model.</summary>
    public required string ModelName { get; init; }

    /// <summary>The version to promote; the latest when not set.</summary>
    public int? Version { get; init; }

    /// <summary>The alias to move; with <see cref="Group"/> it must be <c>Champion</c>.</summary>
    public string Alias { get; init; } = StoreDefaults.Alias;

    /// <summary>
    /// A model group whose Champion the version becomes, through the group's atomic promotion (the
    /// new Champion takes the old one's weight; the old one stays as a Challenger or Shadow).
    /// </summary>
    /// <value>Default <see langword="null"/>: only the alias moves.</value>
    public string? Group { get; init; }

    /// <summary>Why, kept in the alias history (and the group's audit).</summary>
    public string? Reason { get; init; }

    /// <inheritdoc />
    public override async Task<JobResult> RunAsync(JobContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var version = Version is { } number
            ? await context.Store.GetVersionAsync(ModelName, number, context.CancellationToken).ConfigureAwait(false)
            : await context.Store.GetLatestVersionAsync(ModelName, context.CancellationToken).ConfigureAwait(false);
        var reason = Reason ?? $"{KindName} run {context.RunId}";
        var change = Group is { } group
            ? (await context.Store.Groups.PromoteAsync(group, ModelName, version.Version, takeAllTraffic: false, Environment.UserName, reason, context.CancellationToken).ConfigureAwait(false)).Alias
            : await context.Store.SetAliasAsync(ModelName, Alias, version.Version, reason, cancellationToken: context.CancellationToken).ConfigureAwait(false);
        context.Logger.LogInformation("{Model} @{Alias}: version {From} -> {To}", ModelName, Alias, change.FromVersion?.ToString(CultureInfo.InvariantCulture) ?? "none", version.Version);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["model"] = ModelName,
            ["alias"] = Alias,
            ["version"] = version.Version.ToString(CultureInfo.InvariantCulture),
        };
        if (Group is not null)
        {
            parameters["group"] = Group;
        }

        await context.Store.LogParametersAsync(context.RunId, parameters, context.CancellationToken).ConfigureAwait(false);
        var others = Alias == StoreDefaults.Alias ? await OtherChampionsAsync(context, version.Version).ConfigureAwait(false) : [];
        foreach (var other in others)
        {
            context.Logger.LogWarning("group {Group} still serves {Model} version {Version} as its Champion", other.Group, ModelName, other.Version);
        }

        return new PromotionResult { ModelName = ModelName, Version = version.Version, Alias = Alias, PreviousVersion = change.FromVersion, Group = Group, OtherChampions = others };
    }

    // The groups (but the one promoted through) whose Champion is another version of the model: they no longer follow the alias.
    private async Task<IReadOnlyList<GroupChampion>> OtherChampionsAsync(JobContext context, int version)
    {
        var groups = await context.Store.Groups.ListGroupsAsync(context.CancellationToken).ConfigureAwait(false);
        return [.. groups
            .Where(g => g.Name != Group && g.Champion.Model == ModelName && g.Champion.Version != version)
            .Select(g => new GroupChampion(g.Name, g.Champion.Version))];
    }
}

/// <summary>A group that serves a version of the promoted model as its Champion.</summary>
/// <param name="Group">The group name.</param>
/// <param name="Version">The version it serves as its Champion.</param>
public sealed record GroupChampion(string Group, int Version);

/// <summary>What a <see cref="PromotionJob"/> moved.</summary>
public sealed record PromotionResult : JobResult
{
    /// <summary>The registered model.</summary>
    public required string ModelName { get; init; }

    /// <summary>The version the alias points at now.</summary>
    public required int Version { get; init; }

    /// <summary>The alias.</summary>
    public required string Alias { get; init; }

    /// <summary>The version the alias pointed at before; null when it is new.</summary>
    public int? PreviousVersion { get; init; }

    /// <summary>The group promoted through, or null when only the alias moved.</summary>
    public string? Group { get; init; }

    /// <summary>Other groups that still serve another version of the model as their Champion (empty unless the alias is <c>Champion</c>).</summary>
    public IReadOnlyList<GroupChampion> OtherChampions { get; init; } = [];

    /// <inheritdoc />
    public override string Summary
    {
        get
        {
            var summary = string.Create(
                CultureInfo.InvariantCulture,
                $"{ModelName} version {Version} @ {Alias}{(PreviousVersion is { } previous ? $" (was version {previous})" : " (new alias)")}{(Group is null ? string.Empty : $" and Champion of group {Group}")}");
            return OtherChampions.Count == 0
                ? summary
                : string.Create(
                    CultureInfo.InvariantCulture,
                    $"{summary}; still serving another version as Champion: {string.Join(", ", OtherChampions.Select(c => string.Create(CultureInfo.InvariantCulture, $"group {c.Group} (version {c.Version})")))} (promote with group: NAME to move a group with the alias)");
        }
    }
}
